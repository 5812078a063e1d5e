"""Workbooks for download: one form in the standard layout of `jixiao export` (with the
re-score beside it and the reviewers' decisions), and a summary of a filtered list of forms.

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage
return) is written as a string cell with Excel's quote prefix (the apostrophe a person types to
say "this is text"): it shows as printed ("=100%" stays "=100%") and can never be evaluated,
neither on opening nor after someone edits the cell.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..readers.jsonio import form_from_dict
from starlette.background import BackgroundTask

from ..store.schema import FormRow
from ..writers.review import Review
from ..writers.xlsx import write_xlsx
from .formview import SEVERITY_NAMES, field_label, loc_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")


def put(ws, row: int, col: int, value):
    """Write one cell; text never becomes a formula."""
    cell = ws.cell(row=row, column=col)
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


def neutralise(wb) -> None:
    """Give every text cell that looks like a formula the quote prefix (formulas the writer put
    there on purpose are formula cells, not text, and stay as they are)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "s" and isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True


def review_of(row: FormRow) -> Review:
    """The stored re-score and findings in the shape `jixiao export` prints beside a form, so
    the download shows what the page shows (the rule set active when the form was last saved)."""
    a = row.assessment or {}
    rv = Review(ruleset=row.ruleset, rate=_dec(a.get("rate")), execution_score=_dec(a.get("execution_score")),
                total=row.rescored_total, grade=row.rescored_grade or "")
    for ia in a.get("indicators") or []:
        rv.add_indicator(_dec(ia.get("rescored")), ia.get("achievement"), ia.get("expected") is None)
    for f in row.findings:
        rv.add_finding(f.rule, f.severity, f.message, f.expected, f.printed, f.field, f.indicator_index)
    return rv


def _dec(v) -> Decimal | None:
    try:
        return None if v in (None, "") else Decimal(str(v))
    except InvalidOperation:
        return None


# -- one form -----------------------------------------------------------------------------------
def form_workbook(row: FormRow) -> bytes:
    """The form in the standard layout (`jixiao export`'s writer) with the re-score beside it,
    plus a sheet of the findings with the reviewers' decisions."""
    form = form_from_dict(row.data, row.source_file.filename if row.source_file else "网页填报", 0)
    with tempfile.TemporaryDirectory(prefix="jixiao-export-") as tmp:
        path = Path(tmp) / "form.xlsx"
        write_xlsx([form], path, reviews=[review_of(row)])
        wb = load_workbook(path)
    _findings_sheet(wb.create_sheet("问题与复核意见"), [row])
    neutralise(wb)
    return _save(wb)


FINDINGS_HEAD = ["表编号", "项目名称", "规则", "级别", "单元格", "说明", "应为", "填报", "差额", "来源位置", "复核结论", "复核意见"]
FINDINGS_WIDTHS = (8, 30, 8, 8, 26, 60, 12, 12, 10, 30, 12, 30)


def _finding_values(row: FormRow):
    for f in row.findings:
        yield [row.id, row.project, f.rule, SEVERITY_NAMES.get(f.severity, f.severity), field_label(f.field, row.data),
               f.message, f.expected, f.printed, f.difference, loc_text(f.location), f.review_decision,
               f.review_comment]


def _findings_sheet(ws, rows: list[FormRow]) -> None:
    for j, h in enumerate(FINDINGS_HEAD, start=1):
        c = put(ws, 1, j, h)
        c.font, c.fill = Font(bold=True), HEAD_FILL
    r = 1
    for row in rows:
        for values in _finding_values(row):
            r += 1
            for j, v in enumerate(values, start=1):
                put(ws, r, j, "" if v is None else v)
    for j, w in enumerate(FINDINGS_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A2"


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


def write_summary(rows: Iterable[FormRow], target, filters_text: str = "") -> int:
    """The summary of a list of forms and a sheet of their findings, written row by row
    (openpyxl's write-only mode) to a path or a file object: memory stays flat however many forms
    there are. Returns the number of forms."""
    wb = Workbook(write_only=True)
    ws, fs = wb.create_sheet("自评表汇总"), wb.create_sheet("问题明细")
    ws.freeze_panes, fs.freeze_panes = "C2", "A2"
    for j, w in enumerate((6, 40, 6, 20, 24, 16, 16, 10, 9, 9, 8, 8, 6, 6, 6, 8, 6), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    for j, w in enumerate(FINDINGS_WIDTHS, start=1):
        fs.column_dimensions[get_column_letter(j)].width = w
    ws.append([_head(ws, h) for h, _ in SUMMARY_COLUMNS])
    fs.append([_head(fs, h) for h in FINDINGS_HEAD])
    n = 0
    for row in rows:
        n += 1
        ws.append([_cell(ws, get(row)) for _, get in SUMMARY_COLUMNS])
        for values in _finding_values(row):
            fs.append([_cell(fs, v) for v in values])
    ws.append([])
    ws.append([_cell(ws, f"共 {n} 张表" + (f"；筛选条件：{filters_text}" if filters_text else ""))])
    wb.save(target)
    return n


def summary_workbook(rows: list[FormRow], filters_text: str = "") -> bytes:
    buf = io.BytesIO()
    write_summary(rows, buf, filters_text)
    return buf.getvalue()


def summary_response(store, user, flt, sort: str, descending: bool, filters_text: str) -> FileResponse:
    """The filtered list as a workbook: forms read a chunk at a time (no connection held between
    chunks), written to a temporary file, sent from it and deleted after."""
    fd, path = tempfile.mkstemp(prefix="jixiao-export-", suffix=".xlsx")
    os.close(fd)
    try:
        write_summary(store.iter_forms_full(user, flt, sort, descending), path, filters_text)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=XLSX, background=BackgroundTask(os.unlink, path),
                        headers={"Content-Disposition": "attachment; filename=\"export.xlsx\"; "
                                 f"filename*=UTF-8''{quote('自评表汇总.xlsx')}"})


def _head(ws, text: str):
    c = _cell(ws, text)
    c.font, c.fill, c.alignment = Font(bold=True), HEAD_FILL, CENTER
    return c


def _cell(ws, value):
    """A write-only cell; text never becomes a formula (as `put`)."""
    c = WriteOnlyCell(ws, value="" if value is None else value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
        c.quotePrefix = True
    return c
