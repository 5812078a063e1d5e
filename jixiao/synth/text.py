"""Synthetic forms as text in the seed's layout: one table row per line, nine tab-separated cells.

`form_rows` gives the clean layout (the seed's first form: every row aligned, merged cells empty,
a group label on the first row of its group). `damage` applies the harm PDF-to-text tools do
(layouts.md §1), which the reader repairs and reports as P002; `truncate` cuts a form off before
its indicator table, which the reader cannot read (P001).
"""

from __future__ import annotations

import random

from ..model import Form, FundsRow, Indicator

WIDTH = 9
DAMAGE_KINDS = ("page-break", "split-name", "wrapped-name")


def _row(*cells: str) -> list[str]:
    row = list(cells) + [""] * (WIDTH - len(cells))
    return row[:WIDTH]


def _funds_row(fr: FundsRow, first_sub: bool = False) -> list[str]:
    return _row(
        "", ("其中：" if first_sub else "") + fr.label, fr.initial_budget.text, fr.annual_budget.text, fr.executed.text,
        fr.weight.text, fr.rate.text, fr.score.text,
    )


def _indicator_rows(indicators: list[Indicator], weights: bool = True) -> list[list[str]]:
    rows = []
    last1 = last2 = None
    for ind in indicators:
        l1 = ind.level1.text if ind.level1.text != last1 else ""
        l2 = ind.level2.text if (ind.level2.text != last2 or l1) else ""
        last1, last2 = ind.level1.text, ind.level2.text
        rows.append(_row(
            "", l1, l2, ind.name.text, ind.target.text, ind.actual.text,
            *((ind.weight.text,) if weights else ()), ind.score.text, ind.deviation.text,
        ))
    return rows


def form_rows(form: Form) -> list[list[str]]:
    """The clean layout of one form, row by row."""
    rows = [
        _row(form.title),
        _row(f"({form.year} 年度)" if form.year else ""),
        _row("项目名称", form.project.text),
        _row("主管部门", form.department.text, "", "", "实施单位", form.unit.text),
        _row(f"项目资金 ({form.amount_unit})", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        _funds_row(form.funds.total),
        *(_funds_row(r, first_sub=(k == 0)) for k, r in enumerate(form.funds.rows)),
        _row("年度总体目标", "预算目标", "", "", "实际完成情况"),
        _row("", form.goals.planned.text, "", "", form.goals.achieved.text),
        _row("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
        *_indicator_rows(form.indicators),
        _row("总分", "", "", "", "", "", form.total.weight.text, form.total.score.text),
    ]
    if form.header_total is not None:  # 自评得分 printed in the header
        rows.insert(4, _row("自评得分", form.header_total.text))
    if form.layout == "twenty-eighty":  # the 20/80 family: no 分值 column, the total row scores only
        head = next(i for i, r in enumerate(rows) if r[1] == "一级指标")
        rows[head] = _row("年度绩效目标 (80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分",
                          "偏差原因分析及改进措施")
        rows[head + 1:-1] = _indicator_rows(form.indicators, weights=False)
        rows[-1] = _row("总分", "", "", "", "", "", form.total.score.text)
    return rows


def _indicator_span(rows: list[list[str]]) -> tuple[int, int]:
    """Indices of the first indicator row and of the 总分 row."""
    head = next(i for i, r in enumerate(rows) if r[1] == "一级指标")
    total = next(i for i, r in enumerate(rows) if r[0] == "总分")
    return head + 1, total


def damage(rows: list[list[str]], kind: str, rng: random.Random) -> tuple[list[list[str] | None], str]:
    """Rows with one kind of layout damage; None in the list stands for a blank line.

    Returns the rows and what was done, in Chinese, for the manifest.
    """
    first, total = _indicator_span(rows)
    out: list[list[str] | None] = [list(r) for r in rows]
    if kind == "page-break":
        # a page break before a later indicator row: every row after it loses the merged leading column
        k = rng.randint(first + 1, total - 1) if total - first > 1 else first
        shifted = [r[1:] + [""] for r in out[k:total]]  # type: ignore[index]
        out = out[:k] + [None] + shifted + out[total:]
        return out, f"第{k - first + 1}个指标行前分页，其后各行缺少首列（整体左移一格）"
    if kind == "split-name":
        # the values on one line, the name alone on the next (as 车辆闲置率 in the seed)
        k = rng.randint(first, total - 1)
        values = list(out[k])  # type: ignore[arg-type]
        name = values[3]
        values[3] = ""
        if values[1] or values[2]:
            # keep group labels on a row of their own so the name row stays a bare name
            labels = _row("", values[1], values[2])
            values[1] = values[2] = ""
            out = out[:k] + [labels, values, _row("", "", "", name)] + out[k + 1:]
        else:
            out = out[:k] + [values, _row("", "", "", name)] + out[k + 1:]
        return out, f"指标“{name}”的数值与名称分在两行"
    if kind == "wrapped-name":
        # a long name wrapped inside its cell: the text tool joins the lines with a space
        candidates = [i for i in range(first, total) if len(out[i][3]) >= 4]  # type: ignore[index]
        k = rng.choice(candidates) if candidates else first
        name = out[k][3]  # type: ignore[index]
        cut = max(2, len(name) - rng.randint(2, 3))
        out[k][3] = name[:cut] + " " + name[cut:]  # type: ignore[index]
        return out, f"指标名称“{name}”换行，文本中带空格"
    raise ValueError(kind)


def truncate(rows: list[list[str]], before: str = "年度总体目标") -> tuple[list[list[str]], str]:
    """The form cut off after its funds block (a lost page): the reader cannot read it (P001). Cut
    off later, `before` its indicator table's header (一级指标), it is read and kept incomplete (P004)."""
    head = next(i for i, r in enumerate(rows) if before in r[:2])
    what = "总体目标和绩效指标部分" if before == "年度总体目标" else "绩效指标部分"
    return rows[:head], f"表格在{before}之前中断（缺少{what}）"


def render(rows: list[list[str] | None]) -> str:
    return "".join(("\t".join(r) if r is not None else "") + "\n" for r in rows)

