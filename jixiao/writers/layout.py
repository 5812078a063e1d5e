"""The standard 财政项目支出绩效自评表 layout, as a plan of cells that the Excel and Word writers
both draw.

Nine columns, A to I:

    财政项目支出绩效自评表
    （2021年度）
    项目名称 |  …
    主管部门 |  …            | 实施单位 | …
    项目资金（元） |          | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
                  | 年度资金总额 | …
                  | 其中：当年财政拨款 | …   (one row per 其中 row of the form)
    年度总体目标 | 预算目标 | 实际完成情况
                | …       | …
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
             | 产出指标 | 数量指标 | …   (一级 and 二级 merged down their rows)
    总分 | … | 100 | 97.5

A slot holds the printed text, and for a number also its value and the number format that prints
it the same way; 执行率, the execution score and the total carry a spreadsheet formula as well
(the Word writer prints the text, the Excel writer the formula).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import PROJECT, Amount, Form, Indicator, Measure
from ..readers.numfmt import format_number, number_format_for
from ..values import decimal_text

N_COLS = 9
COL_LETTERS = "ABCDEFGHIJKLM"  # the form (A–I), a gap, and the review columns beside it
# Column widths in spreadsheet character units (about 5.3 pt each at the default font). 二级 is
# wide enough for 服务对象满意度指标 on one line: a merged label that wraps can be split by a page
# break, half of it on each page.
WIDTHS = (8, 12, 19, 20, 12, 12, 7, 9, 28)
FUNDS_SUBROWS = ("当年财政拨款", "上年结转资金", "其他资金")
BLANK_INDICATOR_ROWS = 15  # in the blank template


@dataclass(slots=True)
class Slot:
    row: int  # 0-based row of the form
    col: int  # 0-based column (0 = A)
    text: str = ""
    rows: int = 1
    cols: int = 1
    style: str = "text"  # title, subtitle, label, header, group, text, number, measure
    value: Decimal | None = None  # a number, written as a number with `fmt`
    fmt: str = "General"
    formula: str | None = None  # spreadsheet formula whose result prints as `text`
    field: str = ""  # what the slot shows: "funds.rate", "indicators[3].score", … (for review notes)


@dataclass
class Plan:
    slots: list[Slot] = field(default_factory=list)
    n_rows: int = 0
    funds_header: int = 0
    funds_total: int = 0
    indicator_header: int = 0
    first_indicator: int = 0
    last_indicator: int = -1
    total: int = 0
    indicator_rows: list[int] = field(default_factory=list)  # per indicator, its row
    # a grid of another layout (grid_plan): its width, column widths and the rows above the table
    n_cols: int = N_COLS
    widths: tuple[float, ...] = WIDTHS
    title_rows: int = 2
    row_breaks: list[int] = field(default_factory=list)  # 0-based rows a printed page starts at

    def add(self, row: int, col: int, text: str = "", **kw) -> Slot:
        slot = Slot(row=row, col=col, text=text, **kw)
        self.slots.append(slot)
        return slot


def ref(col: int, row: int) -> str:
    """Spreadsheet reference of a plan position, the form starting at A1: (6, 5) → 'G6'."""
    return f"{COL_LETTERS[col]}{row + 1}"


def _number(plan: Plan, row: int, col: int, text: str, value: Decimal | None, fld: str, style: str = "number") -> Slot:
    """A number written as a number whose format prints it exactly as the form did; anything
    that format cannot reproduce ('=100%', '—', '约5万') stays text."""
    if value is not None:
        fmt = number_format_for(text)
        if format_number(value, fmt) == text:
            return plan.add(row, col, text, style=style, value=value, fmt=fmt, field=fld)
    return plan.add(row, col, text, style=style, field=fld)


def _amount(plan: Plan, row: int, col: int, a: Amount, fld: str, style: str = "number") -> Slot:
    return _number(plan, row, col, a.text or ("" if a.value is None else decimal_text(a.value, exact=True)), a.value, fld, style)


def _rate(plan: Plan, row: int, col: int, rate: Amount, fld: str) -> Slot:
    """A rate as a number shown as printed: '96.97%' → 0.9697 shown as 0.00%."""
    slot = _number(plan, row, col, rate.text, rate.value / 100 if rate.value is not None else None, fld)
    if slot.value is None:
        slot.fmt = "0.00%"  # for the formula, when the rate cell holds one
    return slot


def display(m: Measure) -> str:
    """A target or actual the way the standard form prints it: ≥/≤ for >=/<=, no LaTeX."""
    norm = m.norm or m.text
    for ascii_op, sign in ((">=", "≥"), ("<=", "≤")):
        if norm.startswith(ascii_op):
            return sign + norm[len(ascii_op):]
    return norm


def _runs(values: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(start, length) of each run of equal, non-empty consecutive values."""
    runs = []
    k = 0
    while k < len(values):
        j = k + 1
        while j < len(values) and values[j] == values[k] and values[k][-1]:
            j += 1
        runs.append((k, j - k))
        k = j
    return runs


def plan_form(form: Form, blank_rows: int = 0) -> Plan:
    """The plan of one form; `blank_rows` indicator rows are added for a fill-in template. A
    department-wide or transfer-payment form has its own layout (kinds.py)."""
    if form.kind != PROJECT:
        from .kinds import plan_kind

        return plan_kind(form, blank_rows)
    p = Plan()
    r = 0
    p.add(r, 0, form.title or "财政项目支出绩效自评表", cols=N_COLS, style="title")
    r += 1
    p.add(r, 0, f"（{form.year}年度）" if form.year else "（    年度）", cols=N_COLS, style="subtitle")
    r += 1
    p.add(r, 0, "项目名称", cols=2, style="label")
    p.add(r, 2, form.project.text, cols=7, style="text", field="project")
    r += 1
    p.add(r, 0, "主管部门", cols=2, style="label")
    p.add(r, 2, form.department.text, cols=3, style="text", field="department")
    p.add(r, 5, "实施单位", cols=2, style="label")
    p.add(r, 7, form.unit.text, cols=2, style="text", field="unit")
    r += 1

    # -- funds ------------------------------------------------------------------------------------
    sub_rows = form.funds.rows
    p.funds_header = r
    p.add(r, 0, f"项目资金（{form.amount_unit or '元'}）", rows=2 + len(sub_rows), style="label")
    p.add(r, 1, "", cols=2, style="header")
    for c, title in zip(range(3, 9), ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        p.add(r, c, title, style="header")
    r += 1
    p.funds_total = f = r
    t = form.funds.total
    p.add(r, 1, "年度资金总额", cols=2, style="label")
    _amount(p, r, 3, t.initial_budget, "funds.initial_budget")
    _amount(p, r, 4, t.annual_budget, "funds.annual_budget")
    _amount(p, r, 5, t.executed, "funds.executed")
    _amount(p, r, 6, t.weight, "funds.weight")
    budget, executed = ref(4, f), ref(5, f)
    rate_slot = _rate(p, r, 7, t.rate, "funds.rate")
    rate_slot.formula = f"=IFERROR({executed}/{budget},0)"
    score = _amount(p, r, 8, t.score, "funds.score")
    score.formula = f"=IFERROR(ROUND(MIN({executed}/{budget},1)*{ref(6, f)},2),0)"
    r += 1
    for k, sub in enumerate(sub_rows):
        label = sub.label if k else (sub.label if sub.label.startswith("其中") else f"其中：{sub.label}")
        p.add(r, 1, label, cols=2, style="label")
        _amount(p, r, 3, sub.initial_budget, f"funds.rows[{k}].initial_budget")
        _amount(p, r, 4, sub.annual_budget, f"funds.rows[{k}].annual_budget")
        _amount(p, r, 5, sub.executed, f"funds.rows[{k}].executed")
        _amount(p, r, 6, sub.weight, f"funds.rows[{k}].weight")
        _rate(p, r, 7, sub.rate, f"funds.rows[{k}].rate")
        _amount(p, r, 8, sub.score, f"funds.rows[{k}].score")
        r += 1

    # -- goals ------------------------------------------------------------------------------------
    p.add(r, 0, "年度总体目标", rows=2, style="label")
    p.add(r, 1, "预算目标", cols=4, style="header")
    p.add(r, 5, "实际完成情况", cols=4, style="header")
    r += 1
    p.add(r, 1, form.goals.planned.text, cols=4, style="text", field="goals.planned")
    p.add(r, 5, form.goals.achieved.text, cols=4, style="text", field="goals.achieved")
    r += 1

    # -- indicators -------------------------------------------------------------------------------
    inds = form.indicators
    n_rows = len(inds) + blank_rows
    p.indicator_header = r
    p.add(r, 0, "绩效指标", rows=1 + n_rows, style="label")
    for c, title in zip(range(1, 9), ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                      "偏差原因分析及改进措施")):
        p.add(r, c, title, style="header")
    r = indicator_rows(p, inds, r + 1, blank_rows)
    return total_row(p, form, r, n_rows)


def indicator_rows(p: Plan, inds: list[Indicator], r: int, blank_rows: int) -> int:
    """The indicator rows from row r (一级/二级 merged down over their runs) and `blank_rows`
    empty ones to fill in; returns the row after them."""
    p.first_indicator = r
    for start, length in _runs([(i.level1.text,) for i in inds]):
        p.add(r + start, 1, inds[start].level1.text, rows=length, style="group", field=f"indicators[{start}].level1")
    for start, length in _runs([(i.level1.text, i.level2.text) for i in inds]):
        p.add(r + start, 2, inds[start].level2.text, rows=length, style="group", field=f"indicators[{start}].level2")
    for k, ind in enumerate(inds):
        _indicator(p, r + k, k, ind)
        p.indicator_rows.append(r + k)
    r += len(inds)
    for _ in range(blank_rows):
        for c in range(1, 9):
            p.add(r, c, "", style="number" if c in (6, 7) else "text")
        r += 1
    p.last_indicator = r - 1
    return r


def total_row(p: Plan, form: Form, r: int, n_rows: int) -> Plan:
    """The 总分 row at row r: weights and scores as live sums of the funds row and the n_rows
    indicator rows."""
    f = p.funds_total
    p.total = r
    p.add(r, 0, "总分", cols=6, style="label")
    weights = f"+SUM({ref(6, p.first_indicator)}:{ref(6, p.last_indicator)})" if n_rows else ""
    scores = f"+SUM({ref(7, p.first_indicator)}:{ref(7, p.last_indicator)})" if n_rows else ""
    tw = _amount(p, r, 6, form.total.weight, "total.weight")
    tw.formula = f"={ref(6, f)}{weights}"
    ts = _amount(p, r, 7, form.total.score, "total.score")
    ts.formula = f"=ROUND({ref(8, f)}{scores},2)"
    p.add(r, 8, "", style="text")
    p.n_rows = r + 1
    return p


def _indicator(p: Plan, row: int, k: int, ind: Indicator) -> None:
    p.add(row, 3, ind.name.text, style="text", field=f"indicators[{k}].name")
    p.add(row, 4, display(ind.target), style="measure", field=f"indicators[{k}].target")
    p.add(row, 5, display(ind.actual), style="measure", field=f"indicators[{k}].actual")
    _amount(p, row, 6, ind.weight, f"indicators[{k}].weight")
    _amount(p, row, 7, ind.score, f"indicators[{k}].score")
    p.add(row, 8, ind.deviation.text, style="text", field=f"indicators[{k}].deviation")


def blank_form(kind: str = PROJECT) -> Form:
    """The form a unit fills in: standard labels and the three 其中 rows, nothing else (another
    kind: kinds.blank_kind_form)."""
    from ..model import FundsRow

    if kind != PROJECT:
        from .kinds import blank_kind_form

        return blank_kind_form(kind)
    form = Form()
    form.funds.total.weight = Amount(text="10", value=Decimal(10))
    form.funds.rows = [FundsRow(label=label) for label in FUNDS_SUBROWS]
    return form


# -- a grid of any layout --------------------------------------------------------------------------
MERGE_LEFT, MERGE_UP = "<", "^"
_NUMERIC = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def grid_plan(rows: list[list[str]], title_rows: int = 2, widths: tuple[float, ...] | None = None,
              row_breaks: tuple[int, ...] = ()) -> Plan:
    """A plan of a grid of cell texts, as a layout other than the standard one lays a form out:
    `<` merges a cell with the one on its left, `^` with the one above; the first `title_rows`
    rows (the title, the year) stand above the table. A cell that prints a plain number or
    percentage is written as a number with the format that prints it the same way."""
    from ..values import amount

    width = max(len(r) for r in rows)
    rows = [list(r) + [""] * (width - len(r)) for r in rows]
    owner: dict[tuple[int, int], Slot] = {}
    p = Plan(n_cols=width, title_rows=title_rows, row_breaks=list(row_breaks))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == MERGE_LEFT and (r, c - 1) in owner:
                slot = owner[(r, c - 1)]
                if slot.row == r:
                    slot.cols = c - slot.col + 1
                owner[(r, c)] = slot
                continue
            if text == MERGE_UP and (r - 1, c) in owner:
                slot = owner[(r - 1, c)]
                if slot.col == c:
                    slot.rows = r - slot.row + 1
                owner[(r, c)] = slot
                continue
            style = ("title" if r == 0 else "subtitle") if r < title_rows else "text"
            value = None
            if _NUMERIC.match(text):
                value = amount(text.rstrip("%")).value
                if value is not None and text.endswith("%"):
                    value = value / 100
            slot = _number(p, r, c, text, value, "", "number") if value is not None else p.add(r, c, text, style=style)
            owner[(r, c)] = slot
    p.n_rows = len(rows)
    if widths is None:  # wide enough for the longest line of each column, within reason
        widths = tuple(min(30.0, max(7.0, max((text_units(t) for t in col if t not in (MERGE_LEFT, MERGE_UP)),
                                              default=7.0) * 0.8))
                       for col in zip(*rows[title_rows:] or rows))
    p.widths = widths
    return p


# -- row heights ---------------------------------------------------------------------------------
def text_units(text: str) -> float:
    """Width of a text in spreadsheet character units: CJK and full-width characters count two."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def row_heights(plan: Plan, font_pt: float = 10.0) -> list[float]:
    """Row heights in points, tall enough for every wrapped text; spreadsheet programs do not
    grow rows for merged cells themselves, so the writer must."""
    widths = plan.widths
    line = font_pt * 1.35
    need = [line + 4] * plan.n_rows
    for s in plan.slots:
        if not s.text:
            continue
        width = sum(widths[s.col:s.col + s.cols]) - 1
        size = {"title": 18.0, "subtitle": 12.0}.get(s.style, font_pt)
        lines = sum(max(1, math.ceil(text_units(part) * size / font_pt / max(width, 1))) for part in s.text.split("\n"))
        total = lines * size * 1.35 + 4
        per_row = total / s.rows
        for k in range(s.row, s.row + s.rows):
            need[k] = max(need[k], per_row)
    return [round(h + 0.49) for h in need]
