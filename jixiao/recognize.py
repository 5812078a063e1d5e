"""Recognise forms in a grid of cells: grid → `Form`, recording every repair.

The recogniser works on content, not on fixed column positions. Header rows (项目资金…,
绩效指标 一级指标 二级指标 …) are found by their text and give each column a meaning; a data row
is then aligned to its header by trying small shifts and keeping the one whose cells fit their
columns best (a page break drops the merged leading column, so later rows start one cell further
left). Labels are recognised by the taxonomy wherever they stand, a 一级 missing from a row is
inferred from its 二级, and rows that PDF-to-text tools split (a value row and its name row, a
deviation text over two rows) are joined. Each such repair is recorded on the form with the
lines it came from, so a person can see what was inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, NamedTuple

from . import taxonomy
from .errors import ReadError
from .grid import Grid, Row, TextRow
from .model import (
    QUANT,
    Amount,
    Form,
    FundsRow,
    Goals,
    Indicator,
    Loc,
    Measure,
    Rate,
    Repair,
    Text,
    Total,
)
from .memo import remember
from .values import amount, clean_text, is_blank, measure, parse_decimal, parse_rate, round2

# Cell texts repeat across rows and forms (labels, 100%, 10); the text helpers are pure, so
# their results are kept in memo tables (jixiao.memo): reading is dominated by them otherwise.

_YEAR_RE: Final = re.compile(r"((?:19|20)\d{2})\s*年")
_TERMINAL: Final = tuple("。．.!！?？;；")

# Header texts → field, for the indicator table (layouts.md: every spelling seen in published forms).
# A header cell names the field whose spelling it starts with (or contains, when it is short).
_IND_HEADERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("name", ("三级指标", "指标名称", "绩效指标名称")),
    ("target_op", ("指标性质", "指标方向")),
    ("target_unit", ("度量单位", "计量单位", "指标单位")),
    ("target", ("年度指标值", "年初目标值", "年度目标值", "预期指标值", "全年目标值", "指标值", "目标值", "预期值")),
    ("actual", ("实际完成值", "全年实际值", "全年完成值", "实际完成", "实际值", "完成值")),
    ("weight", ("指标分值权重", "分值", "权重")),
    ("score", ("得分",)),
    ("deviation", ("偏差原因", "未完成原因", "原因分析")),
)
# Columns some forms add that the model does not need: kept per indicator in Form.extra under
# their canonical name. Matched before the fields above, because 指标值设置依据 starts like
# 指标值, 上年完成值 ends like 完成值 and 得分系数 starts like 得分.
_EXTRA_HEADERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("指标值设置依据", ("指标值设置依据", "目标值设置依据", "设置依据", "指标值确定依据")),
    ("上年完成值", ("上年完成值", "上年实际完成值", "上年实际值", "上年指标值", "上年值")),
    ("指标赋分规则", ("指标赋分规则", "赋分规则", "评分规则", "评分标准", "计分方法")),
    ("佐证资料", ("佐证资料", "佐证材料", "证明材料", "佐证")),
    ("完成率", ("完成率", "指标完成率", "完成比例")),
    ("得分系数", ("得分系数",)),
    ("是否核心指标", ("是否核心指标", "核心指标")),
    ("序号", ("序号",)),
    ("备注", ("备注",)),
)
_EXACT_HEADERS: Final = {"单位": "target_unit"}
# What a 指标性质 cell says, as the operator it puts before the target value.
_TARGET_OPS: Final = {"定性": "", "定量": "", "正向": ">=", "反向": "<=", "正向指标": ">=", "反向指标": "<=",
               "≥": "≥", "≤": "≤", "=": "=", "＝": "="}
# Columns headed 复核… are notes jixiao's own export writes beside a form; they are not the form.
IGNORED_PREFIX: Final = "复核"
_VALUE_FIELDS: Final = ("target_op", "target", "target_unit", "actual", "weight", "score", "deviation")
_LABEL_FIELDS: Final = ("level1", "level2", "name")
_PLAIN_SLOTS: Final = {"target": 0, "actual": 1, "weight": 2, "score": 3, "deviation": 4}  # _FormBuilder._plain_row
_HEADER_NOISE: Final = re.compile(r"[（(](?:[A-Za-z]|分|%|％|元|万元|个|项)[)）]")

_FUNDS_HEADERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("initial_budget", ("年初预算数", "年初预算")),
    ("annual_budget", ("全年预算数", "调整后预算数", "调整后预算", "全年预算")),
    ("executed", ("全年执行数", "实际执行数", "执行数")),
    ("weight", ("分值", "权重")),
    ("rate", ("执行率",)),
    ("score", ("得分",)),
)
_FUNDS_SLOTS: Final = {"initial_budget": 0, "annual_budget": 1, "executed": 2, "weight": 3, "rate": 4, "score": 5}
_FUNDS_SUBROWS: Final = (
    ("当年财政拨款", "本年财政拨款", "财政拨款", "财政资金"),
    ("上年结转资金", "上年结转"),
    ("其他资金", "单位资金", "其他"),
)
_QIZHONG: Final = re.compile(r"^其中[:：]?")
_WAN_YUAN: Final = re.compile(r"单位[:：]\s*万元|[（(]\s*万元\s*[)）]")
_OTHER_LABELS: Final = ("项目名称", "主管部门", "实施单位", "项目负责人", "联系电话", "预算单位", "填报单位")

# memo tables (jixiao.memo) of the functions below, each of a cell's text or a row's pattern
_MATCH_HEADER: Final[dict[tuple[str, int, bool], str | None]] = {}
_TEXT_HEADER_MAP: Final[dict[tuple[tuple[str, ...], int, bool], tuple[dict[str, int], dict[int, str]]]] = {}
_FUNDS_LABEL: Final[dict[str, str]] = {}
_FUNDS_ROW_KIND: Final[dict[str, str | None]] = {}
_MEASURE_PARTS: Final[dict[str, tuple[str, str, str, str, Decimal | None, str]]] = {}
_SHIFT_KIND: Final[dict[str, int]] = {}
_FIT: Final[dict[tuple, tuple[int, int]]] = {}
_FUNDS_KIND: Final[dict[str, int]] = {}
_FUNDS_FIT: Final[dict[tuple, int]] = {}
_LEFT_LABEL: Final[dict[str, tuple | None]] = {}
_NUMBERING: Final[dict[str, str | None]] = {}
_CHILD_MARKED: Final[dict[str, bool]] = {}


def _match_header(text: str, table: tuple[tuple[str, tuple[str, ...]], ...], extras: bool = False) -> str | None:
    """The field a header cell names: a field of `table`, 'extra:<name>' for a known extra
    column (when `extras`), 'ignore' for jixiao's own review columns, or None."""
    key = (text, id(table), extras)  # the tables are this module's constants
    if key in _MATCH_HEADER:
        return _MATCH_HEADER[key]
    return remember(_MATCH_HEADER, key, _match_header_of(text, table, extras))


def _match_header_of(text: str, table: tuple[tuple[str, tuple[str, ...]], ...], extras: bool) -> str | None:
    t = clean_text(text).replace(" ", "")
    if t.startswith(IGNORED_PREFIX):
        return "ignore"
    t = _HEADER_NOISE.sub("", t)  # 年初目标值(A), 实际完成值(B), 分值（分）
    if extras:
        if t in _EXACT_HEADERS:
            return _EXACT_HEADERS[t]
        for name, spellings in _EXTRA_HEADERS:
            if any(t.startswith(sp) for sp in spellings):
                return f"extra:{name}"
    for name, spellings in table:
        for sp in spellings:
            if t.startswith(sp) or (sp in t and len(t) <= len(sp) + 6):
                return name
    return None


def _header_map(row: Row, table, extras: bool = False) -> tuple[dict[str, int], dict[int, str]]:
    """(field → its first column, column → field) for a header row; a merged header cell names
    every column it spans."""
    if isinstance(row, TextRow):
        # a line of text has no merged cells, and the same header line heads form after form
        found, cols = _text_header_map(tuple(row.texts()), table, extras)
        return dict(found), dict(cols)
    return _cells_header_map([(c.text, c.span[1]) for c in row.cells], table, extras)


def _text_header_map(texts: tuple[str, ...], table, extras: bool) -> tuple[dict[str, int], dict[int, str]]:
    """_header_map of a text line (the caller copies the dicts: they are changed later)."""
    key = (texts, id(table), extras)
    found = _TEXT_HEADER_MAP.get(key)
    if found is None:
        found = remember(_TEXT_HEADER_MAP, key, _cells_header_map([(t, 1) for t in texts], table, extras), 256)
    return found


def _cells_header_map(cells: list[tuple[str, int]], table, extras: bool) -> tuple[dict[str, int], dict[int, str]]:
    """_header_map of a row given as (text, columns spanned) per cell."""
    found: dict[str, int] = {}
    cols: dict[int, str] = {}
    for i, (text, span) in enumerate(cells):
        if not text.strip():
            continue
        name = _match_header(text, table, extras)
        if name is None:
            continue
        if name != "ignore" and not name.startswith("extra:"):
            if name in found:
                continue
            found[name] = i
        for k in range(i, i + max(span, 1)):
            cols.setdefault(k, name)
    return found, cols


def _funds_label(label: str) -> str:
    """A funds row's label without spaces and without a leading 其中："""
    found = _FUNDS_LABEL.get(label)
    if found is None:
        found = remember(_FUNDS_LABEL, label, _QIZHONG.sub("", label.replace(" ", "")))
    return found


def _funds_row_kind(label_ns: str) -> str | None:
    """'total' for 年度资金总额, 'sub' for a 其中 row, None for any other label."""
    if label_ns in _FUNDS_ROW_KIND:
        return _FUNDS_ROW_KIND[label_ns]
    return remember(_FUNDS_ROW_KIND, label_ns, _funds_row_kind_of(label_ns))


def _funds_row_kind_of(label_ns: str) -> str | None:
    if label_ns.startswith(("年度资金总额", "资金总额", "合计")):
        return "total"
    for group in _FUNDS_SUBROWS:
        if any(label_ns.startswith(g) for g in group):
            return "sub"
    return None


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
                cut = [value.find(x) for x in _OTHER_LABELS if x != label and value.find(x) > 0]
                if cut:
                    value = value[: min(cut)].rstrip(" ，,;；")
                return value, i
            for j in range(i + 1, len(texts)):
                v = clean_text(texts[j])
                if v:
                    if any(v.replace(" ", "").startswith(x) for x in ("主管部门", "实施单位", "项目名称")):
                        return None
                    return v, j
            return None
    return None


def read_goal_row(goals: Goals, clean: list[str], goals_col: int | None, loc) -> None:
    """A row of the 年度总体目标 block (`clean`: its cleaned cell texts) added to the goals: with
    two texts or more the first is 预算目标 and the last 实际完成情况, a single text goes by its
    column (`goals_col`, that of the 实际完成情况 header). The block label, or a piece of it (a PDF
    prints a merged label cut by a page break as loose lines: 年度总体目 / 标), is not goal text.
    `loc(j)` is the location of cell j."""
    texts = [(i, t) for i, t in enumerate(clean) if t and t.replace(" ", "") not in "年度总体目标"]
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


def _append_goal(slot: Text, text: str, loc: Loc) -> None:
    if slot.text:
        slot.text += text
    else:
        slot.text, slot.loc = text, loc


def read_total(texts: list[str], w_col: int | None, s_col: int | None, row_loc: Loc, loc) -> Total:
    """The 总分 row: the numbers under 分值 and 得分 (allowing the row to be shifted as data rows
    are), else the last two numbers of the row. `loc(j)` is the location of cell j."""
    tot = Total(loc=row_loc)
    cells = texts
    if w_col is not None and s_col is not None:
        for shift in (0, -1, 1, -2, 2):
            jw, js = w_col + shift, s_col + shift
            if 0 <= jw < len(cells) and 0 <= js < len(cells) and _is_number(cells[jw]) and _is_number(cells[js]):
                tot.weight = amount(cells[jw].strip(), loc(jw))
                tot.score = amount(cells[js].strip(), loc(js))
                return tot
    nums = [(j, c.strip()) for j, c in enumerate(cells) if _is_number(c)]
    if len(nums) >= 2:
        (jw, w), (js, s) = nums[-2], nums[-1]
        tot.weight = amount(w, loc(jw))
        tot.score = amount(s, loc(js))
    elif len(nums) == 1:
        j, v = nums[0]
        if s_col is not None and w_col is not None and abs(j - s_col) < abs(j - w_col):
            tot.score = amount(v, loc(j))
        else:
            tot.weight = amount(v, loc(j))
    return tot


def read_funds_row(texts: list[str], clean: list[str], hdr: tuple[tuple[str, int], ...], row_loc: Loc, loc):
    """A row of the funds block (年度资金总额 or a 其中 row) under the funds header `hdr` (its
    (field, column) pairs): (kind 'total' or 'sub', the row, the shift that aligned it), or None
    for any other row. `loc(j)` is the location of cell j."""
    cells = [(i, c) for i, c in enumerate(clean) if c]
    if not cells:
        return None
    label_i, label = cells[0]
    label_ns = _funds_label(label)
    if label_ns.startswith("项目资金") and len(cells) > 1:
        # the block label and the row label share a row: 项目资金 | 年度资金总额 | …
        label_i, label = cells[1]
        label_ns = _funds_label(label)
    if not label_ns and len(cells) > 1:
        # 其中： | 当年财政拨款 | … : the word 其中 in a cell of its own
        label_i, label = cells[1]
        label_ns = label.replace(" ", "")
    kind = _funds_row_kind(label_ns)
    if kind is None:
        return None
    # as for indicator rows: each cell's kind once per distinct text, each pattern's fit once
    shift = _funds_fit(hdr, label_i, tuple([_funds_kind(t) for t in texts])) if hdr else 0
    n = len(texts)
    values: list = [None, None, None, None, None, None]  # in the order of FundsRow's fields
    for fname, col in hdr:
        j = col + shift
        slot = _FUNDS_SLOTS[fname]
        if 0 <= j < n:
            t = texts[j].strip()
            values[slot] = Amount(t, parse_decimal(t), loc(j)) if slot != 4 else Rate(t, parse_rate(t), loc(j))
        else:
            values[slot] = Amount("", None, row_loc) if slot != 4 else Rate("", None, row_loc)
    # built in one go: FundsRow() alone would make six empty cells only to replace them
    a, b, c, w, r, sc = values
    fr = FundsRow(label_ns, a or Amount(), b or Amount(), c or Amount(), w or Amount(), r or Rate(), sc or Amount(),
                  row_loc)
    return kind, fr, shift


def _first(row: Row) -> tuple[int, str]:
    for i, t in enumerate(row.texts()):
        t = clean_text(t)
        if t:
            return i, t
    return -1, ""


def _nonempty(row: Row) -> list[tuple[int, str]]:
    return [(i, clean_text(t)) for i, t in enumerate(row.texts()) if t.strip()]


def _loc(row: Row, i: int | None = None) -> Loc | None:
    if i is not None and 0 <= i < len(row.texts()):
        return row.cell_loc(i)
    return row.loc


def _is_number(text: str) -> bool:
    return parse_decimal(text) is not None


def _measure_parts(text: str) -> tuple[str, str, str, str, Decimal | None, str]:
    parts = _MEASURE_PARTS.get(text)
    if parts is None:
        m = measure(text)
        parts = remember(_MEASURE_PARTS, text, (m.text, m.norm, m.kind, m.op, m.number, m.unit))
    return parts


def _measure(text: str, loc: Loc | None) -> Measure:
    """values.measure, through a cache of its result for each text (targets repeat: =100%, 健全)."""
    p = _measure_parts(text)
    return Measure(p[0], p[1], p[2], p[3], p[4], p[5], loc)  # not *p: a direct call when compiled


def _looks_measure(text: str) -> bool:
    return _measure_parts(text)[2] == QUANT


def _is_indicator_header(clean: list[str]) -> bool:
    """Whether a row (its cleaned cell texts) is the 一级指标 | 二级指标 | … header."""
    if not any("一" in t for t in clean):  # the common case, a data row: no cell can match
        return False
    texts = [t.replace(" ", "") for t in clean]
    return any(t.startswith("一级指标") for t in texts) and (
        any(t.startswith(("三级指标", "二级指标", "指标名称")) for t in texts)
    )


# What _best_shift needs to know about a cell's text, as bits (computed once per distinct text).
_K_TEXT: Final = 1
_K_NUMBER: Final = 2
_K_LABEL: Final = 4
_K_MEASURE: Final = 8


def _shift_kind(text: str) -> int:
    kind = _SHIFT_KIND.get(text)
    if kind is None:
        kind = remember(_SHIFT_KIND, text, _shift_kind_of(text))
    return kind


def _shift_kind_of(text: str) -> int:
    t = text.strip()
    if not t:
        return 0
    kind = _K_TEXT
    if _is_number(t):
        kind |= _K_NUMBER
    if taxonomy.classify(t):
        kind |= _K_LABEL
    if _looks_measure(t):
        kind |= _K_MEASURE
    return kind


class _Geometry(NamedTuple):
    """The indicator header's columns as the row alignment uses them, worked out once per header
    rather than once per row (a tuple: it is part of the key of the cached fit)."""

    first: int  # first value column
    last: int  # last mapped column
    weight: int | None
    score: int | None
    target: int | None
    actual: int | None


def indicator_geometry(hdr: dict[str, int], cols: dict[int, str]) -> _Geometry:
    """The geometry of an indicator header: `hdr` field → its first column, `cols` column → field."""
    value_cols = [c for f, c in hdr.items() if f in _VALUE_FIELDS]
    first = min(value_cols) if value_cols else 0
    last = max(cols) if cols else max(value_cols, default=0)
    return _Geometry(first, last, hdr.get("weight"), hdr.get("score"), hdr.get("target"), hdr.get("actual"))


def row_fit(g: _Geometry, texts: list[str]) -> tuple[int, int]:
    """The shift that fits a row (its raw cell texts) to the header columns best, and its fit
    score. What each cell is (number, label, measure) is looked up once per distinct text; rows
    of a table share a handful of such patterns, so the fit of a pattern is computed once."""
    return _fit(g, tuple([_shift_kind(t) for t in texts]))


def fits_as_printed(g: _Geometry, texts: list[str]) -> bool:
    """Whether `row_fit` gives a row (its raw cell texts) shift 0 and a fit above 0: the row
    stands under its header as printed.

    Most rows are settled from their four value cells alone. The fit of any shift is at most 10
    (3 for a number under 分值 and under 得分, 2 for a quantity under 年度指标值 and under 实际完成值),
    and `_fit` keeps shift 0 unless another scores strictly more; so shift 0 scoring 10 or more
    (its +1 included) with no text right of the last column is what `row_fit` would give, without
    classifying the name, the labels and the 偏差原因 as `_shift_kind` does for every cell. Other
    rows go through `row_fit`."""
    n = len(texts)
    score = 1  # shift 0's bonus
    anchored = False
    for col in (g.weight, g.score):
        if col is not None and col < n:
            t = texts[col].strip()
            if t:
                if _is_number(t):
                    score += 3
                    anchored = True
                else:
                    score -= 4
    for col in (g.target, g.actual):
        if col is not None and col < n:
            t = texts[col].strip()
            if t:
                if taxonomy.classify(t):
                    score -= 4
                elif _looks_measure(t):
                    score += 2
                    anchored = True
                elif anchored:
                    score += 1
    if anchored and score >= 10:
        for j in range(g.last + 1, n):
            if texts[j].strip():
                break
        else:
            return True
    shift, fit = row_fit(g, texts)
    return shift == 0 and fit > 0


def plain_plan(g: _Geometry, hdr: dict[str, int], cols: dict[int, str]) -> tuple | None:
    """How a plain indicator row is read under a header: (first value column, width, name
    column, ((slot, column), ...) for target/actual/weight/score/deviation); None when the header
    has columns a plain row does not have (split targets, extra or review columns, a field over
    several columns, labels right of the values, no target or 分值)."""
    name_col = hdr.get("name")
    if name_col is None or name_col >= g.first:
        return None
    for c in range(g.first):
        f = cols.get(c)
        if f is not None and f not in _LABEL_FIELDS:
            return None
    value_cols: list[tuple[int, int]] = []
    for c in range(g.first, g.last + 1):
        slot = _PLAIN_SLOTS.get(cols.get(c) or "")
        if slot is None or any(s == slot for s, _ in value_cols):
            return None
        value_cols.append((slot, c))
    if not (any(s == 0 for s, _ in value_cols) and any(s == 2 for s, _ in value_cols)):
        return None
    return g.first, g.last + 1, name_col, tuple(value_cols)


def plain_cells(texts: list[str], clean: list[str], plan: tuple) -> tuple[list[tuple], int, str] | None:
    """The labels ((cell, level, canonical, points), ...) and the name (its cell and text) of an
    indicator row printed as most are: nothing right of the last column, one name and it in the
    三级指标 column, no wrap spaces in it; None for any other row."""
    first, width, name_col, _ = plan
    n = len(clean)
    if n > width and any(clean[width:]):
        return None  # text beyond the last column: the general path joins it to 偏差原因
    labels = []
    name = None
    for j in range(first if first < n else n):
        t = clean[j]
        if t:
            label = _left_label(t)
            if label is None:
                if name is not None:
                    return None  # several names: a label of another framework
                name = (j, t)
            elif label:
                labels.append((j, *label))
    if name is None or name[0] != name_col:
        return None
    j, name_text = name
    raw = texts[j].strip()
    if raw != name_text and " " in raw:
        return None  # wrap spaces removed: the general path records the repair
    return labels, j, name_text


def plain_indicator_of(l1: Text | None, l2: Text | None, name_text: str, name_loc: Loc | None, clean: list[str],
                       value_cols: tuple, row_loc: Loc, loc) -> Indicator:
    """The indicator of a plain row under its current 一级/二级; a field with no cell on the row
    is empty text located at the row. `loc(j)` is the location of cell j."""
    v = ["", "", "", "", ""]
    at = [row_loc, row_loc, row_loc, row_loc, row_loc]
    n = len(clean)
    for slot, c in value_cols:
        if c < n:
            t = clean[c]
            if t:
                v[slot] = t
                at[slot] = loc(c)
    return Indicator(
        Text(l1.text, l1.loc) if l1 else Text(),
        Text(l2.text, l2.loc) if l2 else Text(),
        Text(name_text, name_loc),
        _measure(v[0], at[0]),
        _measure(v[1], at[1]),
        Amount(v[2], parse_decimal(v[2]), at[2]),
        Amount(v[3], parse_decimal(v[3]), at[3]),
        Text(v[4], at[4] if v[4] else None),
        row_loc,
    )


def _fit(g: _Geometry, kinds: tuple[int, ...]) -> tuple[int, int]:
    """_FormBuilder._best_shift for a row whose cells have these `_shift_kind`s."""
    key = (g, kinds)
    fit = _FIT.get(key)
    if fit is None:
        fit = remember(_FIT, key, _fit_of(g, kinds))
    return fit


def _fit_of(g: _Geometry, kinds: tuple[int, ...]) -> tuple[int, int]:
    n = len(kinds)
    filled = [j for j, k in enumerate(kinds) if k]
    best, best_score = 0, 0
    last = g.last
    for s in (0, -1, 1, -2, 2):
        score = 0
        anchored = False
        for col in (g.weight, g.score):
            j = col + s if col is not None else -1
            k = kinds[j] if 0 <= j < n else 0
            if k:
                if k & _K_NUMBER:
                    score += 3
                    anchored = True
                else:
                    score -= 4
        for col in (g.target, g.actual):
            j = col + s if col is not None else -1
            k = kinds[j] if 0 <= j < n else 0
            if not k:
                continue
            if k & _K_LABEL:
                score -= 4
            elif k & _K_MEASURE:
                score += 2
                anchored = True
            elif anchored:
                score += 1
        if not anchored:
            continue
        beyond = max(last + s + 1, 0)
        score -= 2 * sum(1 for j in filled if j >= beyond)
        if s == 0:
            score += 1  # between fits as good, the columns as printed win (a blank 得分 is no shift)
        if score > best_score:
            best, best_score = s, score
    return best, best_score


# What _funds_fit needs to know about a cell's text, as bits.
_F_TEXT: Final = 1
_F_NUMBER: Final = 2
_F_BLANK: Final = 4
_F_PERCENT: Final = 8


def _funds_kind(text: str) -> int:
    kind = _FUNDS_KIND.get(text)
    if kind is None:
        kind = remember(_FUNDS_KIND, text, _funds_kind_of(text))
    return kind


def _funds_kind_of(text: str) -> int:
    t = text.strip()
    if not t:
        return 0
    return (_F_TEXT | (_F_NUMBER if _is_number(t) else 0) | (_F_BLANK if is_blank(t) else 0)
            | (_F_PERCENT if "%" in t else 0))


def _funds_fit(hdr: tuple[tuple[str, int], ...], label_i: int, kinds: tuple[int, ...]) -> int:
    """The shift that fits a funds row (its cells' `_funds_kind`s) to the funds header best."""
    key = (hdr, label_i, kinds)
    shift = _FUNDS_FIT.get(key)
    if shift is None:
        shift = remember(_FUNDS_FIT, key, _funds_fit_of(hdr, label_i, kinds))
    return shift


def _funds_fit_of(hdr: tuple[tuple[str, int], ...], label_i: int, kinds: tuple[int, ...]) -> int:
    n = len(kinds)
    first_col = min(col for _, col in hdr)
    best, best_score = 0, None
    for s in (0, -1, 1, -2, 2):
        score = 0
        if label_i >= first_col + s:
            continue  # the label would sit inside the value columns
        for fname, col in hdr:
            j = col + s
            k = kinds[j] if 0 <= j < n else 0
            if not k:
                continue
            if fname == "rate":
                score += 2 if k & (_F_PERCENT | _F_NUMBER) else -3
            else:
                score += 2 if k & (_F_NUMBER | _F_BLANK) else -3
                if k & _F_PERCENT:
                    score -= 3
        if best_score is None or score > best_score:
            best, best_score = s, score
    return best


def _left_label(text: str) -> tuple | None:
    """What a (cleaned, non-empty) cell left of an indicator row's values is: () for the block
    label 绩效指标 or a piece of it, (level, canonical, points) for a taxonomy label, None for a
    name. Once per distinct text: the same labels stand on every form."""
    if text in _LEFT_LABEL:
        return _LEFT_LABEL[text]
    return remember(_LEFT_LABEL, text, _left_label_of(text))


def _left_label_of(text: str) -> tuple | None:
    if text.replace(" ", "") in "绩效指标":
        return ()
    c = taxonomy.classify(text)
    if c:
        return c[0], c[1], taxonomy.strip_label(text)[1]
    return None


@dataclass
class _Pending:
    """Indicator-table state carried across rows."""

    l1: Text | None = None
    l2: Text | None = None
    name_row: tuple[str, Row] | None = None  # a name that arrived before its values
    deviation: tuple[str, Row] | None = None  # a deviation fragment waiting for its row
    explicit: list[bool] = field(default_factory=list)  # per indicator: labels printed on its row


class _FormBuilder:
    def __init__(self, source: str, start: Row):
        self.form = Form(source=Loc(file=source, line=start.loc.line, sheet=start.loc.sheet))
        self.source = source
        self.funds_hdr: tuple[tuple[str, int], ...] = ()  # (field, column) of the funds header
        self.ind_hdr: dict[str, int] = {}  # field → column of the indicator header
        self.ind_cols: dict[int, str] = {}  # column → field, 'extra:…' or 'ignore'
        self.ind_extra: list[dict[str, str]] = []  # per indicator: its extra columns
        self.ind_rows_seen = 0  # rows read since the indicator header (a sub-header comes first)
        self._shift_of: tuple[Row, int] | None = None  # the last indicator row and its shift
        self._geom: _Geometry | None = None  # derived from ind_hdr/ind_cols; None when they change
        self._plan: tuple | None = None  # _row_plan's answer for the geometry in _plan_geom
        self._plan_geom: _Geometry | None = None
        self.goals_col: int | None = None
        self.section = "header"  # header → funds → goals → indicators → done
        self.pending = _Pending()
        self.last_row: Row = start
        self.saw_funds_header = False
        self.saw_total_row = False

    # -- helpers -----------------------------------------------------------------------------
    def repair(self, kind: str, message: str, *rows: Row) -> None:
        reps = self.form.repairs
        if kind == "shift-row" and reps and reps[-1].kind == kind and reps[-1].message == message:
            reps[-1].locs.extend(r.loc for r in rows)  # one repair for a run of shifted rows
            return
        reps.append(Repair(kind=kind, message=message, locs=[r.loc for r in rows]))

    # -- dispatch ------------------------------------------------------------------------------
    def feed(self, row: Row, clean: list[str] | None = None, first: str | None = None) -> None:
        """Read one row; `clean` is clean_text of each of its cells and `first` the first
        non-empty one, when the caller has them."""
        self.last_row = row
        if clean is None:
            clean = [clean_text(t) for t in row.texts()]
        if first is None:
            first = next((t for t in clean if t), "")
        if not first:
            return
        if self.section == "done":
            return
        if self.section == "indicators" and self._indicator_fast_path(row, first, clean):
            return
        joined = "".join(clean)
        if "自评表" in first and self.section == "header":
            self.form.title = first
            m = _YEAR_RE.search(joined)
            if m:
                self.form.year = int(m.group(1))
            return
        if self.form.year is None and self.section == "header":
            m = _YEAR_RE.search(joined)
            if m and ("年度" in joined) and len(joined) <= 12:
                self.form.year = int(m.group(1))
                return
        label = first.replace(" ", "")
        if self.section in ("header", "funds") and _WAN_YUAN.search(joined):
            self.form.amount_unit = "万元"
        if label.startswith("项目名称"):
            self._labelled(row, "项目名称", "project")
            return
        if "主管部门" in joined or "实施单位" in joined:
            if self.section == "header" or not (self.form.department or self.form.unit):
                self._labelled(row, "主管部门", "department")
                self._labelled(row, "实施单位", "unit")
                return
        if label.startswith("项目资金") or (self.section in ("header", "funds") and "年初预算" in joined and "执行" in joined):
            self._funds_header(row, joined)
            return
        if self.section == "funds" or (self.saw_funds_header and self.section == "header"):
            if self._funds_row(row, clean):
                return
        if self._is_goals_header(joined):
            self.section = "goals"
            for i, t in enumerate(clean):
                if "实际完成" in t:
                    self.goals_col = i
            return
        if _is_indicator_header(clean):
            self.ind_hdr, self.ind_cols = _header_map(row, _IND_HEADERS, extras=True)
            self._geom = None
            self.section = "indicators"
            self.ind_rows_seen = 0
            return
        if self.section == "indicators" and self.ind_rows_seen == 0 and self._sub_header(row):
            return
        if label.startswith(("总分", "合计", "总计")) and self.section == "indicators":
            self._total_row(row)
            self.section = "done"
            return
        if self.section == "goals":
            self._goal_row(row)
            return
        if self.section == "indicators":
            self._indicator_row(row, clean)
            return

    def _indicator_fast_path(self, row: Row, first: str, clean: list[str]) -> bool:
        """Inside the indicator table most rows are indicator rows: settle them without the
        header-section tests (which join every cell's text). False when the row needs those."""
        if first.replace(" ", "").startswith(("总分", "合计", "总计")):
            self._total_row(row)
            self.section = "done"
            return True
        # A header needs a cell with 一 in it, and a raw cell holding 主管部门 or 实施单位 holds it
        # in its cleaned text too, so the joined cleaned row rules most rows out before the cells
        # are looked at one by one.
        joined = "".join(clean)
        if "一" in joined and _is_indicator_header(clean):
            return False
        if ("主管部门" in joined or "实施单位" in joined) and any(
            "主管部门" in t or "实施单位" in t for t in row.texts()
        ):
            return False
        if self.ind_rows_seen == 0 and self._sub_header(row):
            return True
        self._indicator_row(row, clean)
        return True

    # -- header --------------------------------------------------------------------------------
    def _labelled(self, row: Row, label: str, attr: str) -> None:
        found = label_value(row.texts(), label)
        if found is not None:
            setattr(self.form, attr, Text(found[0], row.cell_loc(found[1])))

    # -- funds ---------------------------------------------------------------------------------
    def _funds_header(self, row: Row, joined: str) -> None:
        found, _ = _header_map(row, _FUNDS_HEADERS)
        self.funds_hdr = tuple(found.items())
        self.saw_funds_header = True
        self.section = "funds"
        if "万元" in joined:
            self.form.amount_unit = "万元"

    def _funds_row(self, row: Row, clean: list[str] | None = None) -> bool:
        """A row of the funds block (年度资金总额 or a 其中 row): read, True; else False and nothing
        changed. `clean` is clean_text of each cell, when the caller has it."""
        texts = row.texts()
        got = read_funds_row(texts, clean if clean is not None else [clean_text(t) for t in texts],
                             self.funds_hdr, row.loc, row.cell_loc)
        if got is None:
            return False
        kind, fr, shift = got
        if shift:
            self.repair("shift-row", f"资金行整体错位 {shift:+d} 列，已按表头对齐", row)
        if kind == "total":
            self.form.funds.total = fr
        else:
            self.form.funds.rows.append(fr)
        return True

    def plain_funds(self, row: Row, clean: list[str], first: str) -> bool:
        """`recognize`'s shortcut for a row of the funds block: True when it was a funds row and
        has been read as `feed` reads one; False (nothing changed) when it needs `feed`'s tests."""
        if not first:
            return False
        label = first.replace(" ", "")
        if "自评表" in label or label.startswith(("项目名称", "项目资金")):
            return False
        joined = "".join(clean)
        if "主管部门" in joined or "实施单位" in joined or "年初预算" in joined or "万元" in joined:
            return False
        if self._funds_row(row, clean):
            self.last_row = row
            return True
        return False

    # -- goals ---------------------------------------------------------------------------------
    @staticmethod
    def _is_goals_header(joined: str) -> bool:
        return ("预算目标" in joined or "预期目标" in joined or "年度目标" in joined) and "实际完成" in joined

    def _goal_row(self, row: Row) -> None:
        read_goal_row(self.form.goals, [clean_text(t) for t in row.texts()], self.goals_col, row.cell_loc)

    # -- indicators ----------------------------------------------------------------------------
    @staticmethod
    def _is_indicator_header(row: Row) -> bool:
        return _is_indicator_header([clean_text(t) for t in row.texts()])

    def _sub_header(self, row: Row) -> bool:
        """A second header row under the first (指标性质 | 指标值 | 度量单位 under a merged
        年度指标值): its columns refine the header's."""
        texts = [(i, t) for i, t in enumerate(row.texts()) if t.strip()]
        if not texts:
            return False
        matched = [_match_header(t, _IND_HEADERS, extras=True) for _, t in texts]
        if any(f is None for f in matched) or any(taxonomy.classify(t) for _, t in texts):
            return False
        cells = row.cells  # the spans of merged header cells
        found = [(i, cells[i], f) for (i, _), f in zip(texts, matched) if f is not None]  # none is None
        for i, c, f in found:
            if f not in ("ignore",) and not f.startswith("extra:"):
                self.ind_hdr[f] = i
            for k in range(i, i + max(c.span[1], 1)):
                self.ind_cols[k] = f
        self._geom = None
        self.repair("join-header", "绩效指标表头分两行，已合并为一行表头", row)
        return True

    def _geometry(self) -> _Geometry:
        g = self._geom
        if g is None:
            g = self._geom = indicator_geometry(self.ind_hdr, self.ind_cols)
        return g

    def _best_shift(self, row: Row) -> tuple[int, int]:
        """The shift that fits the row's cells to the header columns best, and its fit score.

        Only rows that carry a number where 分值/得分 stand, or a quantitative target or actual,
        are value rows; a name or label alone never decides the alignment.
        """
        return row_fit(self._geometry(), row.texts())

    def _place(self, row: Row, shift: int, clean: list[str] | None = None):
        """The row's cells by meaning: values per field, extra columns, and the cells left of the
        value columns (labels and the name), as (cell index, text)."""
        values: dict[str, tuple[str, Loc | None]] = {}
        extras: dict[str, str] = {}
        left: list[tuple[int, str]] = []
        cols = self.ind_cols
        g = self._geometry()
        first, last = g.first, g.last
        hdr = self.ind_hdr
        if clean is None:
            clean = [clean_text(t) for t in row.texts()]
        cell_loc = row.cell_loc
        for j, t in enumerate(clean):
            if not t:
                continue
            col = j - shift
            f = cols.get(col)
            if f == "ignore":
                continue
            if f is not None and f.startswith("extra:"):
                key = f[6:]
                extras[key] = extras.get(key, "") + t
                continue
            if f in _LABEL_FIELDS or (f is None and col < first):
                left.append((j, t))
                continue
            if f is None:
                if col > last:
                    f = "deviation" if "deviation" in hdr else None  # text run over the last column
                else:
                    # an unheaded column inside the value columns (a target printed over the
                    # cells of a merged header): it continues the text field on its left
                    before = [cols[c] for c in range(col - 1, first - 1, -1) if c in cols]
                    f = before[0] if before and before[0] in ("target", "actual", "deviation") else None
                if f is None:
                    continue
            # a field's location is its first cell's; a cell's Loc is made only when asked for
            prev = values.get(f)
            values[f] = (t, cell_loc(j)) if prev is None else (prev[0] + t, prev[1])
        return values, extras, left

    def _indicator_row(self, row: Row, clean: list[str] | None = None) -> None:
        hdr = self.ind_hdr
        if "target" not in hdr or "weight" not in hdr:
            raise ReadError("绩效指标表头缺少“年度指标值”或“分值”列，无法对齐指标行", row.loc)
        self.ind_rows_seen += 1
        shift, fit = self._best_shift(row)
        self._shift_of = (row, shift)
        texts = clean if clean is not None else [clean_text(t) for t in row.texts()]
        if not shift and fit > 0 and self._plain_row(row, texts):
            return
        values, extras, left = self._place(row, shift, texts)

        # a field with no cell on the row: empty text, located at the row
        get = values.get
        none = ("", row.loc)
        tgt, tgt_loc = get("target", none)
        unit_text = get("target_unit", none)[0]
        if "target_op" in hdr or "target_unit" in hdr:
            op_text = get("target_op", none)[0]
            op_text = _TARGET_OPS.get(op_text, op_text)
            tgt = f"{op_text}{tgt}{unit_text}" if tgt else tgt
        act, act_loc = get("actual", none)
        if act and "target_unit" in hdr and _is_number(act):
            act = act + unit_text
        wgt, wgt_loc = get("weight", none)
        scr, scr_loc = get("score", none)
        dev, dev_loc = get("deviation", none)

        has_values = fit > 0
        labels: list[tuple[int, int, str, str | None]] = []  # (cell, level, canonical, points)
        names: list[tuple[int, str]] = []
        for j, t in left:
            label = _left_label(t)
            if label is None:
                names.append((j, t))
            elif label:
                labels.append((j, *label))
        if not has_values:
            self._row_without_values(row, labels, names, dev if dev else "", texts, shift)
            return
        if shift:
            self.repair("shift-row", f"指标行整体错位 {shift:+d} 列（分页后合并列缺失），已按表头对齐", row)
        if not names and not tgt and not act and wgt and self.pending.name_row is None:
            self._subtotal_row(row, labels, wgt, scr)
            return
        explicit = self._apply_labels(row, labels)
        name_text = ""
        name_loc: Loc | None = row.loc
        if names:
            j, name_text = names[-1]
            name_loc = row.cell_loc(j)
            self._unknown_labels(row, names[:-1], shift)
            raw = row.texts()[j].strip()
            if raw != name_text and " " in raw:
                self.repair("clean-label", f"指标名称“{raw}”中的换行空格已去除", row)
            if "name" in hdr and j != hdr["name"] + shift:
                self.repair("move-cell", f"指标名称“{name_text}”不在三级指标列（第{j + 1}格），已按内容识别", row)
        ind = Indicator(
            level1=Text(self.pending.l1.text, self.pending.l1.loc) if self.pending.l1 else Text(),
            level2=Text(self.pending.l2.text, self.pending.l2.loc) if self.pending.l2 else Text(),
            name=Text(name_text, name_loc),
            target=_measure(tgt, tgt_loc),
            actual=_measure(act, act_loc),
            weight=amount(wgt, wgt_loc),
            score=amount(scr, scr_loc),
            deviation=Text(dev, dev_loc if dev else None),
            loc=row.loc,
        )
        if not name_text and self.pending.name_row is not None:
            pname, prow = self.pending.name_row
            ind.name = Text(pname, prow.loc)
            self.pending.name_row = None
            self.repair("join-name-row", f"指标名称“{pname}”与下一行的数值合并为一行", prow, row)
        if self.pending.deviation is not None:
            frag, frow = self.pending.deviation
            self.pending.deviation = None
            ind.deviation = Text(frag + ind.deviation.text, frow.loc)
            self.repair("join-deviation", "偏差原因分析被拆成两行，已合并", frow, row)
        self.form.indicators.append(ind)
        self.pending.explicit.append(explicit)
        self.ind_extra.append(extras)

    def _row_plan(self) -> tuple | None:
        """`plain_plan` for the current header, worked out once per geometry."""
        g = self._geom
        if g is not None and self._plan_geom is g:
            return self._plan
        g = self._geometry()
        self._plan, self._plan_geom = plain_plan(g, self.ind_hdr, self.ind_cols), g
        return self._plan

    def plain_indicator(self, row: Row, texts: list[str], clean: list[str], first: str) -> bool:
        """`recognize`'s shortcut for a row of the indicator table: True when the row was an
        indicator row as most are printed and has been read (as `feed` would read it), False
        (nothing changed) when it needs `feed`'s tests: a new form or header, the total, a
        shifted or split row."""
        if not first or not self.ind_rows_seen:
            return False
        label = first.replace(" ", "")
        if "自评表" in label or label.startswith(("项目名称", "总分", "合计", "总计")):
            return False
        joined = "".join(clean)
        if ("一" in joined and _is_indicator_header(clean)) or "主管部门" in joined or "实施单位" in joined:
            return False
        if not fits_as_printed(self._geometry(), texts):
            return False
        return self._plain_row(row, clean, dispatched=True)

    def _plain_row(self, row: Row, clean: list[str], dispatched: bool = False) -> bool:
        """An indicator row as most are printed: its cells under their header columns (no
        shift), its name in the 三级指标 column, labels left of it, nothing pending from the rows
        before. Read here without the general placement; the labels go through `_apply_labels`
        as on the general path, so the result is the same. False (nothing changed) when the row
        needs the general path."""
        plan = self._row_plan()
        p = self.pending
        if plan is None or p.name_row is not None or p.deviation is not None:
            return False
        found = plain_cells(row.texts(), clean, plan)
        if found is None:
            return False
        labels, j, name_text = found
        if dispatched:  # what feed and _indicator_row do before they place the row
            self.last_row = row
            self.ind_rows_seen += 1
            self._shift_of = (row, 0)
        explicit = self._apply_labels(row, labels)
        self.form.indicators.append(plain_indicator_of(p.l1, p.l2, name_text, row.cell_loc(j), clean, plan[3],
                                                       row.loc, row.cell_loc))
        p.explicit.append(explicit)
        self.ind_extra.append({})
        return True

    def _unknown_labels(self, row: Row, others: list[tuple[int, str]], shift: int) -> None:
        """Texts left of the name that the taxonomy does not know: a 一级 or 二级 of another
        framework (项目产出 / 产出数量), by the column they stand in."""
        p = self.pending
        for j, t in others:
            f = self.ind_cols.get(j - shift)
            if f == "level1":
                if p.l1 is None or p.l1.text != t:
                    p.l2 = None
                p.l1 = Text(t, row.cell_loc(j))
            elif f == "level2" or (p.l2 is None and (j, t) == others[-1]):
                p.l2 = Text(t, row.cell_loc(j))

    def _subtotal_row(self, row: Row, labels, wgt: str, scr: str) -> None:
        """A row with labels and a weight but no indicator (产出指标 | | | 50 | 48): the subtotal
        of a block, not an indicator."""
        self._apply_labels(row, labels)
        what = "、".join(name for _, _, name, _ in labels) or "（无标签）"
        self.form.extra.setdefault("subtotals", []).append({"labels": what, "weight": wgt, "score": scr})
        self.repair("subtotal-row", f"“{what}”行只有分值 {wgt}、得分 {scr or '—'}，是小计行，不计为指标", row)

    def _apply_labels(self, row: Row, labels: list[tuple[int, int, str, str | None]]) -> bool:
        """Update the current 一级/二级 from the labels on a row; True when a label was printed."""
        if not labels:
            return False
        p = self.pending
        l1s = [(j, name) for j, lvl, name, _ in labels if lvl == 1]
        l2s = [(j, name) for j, lvl, name, _ in labels if lvl == 2]
        for _, lvl, name, points in labels:
            if points is not None and lvl == 1:  # 产出指标(50分): the block's points, as printed
                self.form.extra.setdefault("level1_points", {})[name] = points
        if len(l1s) >= 2 and not l2s and l1s[-1][1] == "满意度指标":
            # '满意度指标' used as the 二级 name means 服务对象满意度指标
            l2s = [(l1s[-1][0], "服务对象满意度指标")]
            l1s = l1s[:-1]
        if not labels:
            return False
        if l1s:
            j, name = l1s[0]
            if p.l1 is None or p.l1.text != name:
                p.l2 = None
            p.l1 = Text(name, row.cell_loc(j))
            self._backfill(row, "level1", p.l1)
            if name == "满意度指标":
                self._pull_satisfaction_rows(row)
        if l2s:
            j, name = l2s[-1]
            # 成本指标 followed by its own 二级 is a 一级 (central 2021 framework)
            if len(l2s) >= 2 and taxonomy.parent_of(name) == "成本指标" and l2s[0][1] == "成本指标":
                p.l1 = Text("成本指标", row.cell_loc(l2s[0][0]))
            p.l2 = Text(name, row.cell_loc(j))
            self._backfill(row, "level2", p.l2)
            parent = taxonomy.parent_of(name)
            if not l1s and parent and (p.l1 is None or name not in taxonomy.KNOWN.get(p.l1.text, ())):
                old = p.l1.text if p.l1 else "（无）"
                p.l1 = Text(parent, None)
                self.repair("infer-level1", f"二级指标“{name}”所在行缺少一级指标（原为{old}），按指标体系推定为“{parent}”", row)
                if parent == "满意度指标":
                    self._pull_satisfaction_rows(row)
            if l1s == [] and "level1" in self.ind_hdr and j <= self.ind_hdr["level1"] + self._row_shift_hint(row):
                self.repair("move-cell", f"二级指标“{name}”印在一级指标列，已按指标体系识别", row)
        return True

    def _backfill(self, row: Row, level: str, label: Text) -> None:
        """A merged label printed in the middle of its group (its text centred in the merged
        cell) also names the rows above it that have no label of that level yet."""
        inds = self.form.indicators
        k = len(inds)
        while k > 0 and not getattr(inds[k - 1], level).text:
            if level == "level2" and inds[k - 1].level1.text not in ("", self.pending.l1.text if self.pending.l1 else ""):
                break
            k -= 1
        if k == len(inds):
            return
        for ind in inds[k:]:
            setattr(ind, level, Text(label.text, label.loc))
        what = "一级" if level == "level1" else "二级"
        self.repair("label-after-rows", f"{what}指标“{label.text}”印在其所辖各行的中间，已补到上面 {len(inds) - k} 行", row)

    def _row_shift_hint(self, row: Row) -> int:
        if self._shift_of is not None and self._shift_of[0] is row:
            return self._shift_of[1]
        return self._best_shift(row)[0]

    def _pull_satisfaction_rows(self, row: Row) -> None:
        """Satisfaction rows printed just before their 满意度指标 label belong to it."""
        inds = self.form.indicators
        k = len(inds) - 1
        moved = []
        while k >= 0 and not self.pending.explicit[k] and "满意" in inds[k].name.text and inds[k].level1.text != "满意度指标":
            moved.append(k)
            k -= 1
        for k in moved:
            inds[k].level1 = Text("满意度指标", None)
            inds[k].level2 = Text("服务对象满意度指标", None)
            self.repair(
                "move-satisfaction-row",
                f"满意度指标行“{inds[k].name.text}”印在“满意度指标”标签之前，已归入满意度指标",
                Row(cells=[], loc=inds[k].loc or row.loc),
                row,
            )

    def _row_without_values(self, row: Row, labels, names, dev: str, texts: list[str], shift: int) -> None:
        p = self.pending
        hdr = self.ind_hdr
        dev_col = hdr.get("deviation")
        cols = self.ind_cols
        nonempty = [(j, t) for j, t in enumerate(texts) if t and cols.get(j) != "ignore"]
        if not nonempty:
            return
        if all((cols.get(j) or "").startswith("extra:") for j, _ in nonempty):
            # the wrapped end of an extra column's text (佐证资料…): it belongs to the row above
            if self.ind_extra:
                for j, t in nonempty:
                    key = cols[j][6:]
                    self.ind_extra[-1][key] = self.ind_extra[-1].get(key, "") + t
            return
        # text standing in the deviation column (or right of the score) is a deviation fragment
        if dev_col is not None and all(j >= dev_col and not (cols.get(j) or "").startswith("extra:")
                                       for j, _ in nonempty):
            frag = "".join(t for _, t in nonempty)
            prev = self.form.indicators[-1] if self.form.indicators else None
            if prev is not None and prev.deviation.text and not prev.deviation.text.endswith(_TERMINAL):
                prev.deviation.text += frag
                self.repair("join-deviation", "偏差原因分析被拆成两行，已合并", Row([], prev.loc or row.loc), row)
            else:
                p.deviation = (frag, row)
            return
        if labels and not names:
            self._apply_labels(row, labels)
            return
        if names:
            if labels:
                self._apply_labels(row, labels)
            name = names[-1][1]
            prev = self.form.indicators[-1] if self.form.indicators else None
            if prev is not None and not prev.name.text:
                prev.name = Text(name, row.cell_loc(names[-1][0]))
                self.repair("join-name-row", f"指标名称“{name}”印在数值行之后，已与上一行的数值合并", Row([], prev.loc or row.loc), row)
            else:
                p.name_row = (name, row)

    # -- total ---------------------------------------------------------------------------------
    def _total_row(self, row: Row) -> None:
        """总分 | … | 100 | 97.5 (see read_total)."""
        self.saw_total_row = True
        self.form.total = read_total(row.texts(), self.ind_hdr.get("weight"), self.ind_hdr.get("score"), row.loc,
                                     row.cell_loc)

    # -- parent rows -------------------------------------------------------------------------
    def _drop_parent_rows(self) -> None:
        """Rows whose weight is the sum of the rows under them (一、/1、/★ parents, 其中 children)
        are headings with subtotals, not indicators: counting them would count points twice.

        Found from the bottom up, so that a parent of parents sees its direct children only
        after the children's own parents are gone."""
        inds = self.form.indicators
        k = len(inds) - 2
        while k >= 0:
            children = _children_of(inds, k)
            if children:
                parent = inds[k]
                del inds[k]
                del self.ind_extra[k]
                del self.pending.explicit[k]
                first = inds[k]
                stripped = _CHILD_PREFIX.sub("", first.name.text)
                if stripped and stripped != first.name.text:
                    first.name.text = stripped
                self.form.extra.setdefault("parent_rows", []).append(
                    {"name": parent.name.text, "weight": parent.weight.text, "score": parent.score.text}
                )
                self.repair(
                    "parent-row",
                    f"“{parent.name.text}”的分值 {parent.weight.text} 等于其下 {children} 行之和，是汇总行，不计为指标",
                    Row([], parent.loc or self.last_row.loc),
                )
            k -= 1

    # -- end -----------------------------------------------------------------------------------
    def finish(self) -> Form:
        f = self.form
        where = self.last_row.loc
        missing = []
        if not f.project.text:
            missing.append("项目名称")
        if not self.saw_funds_header:
            missing.append("项目资金表头（年初预算数/全年预算数/全年执行数…）")
        elif f.funds.total.annual_budget.value is None and f.funds.total.executed.value is None:
            missing.append("年度资金总额行")
        if not self.ind_hdr:
            missing.append("绩效指标表头（一级指标/二级指标/三级指标…）")
        elif not f.indicators:
            missing.append("绩效指标行")
        if missing:
            start = f.source.line if f.source else None
            raise ReadError(
                f"自评表“{f.project.text or '（无项目名称）'}”（自第{start}行起）不完整，读到第{where.line}行为止，缺少："
                + "、".join(missing),
                Loc(file=where.file, line=where.line, sheet=where.sheet),
            )
        if self.pending.name_row is not None:
            name, prow = self.pending.name_row
            self.repair("orphan-row", f"第{prow.loc.line}行的指标名称“{name}”找不到对应的数值行，已忽略", prow)
        if self.pending.deviation is not None:
            frag, frow = self.pending.deviation
            if f.indicators:
                f.indicators[-1].deviation.text += frag
                self.repair("join-deviation", "偏差原因分析被拆成两行，已合并", frow)
        self._drop_parent_rows()
        if any(self.ind_extra):
            f.extra["indicator_columns"] = [dict(x) for x in self.ind_extra]
        for ind in f.indicators:
            if not ind.name.text:
                self.repair("missing-name", "指标行缺少三级指标名称", Row([], ind.loc or where))
        if not self.saw_total_row:
            scores = [i.score.value for i in f.indicators]
            weights = [i.weight.value for i in f.indicators]
            if all(s is not None for s in scores) and f.funds.total.score.value is not None:
                total_score = f.funds.total.score.value + sum([s for s in scores if s is not None], Decimal(0))
                total_weight = (f.funds.total.weight.value or Decimal(0)) + sum(
                    [w for w in weights if w is not None], Decimal(0))
                f.total = Total(
                    weight=Amount(text=str(total_weight), value=total_weight),
                    score=Amount(text=str(round2(total_score).normalize()), value=total_score),
                    inferred=True,
                )
                self.repair(
                    "infer-total",
                    f"缺少“总分”行（表格在第{where.line}行结束），总分按执行得分与各指标得分之和推算为 {total_score}",
                    self.last_row,
                )
            else:
                self.repair("missing-total", f"缺少“总分”行（表格在第{where.line}行结束）", self.last_row)
        return f


_PARENT_MARKS: Final = (("cn", re.compile(r"^[一二三四五六七八九十]+[、.．]")), ("num", re.compile(r"^\d+[、.．](?!\d)")),
                 ("star", re.compile(r"^[★☆]")))
_CHILD_MARK: Final = re.compile(r"^(?:其中|[（(]\d+[)）]|\d+\.\d+|[①-⑳]|[-—－]\s*)")
_CHILD_PREFIX: Final = re.compile(r"^其中[:：]?\s*")


def _numbering(name: str) -> str | None:
    if name in _NUMBERING:
        return _NUMBERING[name]
    return remember(_NUMBERING, name, _numbering_of(name))


def _numbering_of(name: str) -> str | None:
    for style, pattern in _PARENT_MARKS:
        if pattern.match(name):
            return style
    return None


def _child_marked(name: str) -> bool:
    marked = _CHILD_MARKED.get(name)
    if marked is None:
        marked = remember(_CHILD_MARKED, name, bool(_CHILD_MARK.match(name)))
    return marked


def _children_of(inds: list[Indicator], k: int) -> int:
    """How many rows after row k make up row k's weight (and score), when row k is marked as a
    parent or the row after it as a child; 0 when row k is an ordinary indicator."""
    parent = inds[k]
    w = parent.weight.value
    if w is None or w <= 0 or k + 1 >= len(inds):
        return 0
    style = _numbering(parent.name.text)
    child_marked = _child_marked(inds[k + 1].name.text)
    if not child_marked:
        # 一、 or 1、 before rows numbered another way; ★ alone marks a core indicator, and
        # 1、 followed by 2、 is a numbered list of siblings
        if style is None or style == "star" or _numbering(inds[k + 1].name.text) == style:
            return 0
    total = Decimal(0)
    scores = Decimal(0)
    for j in range(k + 1, len(inds)):
        child = inds[j]
        if child.weight.value is None or child.level1.text != parent.level1.text:
            return 0
        total += child.weight.value
        if child.score.value is not None:
            scores += child.score.value
        if total == w:
            n = j - k
            if (n >= 2 or child_marked) and (parent.score.value is None or parent.score.value == scores):
                return n
            return 0
        if total > w:
            return 0
    return 0


def _starts_form(row: Row) -> bool:
    return _first_starts_form(_first(row)[1])


def _first_starts_form(first: str) -> bool:
    """Whether a row whose first non-empty (cleaned) text is `first` opens a new form."""
    t = first.replace(" ", "")
    return "绩效自评表" in t or t.endswith("自评表")


def _starts_project(row: Row) -> bool:
    i, t = _first(row)
    return t.replace(" ", "").startswith("项目名称")


def recognize(grid: Grid) -> tuple[list[Form], list[ReadError]]:
    """All forms in a grid, and an error for each form that could not be read."""
    forms: list[Form] = []
    errors: list[ReadError] = []
    builder: _FormBuilder | None = None

    def close() -> None:
        nonlocal builder
        if builder is None:
            return
        try:
            forms.append(builder.finish())
        except ReadError as e:
            errors.append(e)
        builder = None

    for row in grid.rows:
        # Each row's cells are cleaned once here and the texts handed to every test below:
        # the form-start tests and the builder all look at the same cleaned texts.
        # Empty cells (most of a text row) skip the cache lookup: clean_text("") is "".
        texts = row.texts()
        clean = [clean_text(t) if t else "" for t in texts]
        first = next(filter(None, clean), "")
        if builder is not None:
            section = builder.section
            if section == "indicators":
                if builder.plain_indicator(row, texts, clean, first):
                    continue
            elif section == "funds" and builder.plain_funds(row, clean, first):
                continue
        if _first_starts_form(first):
            if builder is None or builder.section != "header" or builder.form.project.text:
                close()
                builder = _FormBuilder(grid.source, row)
        elif first.replace(" ", "").startswith("项目名称") and (builder is None or builder.form.project.text):
            close()
            builder = _FormBuilder(grid.source, row)
        if builder is None:
            continue
        try:
            builder.feed(row, clean, first)
        except ReadError as e:
            errors.append(e)
            builder = None
    close()
    return forms, errors
