"""The form's header rows: title and year, 项目名称, 主管部门 and 实施单位, and the 年度总体目标
block (预算目标 and 实际完成情况)."""

from __future__ import annotations

from ..grid import Row
from ..model import Form, Goals, Loc, Text
from ..values import clean_text
from .vocab import GOALS_ACHIEVED, GOALS_BLOCK, HEADER_LABELS, OTHER_LABELS, YEAR


def label_value(texts: list[str], label: str) -> tuple[str, int] | None:
    """The value a label such as 项目名称 or 主管部门 gives on a row (its cell texts), and the
    index of the cell it stands in: after the label in the same cell (项目名称：…) or in the next
    non-empty cell; None when the row has no such label or no value for it."""
    for i, c in enumerate(texts):
        t = clean_text(c).replace(" ", "")
        if t.startswith(label):
            rest = t[len(label):].lstrip(":：")
            if rest:
                value = clean_text(c)[len(label):].lstrip(":： ")
                # '主管部门：上海市公安局 实施单位：…' in one cell (a text line of a PDF or HTML)
                cut = [value.find(x) for x in OTHER_LABELS if x != label and value.find(x) > 0]
                if cut:
                    value = value[: min(cut)].rstrip(" ，,;；")
                return value, i
            for j in range(i + 1, len(texts)):
                v = clean_text(texts[j])
                if v:
                    if v.replace(" ", "").startswith(tuple(lb for lb, _ in HEADER_LABELS)):
                        return None
                    return v, j
            return None
    return None


def read_labelled(form: Form, row: Row, label: str) -> None:
    """Set the form field `label` (one of vocab.HEADER_LABELS) fills from a row, when it has one."""
    found = label_value(row.texts(), label)
    if found is not None:
        attr = dict(HEADER_LABELS)[label]
        setattr(form, attr, Text(text=found[0], loc=row.cell_loc(found[1])))


def read_year(form: Form, joined: str) -> None:
    m = YEAR.search(joined)
    if m:
        form.year = int(m.group(1))


def is_year_row(joined: str) -> bool:
    """A row that only gives the year: 2021年度."""
    return "年度" in joined and len(joined) <= 12 and YEAR.search(joined) is not None


def goals_column(clean: list[str], col: int | None) -> int | None:
    """The column of the 实际完成情况 header in the goals header row (`col` when no cell has it)."""
    for i, t in enumerate(clean):
        if GOALS_ACHIEVED in t:
            col = i
    return col


def read_goal_row(goals: Goals, clean: list[str], goals_col: int | None, loc) -> None:
    """A row of the 年度总体目标 block (`clean`: its cleaned cell texts) added to the goals: with
    two texts or more the first is 预算目标 and the last 实际完成情况, a single text goes by its
    column (`goals_col`, that of the 实际完成情况 header). The block label, or a piece of it (a PDF
    prints a merged label cut by a page break as loose lines: 年度总体目 / 标), is not goal text.
    `loc(j)` is the location of cell j."""
    texts = [(i, t) for i, t in enumerate(clean) if t and t.replace(" ", "") not in GOALS_BLOCK]
    if not texts:
        return
    if len(texts) >= 2:
        planned, achieved = texts[0], texts[-1]
        _append_goal(goals.planned, planned[1], loc(planned[0]))
        _append_goal(goals.achieved, achieved[1], loc(achieved[0]))
        return
    i, t = texts[0]
    col = goals_col if goals_col is not None else 4
    _append_goal(goals.achieved if i >= col else goals.planned, t, loc(i))


def _append_goal(slot: Text, text: str, loc: Loc | None) -> None:
    if slot.text:
        slot.text += text
    else:
        slot.text, slot.loc = text, loc
