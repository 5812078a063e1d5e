"""Write forms as Excel workbooks in the standard layout (openpyxl): one sheet per form.

What a person gets: merged cells, borders, number formats that print each number as the form
printed it, column widths and row heights that fit the text, A4 landscape fitted to one page
width, the print area set to the form.

Formulas. 执行率, the execution score and the total are live formulas in the form
(`=IFERROR(F6/E6,0)` shown as `0.00%`, `=IFERROR(ROUND(MIN(F6/E6,1)*G6,2),0)`,
`=ROUND(I6+SUM(H14:H27),2)`) wherever the formula prints exactly what the unit printed, so a
unit that corrects an amount sees them follow. Where the unit printed something else (99.74% for
a rate that is 99.73%), the form keeps the printed value: the export is the form as filed, and
reading it back gives the same facts. Beside the form, in columns headed `复核…` (outside the print
area), the same three formulas always stand live, with jixiao's expected score for each indicator,
the re-scored total and the findings of each row; every finding is listed again on the sheet
`复核结果`.

openpyxl writes formulas without a computed result; Excel and LibreOffice compute them on
opening, and jixiao's own reader computes them when it reads such a file (readers/formula.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from decimal import Decimal

from ..model import Form
from ..readers.formula import evaluate
from ..readers.numfmt import format_number
from .layout import COL_LETTERS, Plan, Slot, blank_form, plan_form, ref, row_heights
from .review import Review

FONT = "宋体"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
REVIEW_COL = 10  # K (0-based); J stays empty as a gap
REVIEW_WIDTHS = (12, 14, 80)  # K, L, M


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name=FONT, size=10),
        "bold": Font(name=FONT, size=10, bold=True),
        "title": Font(name=FONT, size=18, bold=True),
        "subtitle": Font(name=FONT, size=12),
        "note": Font(name=FONT, size=10, color="1F4E79"),
        "align": {
            "title": Alignment(horizontal="center", vertical="center"),
            "subtitle": Alignment(horizontal="center", vertical="center"),
            "label": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "header": Alignment(horizontal="center", vertical="center", wrap_text=True),
            # 一级/二级 sit at the top of their merged block so that a page break inside the
            # block leaves the label on the first page, with the first rows it names
            "group": Alignment(horizontal="center", vertical="top", wrap_text=True),
            "text": Alignment(horizontal="left", vertical="center", wrap_text=True),
            "number": Alignment(horizontal="center", vertical="center"),
            "measure": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "note": Alignment(horizontal="left", vertical="center", wrap_text=False),
        },
    }


def sheet_title(project: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("", project).strip().strip("'") or "自评表"
    base = base[:28]
    title, k = base, 2
    while title.lower() in used:
        title = f"{base[:26]}({k})"
        k += 1
    used.add(title.lower())
    return title


class _Styler:
    """Applies cell styles through a cache of openpyxl style arrays: assigning font, alignment and
    border objects one by one searches the workbook's style lists each time and dominates the
    writing time; copying a finished style array does not."""

    def __init__(self):
        self.st = _styles()
        self.cache: dict[tuple, object] = {}

    def apply(self, cell, font: str, align: str | None, border: bool, fmt: str = "General", quote: bool = False) -> None:
        from copy import copy

        key = (font, align, border, fmt, quote)
        done = self.cache.get(key)
        if done is not None:
            cell._style = copy(done)
            return
        cell.font = self.st[font]
        if align:
            cell.alignment = self.st["align"][align]
        if border:
            cell.border = self.st["border"]
        cell.number_format = fmt
        cell.quotePrefix = quote
        self.cache[key] = copy(cell._style)


def _font(style: str) -> str:
    if style in ("title", "subtitle"):
        return style
    return "bold" if style in ("header", "label") else "font"


def prints_as_filed(plan: Plan, slot: Slot) -> bool:
    """True when the slot's formula, computed from the plan's own numbers, prints the slot's text."""
    if not slot.formula:
        return False
    values = {(s.row + 1, s.col + 1): (s.value if s.value is not None else (s.text or None)) for s in plan.slots}
    value = evaluate(slot.formula, lambda r, c: values.get((r, c)))
    return isinstance(value, Decimal) and format_number(value, slot.fmt) == slot.text


FORMULA_STARTS = ("=", "+", "-", "@")


def _looks_like_formula(slot: Slot, formulas: bool) -> bool:
    """Text a spreadsheet would take for a formula once someone edits the cell ('=100%'): it gets
    the quote prefix (the apostrophe a person types to say "this is text")."""
    if (formulas and slot.formula) or slot.value is not None:
        return False
    return slot.text.startswith(FORMULA_STARTS)


def _put(ws, slot: Slot, styler: _Styler, formulas: bool, border: bool) -> None:
    cell = ws.cell(row=slot.row + 1, column=slot.col + 1)
    fmt = "General"
    if formulas and slot.formula:
        cell.value = slot.formula
        fmt = slot.fmt
    elif slot.value is not None:
        cell.value = slot.value
        fmt = slot.fmt
    elif slot.text:
        cell.value = slot.text
        cell.data_type = "s"  # '=100%' is a printed target, not a formula
    styler.apply(cell, _font(slot.style), slot.style, border, fmt, quote=_looks_like_formula(slot, formulas))


def draw(ws, plan: Plan, formulas: str = "as-filed", styler: _Styler | None = None) -> None:
    """Draw a plan on an empty worksheet from A1: values, merges, borders, widths, heights, print set-up.

    formulas: 'always' (a blank template), or 'as-filed' (a formula only where it prints what the
    form printed)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    styler = styler or _Styler()
    table_top = plan.title_rows  # the title and the year have no border
    drawn = set()
    for slot in plan.slots:
        border = slot.row >= table_top
        live = formulas == "always" or prints_as_filed(plan, slot)
        _put(ws, slot, styler, live, border)
        drawn.add((slot.row, slot.col))
        if slot.rows > 1 or slot.cols > 1:
            ws.merge_cells(start_row=slot.row + 1, start_column=slot.col + 1,
                           end_row=slot.row + slot.rows, end_column=slot.col + slot.cols)
    for r in range(table_top, plan.n_rows):  # every cell of the table, merged ones too, gets its border
        for c in range(plan.n_cols):
            if (r, c) not in drawn:
                styler.apply(ws.cell(row=r + 1, column=c + 1), "font", None, True)
    for c, width in enumerate(plan.widths):
        ws.column_dimensions[get_column_letter(c + 1)].width = width
    for r, height in enumerate(row_heights(plan), 1):
        ws.row_dimensions[r].height = height
    ps = ws.page_setup
    ps.orientation = "landscape"
    ps.paperSize = ws.PAPERSIZE_A4
    ps.fitToWidth = 1
    ps.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(plan.n_cols)}{plan.n_rows}"
    for r in plan.row_breaks:
        ws.row_breaks.append(Break(id=r))  # the break comes after 1-based row r


def _review_beside(ws, plan: Plan, review: Review, styler: _Styler) -> None:
    """jixiao's re-score beside the form: live formulas for 执行率, the execution score and the
    re-scored total; the expected score and the findings of each indicator row."""
    from openpyxl.utils import get_column_letter

    k, l, m = REVIEW_COL, REVIEW_COL + 1, REVIEW_COL + 2
    for col, width in zip((k, l, m), REVIEW_WIDTHS):
        ws.column_dimensions[get_column_letter(col + 1)].width = width

    def put(row: int, col: int, value, bold: bool = False, fmt: str = "General") -> None:
        if value in (None, ""):
            return
        cell = ws.cell(row=row + 1, column=col + 1, value=value)
        if isinstance(value, str) and not value.startswith("="):
            cell.data_type = "s"
        styler.apply(cell, "bold" if bold else "note", "note", False, fmt)

    f = plan.funds_total
    for col, title in zip((k, l, m), ("复核：执行率", "复核：得分", "复核：检查结果")):
        put(plan.funds_header, col, title, bold=True)
    budget, executed, weight = ref(4, f), ref(5, f), ref(6, f)
    put(f, k, f"=IFERROR({executed}/{budget},0)", fmt="0.00%")
    put(f, l, f"=IFERROR(ROUND(MIN({executed}/{budget},1)*{weight},2),0)")
    put(f, m, review.note("funds"))
    for col, title in zip((k, l, m), ("复核：应得分", "复核：完成情况", "复核：检查结果")):
        put(plan.indicator_header, col, title, bold=True)
    for n, row in enumerate(plan.indicator_rows):
        score, how = review.indicators[n] if n < len(review.indicators) else (None, "")
        put(row, k, score)
        put(row, l, how)
        put(row, m, review.note(f"indicator:{n}"))
    t = plan.total
    rows = f"+SUM({ref(k, plan.first_indicator)}:{ref(k, plan.last_indicator)})" if plan.indicator_rows else ""
    put(t, k, f"=ROUND({ref(l, f)}{rows},2)")
    put(t, l, f"等级：{review.grade}" if review.grade else "")
    put(t, m, review.note("total"))


def _findings_sheet(wb, titles: list[str], forms: list[Form], reviews: list[Review]) -> None:
    st = _styles()
    ws = wb.create_sheet("复核结果")
    headers = ("序号", "工作表", "项目", "规则", "级别", "说明", "应为", "填报")
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row=1, column=c, value=h)
        cell.font = st["bold"]
    r = 2
    n = 0
    for title, form, review in zip(titles, forms, reviews):
        for rule, sev, message, expected, printed in review.findings:
            n += 1
            for c, v in enumerate((str(n), title, form.project.text, rule, sev, message, expected, printed), 1):
                cell = ws.cell(row=r, column=c, value=v)
                cell.data_type = "s"
                cell.font = st["font"]
            r += 1
    if n == 0:
        ws.cell(row=2, column=1, value="（无）").font = st["font"]
    for col, width in zip("ABCDEFGH", (6, 24, 30, 7, 7, 90, 12, 12)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].alignment = st["align"]["text"]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def write_xlsx(forms: list[Form], out: str | Path, reviews: list[Review] | None = None) -> None:
    """One sheet per form; with reviews, the re-score and findings beside each form and on `复核结果`."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    titles = []
    styler = _Styler()
    for k, form in enumerate(forms):
        title = sheet_title(form.project.text or f"自评表{k + 1}", used)
        titles.append(title)
        ws = wb.create_sheet(title)
        plan = plan_form(form)
        draw(ws, plan, styler=styler)
        if reviews is not None:
            _review_beside(ws, plan, reviews[k], styler)
    if reviews is not None:
        _findings_sheet(wb, titles, forms, reviews)
    if not forms:
        wb.create_sheet("自评表")
    wb.save(out)


def write_plans_xlsx(sheets: list[tuple[str, Plan]], out: str | Path) -> None:
    """Plans of any layout (layout.grid_plan), one sheet each: (sheet name, plan)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    styler = _Styler()
    for name, plan in sheets:
        draw(wb.create_sheet(name), plan, styler=styler)
    wb.save(out)


def write_template_xlsx(out: str | Path, taxonomy: dict[str, tuple[str, ...]], blank_rows: int = 15,
                        kind: str = "project") -> None:
    """A blank form of a kind (project, department, transfer) to fill in: drop-down lists for
    一级/二级 (二级 follows the chosen 一级) and number checks on amounts, weights and scores."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    blank = blank_form(kind)
    plan = plan_form(blank, blank_rows=blank_rows)
    draw(ws, plan, formulas="always")
    # the lists, on a hidden sheet: row 1 the 一级 names, below each its 二级 names, each column
    # named after its 一级 so that INDIRECT(B14) finds the 二级 list of the 一级 chosen in B14
    lists = wb.create_sheet("指标体系")
    for c, (l1, l2s) in enumerate(taxonomy.items(), 1):
        lists.cell(row=1, column=c, value=l1)
        for r, l2 in enumerate(l2s, 2):
            lists.cell(row=r, column=c, value=l2)
        letter = COL_LETTERS[c - 1] if c <= len(COL_LETTERS) else openpyxl.utils.get_column_letter(c)
        wb.defined_names[l1] = DefinedName(l1, attr_text=f"指标体系!${letter}$2:${letter}${len(l2s) + 1}")
    lists.sheet_state = "hidden"
    last_letter = openpyxl.utils.get_column_letter(len(taxonomy))
    first, last = plan.first_indicator + 1, plan.last_indicator + 1
    dv1 = DataValidation(type="list", formula1=f"指标体系!$A$1:${last_letter}$1", allow_blank=True,
                         promptTitle="一级指标", prompt="请从列表中选择一级指标",
                         errorTitle="一级指标", error="请从列表中选择一级指标", showErrorMessage=True, showInputMessage=True)
    dv1.add(f"B{first}:B{last}")
    dv2 = DataValidation(type="list", formula1=f"INDIRECT(B{first})", allow_blank=True,
                         promptTitle="二级指标", prompt="请先选一级指标，再从列表中选择二级指标",
                         errorTitle="二级指标", error="二级指标须属于所选的一级指标", showErrorMessage=True,
                         showInputMessage=True)
    dv2.add(f"C{first}:C{last}")
    score_dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                              promptTitle="分值/得分", prompt="填写 0 到 100 之间的数字",
                              errorTitle="分值/得分", error="分值和得分须是 0 到 100 之间的数字", showErrorMessage=True,
                              showInputMessage=True)
    score_dv.add(f"G{first}:H{last}")
    score_dv.add(f"G{plan.funds_total + 1}")
    money_dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              promptTitle="金额", prompt="填写金额（数字，不小于 0）",
                              errorTitle="金额", error="金额须是不小于 0 的数字", showErrorMessage=True, showInputMessage=True)
    money_dv.add(f"D{plan.funds_total + 1}:F{plan.funds_total + 1 + len(blank.funds.rows)}")
    for dv in (dv1, dv2, score_dv, money_dv):
        ws.add_data_validation(dv)
    wb.save(out)
