"""The standard text layout, read line by line: the fast path for text files.

Most text forms are printed in one layout (the seed's, the one `jixiao export` writes and the
one `jixiao synth` generates): a title, 项目名称 and 主管部门/实施单位 rows, the 项目资金 header and
its rows, 年度总体目标, the 绩效指标 header with one indicator per line, and 总分. `read_plain`
reads a file made only of such rows straight from its lines, without the cells, row objects and
general tests of `recognize.recognize`, and gives exactly the forms that `recognize` gives.

It reads nothing it is not sure of: the first line that is not as expected (a shifted or split
row, a label printed out of place, a wrapped name, an extra column, 万元, a missing 总分 — anything
the general recogniser would repair, record or refuse) makes it return None, and the file is
read by the general recogniser instead. The rows it does read go through the same helpers as in
`recognize` (label_value, read_funds_row, read_goal_row, read_total, plain_plan, plain_cells,
plain_indicator_of, the cached cell tests), and a test reads large generated and damaged corpora
both ways and compares every form.
"""

from __future__ import annotations

from typing import Final

from . import taxonomy
from .memo import remember
from .model import Form, Loc, Text
from .recognize import (
    _FUNDS_HEADERS,
    _IND_HEADERS,
    _WAN_YUAN,
    _YEAR_RE,
    _Geometry,
    _child_marked,
    _children_of,
    _is_indicator_header,
    _match_header,
    _numbering,
    _text_header_map,
    fits_as_printed,
    indicator_geometry,
    label_value,
    plain_cells,
    plain_indicator_of,
    plain_plan,
    read_funds_row,
    read_goal_row,
    read_total,
)
from .values import clean_text

# the sections of a form, in order
_HEADER: Final = 0
_FUNDS: Final = 1
_GOALS: Final = 2
_INDICATORS: Final = 3
_DONE: Final = 4

_INDICATOR_HEADER: Final[dict[tuple[str, ...], tuple[dict[str, int], _Geometry, tuple]]] = {}  # jixiao.memo


class _NotPlain(Exception):
    """The file has a row the fast path leaves to the general recogniser."""


class _Plain:
    """One form being read: the parts of `recognize._FormBuilder`'s state a plain form uses."""

    __slots__ = ("form", "section", "funds_hdr", "saw_funds_header", "goals_col", "ind_hdr", "geom", "plan",
                 "l1", "l2", "explicit", "rows_seen", "saw_total")

    def __init__(self, name: str, line: int):
        self.form = Form(source=Loc(name, line))
        self.section = _HEADER
        self.funds_hdr: tuple[tuple[str, int], ...] = ()  # (field, column) of the funds header
        self.saw_funds_header = False
        self.goals_col: int | None = None
        self.ind_hdr: dict[str, int] = {}
        self.geom: _Geometry | None = None
        self.plan: tuple | None = None
        self.l1: Text | None = None
        self.l2: Text | None = None
        self.explicit: list[bool] = []  # per indicator: labels printed on its row
        self.rows_seen = 0
        self.saw_total = False

    def finish(self) -> Form:
        """The form, as `_FormBuilder.finish` gives it when it has nothing to repair."""
        f = self.form
        if (not f.project.text or not self.saw_funds_header or not self.saw_total or not f.indicators
                or (f.funds.total.annual_budget.value is None and f.funds.total.executed.value is None)):
            raise _NotPlain  # incomplete: the general recogniser says what is missing
        inds = f.indicators
        # a parent row with its subtotal needs a numbered row or a child mark (see _children_of)
        if any(_numbering(i.name.text) or _child_marked(i.name.text) for i in inds):
            for k in range(len(inds) - 2, -1, -1):
                if _children_of(inds, k):
                    raise _NotPlain
        return f


def _indicator_header(cells: tuple[str, ...]) -> tuple[dict[str, int], _Geometry, tuple]:
    """An indicator header line's fields (field → column: read, never changed), geometry and
    plan (as `_FormBuilder` works them out); the same header line heads form after form.
    _NotPlain (not kept) for a header the fast path leaves to the general recogniser."""
    header = _INDICATOR_HEADER.get(cells)
    if header is None:
        header = remember(_INDICATOR_HEADER, cells, _indicator_header_of(cells), 256)
    return header


def _indicator_header_of(cells: tuple[str, ...]) -> tuple[dict[str, int], _Geometry, tuple]:
    found, cols = _text_header_map(cells, _IND_HEADERS, True)
    g = indicator_geometry(found, cols)
    plan = plain_plan(g, found, cols)
    if plan is None:
        raise _NotPlain
    return found, g, plan


def _sub_header_like(clean: list[str]) -> bool:
    """Whether the first row under the indicator header would be read as the second row of a
    two-row header (`_FormBuilder._sub_header`)."""
    texts = [t for t in clean if t]
    return bool(texts) and all(_match_header(t, _IND_HEADERS, True) is not None for t in texts) and not any(
        taxonomy.classify(t) for t in texts)


def read_plain(text: str, name: str) -> list[Form] | None:
    """The forms of a text file in the standard layout, or None when the file has any row that
    needs the general recogniser (which then reads the whole file)."""
    try:
        return _read(text, name)
    except _NotPlain:
        return None


def _read(text: str, name: str) -> list[Form]:
    forms: list[Form] = []
    st: _Plain | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if not line or line.isspace():  # blank: `not line.strip()` without a copy of every line
            continue
        cells = line.split("\t")
        clean = [clean_text(t) if t else "" for t in cells]
        first = next(filter(None, clean), "")
        label = first.replace(" ", "")

        # where a form starts (as in recognize.recognize; _first_starts_form, inlined)
        if "自评表" in label and ("绩效自评表" in label or label.endswith("自评表")):
            if st is None or st.section != _HEADER or st.form.project.text:
                if st is not None:
                    forms.append(st.finish())
                st = _Plain(name, n)
        elif label.startswith("项目名称") and (st is None or st.form.project.text):
            if st is not None:
                forms.append(st.finish())
            st = _Plain(name, n)
        if st is None or not first:
            continue
        section = st.section
        if section == _DONE:
            continue
        form = st.form

        if section == _INDICATORS:
            joined = "".join(clean)
            if label.startswith(("总分", "合计", "总计")):
                st.saw_total = True
                form.total = read_total(cells, st.ind_hdr.get("weight"), st.ind_hdr.get("score"), Loc(name, n),
                                        lambda j: Loc(name, n, j + 1))
                st.section = _DONE
                continue
            if ("一" in joined and _is_indicator_header(clean)) or "主管部门" in joined or "实施单位" in joined:
                raise _NotPlain
            if not st.rows_seen and _sub_header_like(clean):
                raise _NotPlain
            _indicator(st, cells, clean, name, n)
            continue

        joined = "".join(clean)
        if section == _HEADER:
            if "自评表" in first:
                form.title = first
                m = _YEAR_RE.search(joined)
                if m:
                    form.year = int(m.group(1))
                continue
            if form.year is None:
                m = _YEAR_RE.search(joined)
                if m and "年度" in joined and len(joined) <= 12:
                    form.year = int(m.group(1))
                    continue
        if "万元" in joined and section != _GOALS and _WAN_YUAN.search(joined):
            form.amount_unit = "万元"
        if "自评表" in first:
            raise _NotPlain
        if label.startswith("项目名称"):
            if section != _HEADER:
                raise _NotPlain
            found = label_value(cells, "项目名称")
            if found is None:
                raise _NotPlain
            form.project = Text(found[0], Loc(name, n, found[1] + 1))
            continue
        if "主管部门" in joined or "实施单位" in joined:
            if section != _HEADER:
                raise _NotPlain
            for word, attr in (("主管部门", "department"), ("实施单位", "unit")):
                found = label_value(cells, word)
                if found is not None:
                    setattr(form, attr, Text(found[0], Loc(name, n, found[1] + 1)))
            continue
        if label.startswith("项目资金") or ("年初预算" in joined and "执行" in joined):
            if section != _HEADER or not label.startswith("项目资金"):
                raise _NotPlain
            funds_map, _ = _text_header_map(tuple(cells), _FUNDS_HEADERS, False)
            st.funds_hdr = tuple(funds_map.items())
            st.saw_funds_header = True
            st.section = _FUNDS
            if "万元" in joined:
                form.amount_unit = "万元"
            continue
        if section == _FUNDS:
            got = read_funds_row(cells, clean, st.funds_hdr, Loc(name, n), lambda j: Loc(name, n, j + 1))
            if got is not None:
                kind, fr, shift = got
                if shift:
                    raise _NotPlain
                if kind == "total":
                    form.funds.total = fr
                else:
                    form.funds.rows.append(fr)
                continue
        elif section == _HEADER:
            raise _NotPlain
        if ("预算目标" in joined or "预期目标" in joined or "年度目标" in joined) and "实际完成" in joined:
            st.section = _GOALS
            for i, t in enumerate(clean):
                if "实际完成" in t:
                    st.goals_col = i
            continue
        if _is_indicator_header(clean):
            if section != _GOALS:
                raise _NotPlain
            st.ind_hdr, st.geom, st.plan = _indicator_header(tuple(cells))
            st.section = _INDICATORS
            continue
        if section != _GOALS:
            raise _NotPlain
        read_goal_row(form.goals, clean, st.goals_col, lambda j: Loc(name, n, j + 1))
    if st is not None:
        forms.append(st.finish())
    return forms


def _indicator(st: _Plain, cells: list[str], clean: list[str], name: str, n: int) -> None:
    """One indicator row, as `_FormBuilder._indicator_row` reads a row that fits its header as
    printed (`plain_cells`), with its labels as `_apply_labels` takes them when it has nothing to
    repair."""
    geom, plan = st.geom, st.plan
    if geom is None or plan is None:  # set with the header, before any indicator row
        raise _NotPlain
    if not fits_as_printed(geom, cells):
        raise _NotPlain
    found = plain_cells(cells, clean, plan)
    if found is None:
        raise _NotPlain
    labels, j, name_text = found
    l1 = l2 = None
    for col, level, canonical, points in labels:
        if points is not None or (l1 if level == 1 else l2) is not None:
            raise _NotPlain  # 产出指标(50分), or two labels of a level: _apply_labels' special cases
        if level == 1:
            l1 = (col, canonical)
        else:
            l2 = (col, canonical)
    inds = st.form.indicators
    if l1 is not None:
        if st.l1 is None or st.l1.text != l1[1]:
            st.l2 = None
        if l1[1] == "满意度指标" and inds and not st.explicit[-1] and "满意" in inds[-1].name.text \
                and inds[-1].level1.text != "满意度指标":
            raise _NotPlain  # satisfaction rows printed before their label
        st.l1 = Text(l1[1], Loc(name, n, l1[0] + 1))
    if l2 is not None:
        canonical = l2[1]
        if inds and not inds[-1].level2.text:
            raise _NotPlain  # a 二级 printed after rows of its group: _backfill repairs
        if l1 is None:
            parent = taxonomy.parent_of(canonical)
            if parent and (st.l1 is None or canonical not in taxonomy.KNOWN.get(st.l1.text, ())):
                raise _NotPlain  # the 一级 is inferred: a repair
            if "level1" in st.ind_hdr and l2[0] <= st.ind_hdr["level1"]:
                raise _NotPlain  # a 二级 in the 一级 column: a repair
        st.l2 = Text(canonical, Loc(name, n, l2[0] + 1))
    if st.l1 is None:
        raise _NotPlain
    st.rows_seen += 1
    inds.append(plain_indicator_of(st.l1, st.l2, name_text, Loc(name, n, j + 1), clean, plan[3], Loc(name, n),
                                   lambda c: Loc(name, n, c + 1)))
    st.explicit.append(l1 is not None or l2 is not None)
