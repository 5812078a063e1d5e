"""Workbooks for download: one form laid out like the paper form (with its findings and the
re-scoring), and a summary of a filtered list of forms.

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage
return) is written as a string cell with Excel's quote prefix (the apostrophe a person types to
say "this is text"): it shows as printed ("=100%" stays "=100%") and can never be evaluated,
neither on opening nor after someone edits the cell.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..store.schema import FindingRow, FormRow
from .formview import ACHIEVEMENT_NAMES, FUNDS_COLS, SEVERITY_NAMES, field_label, loc_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
MARK_FILL = {"error": PatternFill("solid", fgColor="F8D7DA"), "warning": PatternFill("solid", fgColor="FFF3CD"),
             "info": PatternFill("solid", fgColor="DDEBF7")}


def put(ws, row: int, col: int, value, *, number: bool = False):
    """Write one cell; text never becomes a formula. `number`: a printed number becomes a
    Decimal cell (exact) when it reads as one, and stays text otherwise."""
    cell = ws.cell(row=row, column=col)
    if number and isinstance(value, str):
        try:
            value = Decimal(value.replace(",", ""))
        except InvalidOperation:
            pass
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl turned "=…" into a formula; make it text again
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _external_writer():
    """jixiao.writers.xlsx (the standard-layout writer of `jixiao export`), when it exists."""
    if importlib.util.find_spec("jixiao.writers") is None or importlib.util.find_spec("jixiao.writers.xlsx") is None:
        return None
    return importlib.import_module("jixiao.writers.xlsx")


# -- one form -----------------------------------------------------------------------------------
def form_workbook(row: FormRow) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    _paper_sheet(ws, row)
    _findings_sheet(wb.create_sheet("问题"), [row])
    _rescore_sheet(wb.create_sheet("重新评分"), row)
    return _save(wb)


def _paper_sheet(ws, row: FormRow) -> None:
    d = row.data
    marks: dict[str, str] = {}
    for f in row.findings:
        if f.field and f.field not in marks:
            marks[f.field] = f.severity
    widths = [12, 18, 16, 16, 16, 10, 12, 10, 36]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w

    def box(r1, c1, r2, c2, value=None, *, key=None, number=False, head=False, align=WRAP):
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        cell = put(ws, r1, c1, value if value is not None else "", number=number)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = BOX
        cell.alignment = CENTER if head else align
        if head:
            cell.fill = HEAD_FILL
        if key and key in marks:
            cell.fill = MARK_FILL.get(marks[key], HEAD_FILL)
        return cell

    r = 1
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=9)
    t = put(ws, 1, 1, d.get("title") or "财政项目支出绩效自评表")
    t.font, t.alignment = Font(size=16, bold=True), CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=9)
    put(ws, 2, 1, f"（{d.get('year') or '    '} 年度）").alignment = CENTER
    r = 3
    box(r, 1, r, 1, "项目名称", head=True)
    box(r, 2, r, 9, d.get("project"), key="project")
    r += 1
    box(r, 1, r, 1, "主管部门", head=True)
    box(r, 2, r, 4, d.get("department"), key="department")
    box(r, 5, r, 5, "实施单位", head=True)
    box(r, 6, r, 9, d.get("unit"), key="unit")
    r += 1
    funds = d.get("funds") or {}
    frows = funds.get("rows") or []
    top = r
    box(r, 2, r, 2, "", head=True)
    for j, name in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        box(r, 3 + j, r, 3 + j, name, head=True)
    box(r, 9, r, 9, "", head=True)
    r += 1
    box(r, 2, r, 2, "年度资金总额", head=True)
    for j, c in enumerate(FUNDS_COLS):
        box(r, 3 + j, r, 3 + j, funds.get(c), key=f"funds.{c}", number=c != "rate")
    box(r, 9, r, 9, "")
    for k, fr in enumerate(frows):
        r += 1
        box(r, 2, r, 2, fr.get("label"))
        for j, c in enumerate(FUNDS_COLS):
            box(r, 3 + j, r, 3 + j, fr.get(c), key=f"funds.rows[{k}].{c}", number=c != "rate")
        box(r, 9, r, 9, "")
    box(top, 1, r, 1, f"项目资金（{d.get('amount_unit') or '元'}）", head=True)
    r += 1
    goals = d.get("goals") or {}
    box(r, 2, r, 5, "预算目标", head=True)
    box(r, 6, r, 9, "实际完成情况", head=True)
    box(r + 1, 2, r + 1, 5, goals.get("planned"), key="goals.planned")
    box(r + 1, 6, r + 1, 9, goals.get("achieved"), key="goals.achieved")
    ws.row_dimensions[r + 1].height = 60
    box(r, 1, r + 1, 1, "年度总体目标", head=True)
    r += 2
    top = r
    for j, name in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                              "偏差原因分析及改进措施")):
        box(r, 2 + j, r, 2 + j, name, head=True)
    for k, ind in enumerate(d.get("indicators") or []):
        r += 1
        for j, c in enumerate(("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")):
            box(r, 2 + j, r, 2 + j, ind.get(c), key=f"indicators[{k}].{c}", number=c in ("weight", "score"))
    box(top, 1, r, 1, "绩效指标", head=True)
    r += 1
    total = d.get("total") or {}
    box(r, 1, r, 6, "总分", head=True)
    box(r, 7, r, 7, total.get("weight"), key="total.weight", number=True)
    box(r, 8, r, 8, total.get("score"), key="total.score", number=True)
    box(r, 9, r, 9, "")
    r += 2
    put(ws, r, 1, f"重新评分总分：{row.rescored_total if row.rescored_total is not None else '—'}"
                  f"（{row.rescored_grade or '—'}）；自评总分：{row.self_total if row.self_total is not None else '—'}"
                  f"（{row.self_grade or '—'}）；问题：错误 {row.error_count}，警告 {row.warning_count}，"
                  f"提示 {row.info_count}（标色单元格见“问题”工作表）")


def _findings_sheet(ws, rows: list[FormRow]) -> None:
    head = ["表编号", "项目名称", "规则", "级别", "单元格", "说明", "应为", "填报", "差额", "来源位置", "复核结论", "复核意见"]
    for j, h in enumerate(head, start=1):
        c = put(ws, 1, j, h)
        c.font, c.fill = Font(bold=True), HEAD_FILL
    r = 1
    for row in rows:
        for f in row.findings:
            r += 1
            values = [row.id, row.project, f.rule, SEVERITY_NAMES.get(f.severity, f.severity),
                      field_label(f.field, row.data), f.message, f.expected, f.printed, f.difference,
                      loc_text(f.location), f.review_decision, f.review_comment]
            for j, v in enumerate(values, start=1):
                put(ws, r, j, "" if v is None else v)
    for j, w in enumerate((8, 30, 8, 8, 26, 60, 12, 12, 10, 30, 12, 30), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A2"


def _rescore_sheet(ws, row: FormRow) -> None:
    head = ["行", "三级指标", "年度指标值", "实际完成值", "分值", "填报得分", "完成程度", "重评得分", "依据"]
    for j, h in enumerate(head, start=1):
        c = put(ws, 1, j, h)
        c.font, c.fill = Font(bold=True), HEAD_FILL
    inds = row.data.get("indicators") or []
    rescored = (row.assessment or {}).get("indicators") or []
    for k, ind in enumerate(inds):
        a = rescored[k] if k < len(rescored) and isinstance(rescored[k], dict) else {}
        values = [k + 1, ind.get("name"), ind.get("target"), ind.get("actual"), ind.get("weight"), ind.get("score"),
                  ACHIEVEMENT_NAMES.get(a.get("achievement"), a.get("achievement") or ""), a.get("rescored"),
                  a.get("reason")]
        for j, v in enumerate(values, start=1):
            put(ws, k + 2, j, "" if v is None else v, number=j in (5, 6, 8))
    for j, w in enumerate((5, 30, 14, 14, 8, 10, 10, 10, 60), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


# -- a list of forms ----------------------------------------------------------------------------
SUMMARY_COLUMNS = [
    ("编号", lambda r: r.id), ("项目名称", lambda r: r.project), ("年度", lambda r: r.year),
    ("主管部门", lambda r: r.department), ("实施单位", lambda r: r.unit),
    ("全年预算数（元）", lambda r: r.budget), ("全年执行数（元）", lambda r: r.executed),
    ("执行率（%）", lambda r: r.rate), ("自评总分", lambda r: r.self_total), ("重评总分", lambda r: r.rescored_total),
    ("自评等级", lambda r: r.self_grade), ("重评等级", lambda r: r.rescored_grade),
    ("错误", lambda r: r.error_count), ("警告", lambda r: r.warning_count), ("提示", lambda r: r.info_count),
    ("状态", lambda r: r.status), ("版本", lambda r: r.version),
]


def summary_workbook(rows: list[FormRow], filters_text: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表汇总"
    for j, (h, _) in enumerate(SUMMARY_COLUMNS, start=1):
        c = put(ws, 1, j, h)
        c.font, c.fill, c.alignment = Font(bold=True), HEAD_FILL, CENTER
    for i, row in enumerate(rows, start=2):
        for j, (_, get) in enumerate(SUMMARY_COLUMNS, start=1):
            v = get(row)
            put(ws, i, j, "" if v is None else v)
    ws.freeze_panes = "C2"
    for j, w in enumerate((6, 40, 6, 20, 24, 16, 16, 10, 9, 9, 8, 8, 6, 6, 6, 8, 6), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    n = len(rows) + 3
    put(ws, n, 1, f"共 {len(rows)} 张表" + (f"；筛选条件：{filters_text}" if filters_text else ""))
    _findings_sheet(wb.create_sheet("问题明细"), rows)
    return _save(wb)


def findings_of(row: FormRow) -> list[FindingRow]:
    return list(row.findings)
