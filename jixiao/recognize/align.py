"""Row alignment: which shift puts a data row's cells under the header columns they belong to.

After a page break a PDF drops the merged leading column, so every later row starts one cell
further left (or right, when a label cell is repeated). A row is tried at shifts 0, ±1, ±2 and
scored by how well its cells fit their columns: numbers under 分值/得分, quantities under
年度指标值/实际完成值, no labels there, nothing beyond the last column. What a cell is (number,
label, quantity) depends on its text alone and the fit on those kinds alone, so both are cached:
rows of a table share a handful of patterns.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .cells import BLANK, LABEL, MONEY, NUMBER, PERCENT, QUANTITY
from .vocab import VALUE_FIELDS, HeaderMap

SHIFTS = (0, -1, 1, -2, 2)  # in order of preference: between fits as good, the first wins


class Geometry(NamedTuple):
    """The indicator header's columns as alignment uses them, worked out once per header."""

    first: int  # first value column
    last: int  # last headed column
    weight: int | None
    score: int | None
    target: int | None
    actual: int | None


def geometry(hdr: HeaderMap) -> Geometry:
    """The geometry of an indicator header."""
    fields, cols = hdr
    value_cols = [c for f, c in fields.items() if f in VALUE_FIELDS]
    first = min(value_cols) if value_cols else 0
    last = max(cols) if cols else max(value_cols, default=0)
    return Geometry(first, last, fields.get("weight"), fields.get("score"), fields.get("target"),
                    fields.get("actual"))


class Fit(NamedTuple):
    shift: int
    score: int  # above 0 when the row carries values where its header says


@lru_cache(maxsize=4096)
def indicator_fit(g: Geometry, kinds: tuple[int, ...]) -> Fit:
    """The shift that fits an indicator row (its cells' kinds) to the header best. Only a number
    under 分值/得分 or a quantity under 年度指标值/实际完成值 anchors a row: a name or a label alone
    never decides the alignment, and a row with no anchor at any shift has fit 0."""
    n = len(kinds)
    filled = [j for j, k in enumerate(kinds) if k]
    best = Fit(0, 0)
    no_points = g.weight is None and g.score is None  # a table without 分值/得分: any text anchors
    for s in SHIFTS:
        score = 0
        anchored = False
        # as printed, text under both 年度指标值 and 实际完成值 (健全 | 基本健全) is a row of values
        # whose points are elsewhere (one 分值/得分 merged down over its 二级 group)
        texts = s == 0 and all(col is not None and col < n and kinds[col] and not kinds[col] & LABEL
                               for col in (g.target, g.actual))
        for col in (g.weight, g.score):
            j = col + s if col is not None else -1
            k = kinds[j] if 0 <= j < n else 0
            if k:
                if k & NUMBER:
                    score += 3
                    anchored = True
                else:
                    score -= 4
        for col in (g.target, g.actual):
            j = col + s if col is not None else -1
            k = kinds[j] if 0 <= j < n else 0
            if not k:
                continue
            if k & LABEL:
                score -= 4
            elif k & QUANTITY:
                score += 2
                anchored = True
            elif anchored or no_points or texts:
                score += 1
                anchored = True
        if not anchored:
            continue
        beyond = max(g.last + s + 1, 0)
        score -= 2 * sum(1 for j in filled if j >= beyond)
        if s == 0:
            score += 1  # between fits as good, the columns as printed win (a blank 得分 is no shift)
        if score > best.score:
            best = Fit(s, score)
    return best


@lru_cache(maxsize=1024)
def funds_shift(hdr: tuple[tuple[str, int], ...], label_col: int, kinds: tuple[int, ...]) -> int:
    """The shift that fits a funds row (its label's column, its cells' kinds) to the funds header
    (its (field, column) pairs) best: amounts under the amount columns, a rate under 执行率, the
    label never inside the value columns."""
    n = len(kinds)
    first_col = min(col for _, col in hdr)
    best, best_score = 0, None
    for s in SHIFTS:
        score = 0
        if label_col >= first_col + s:
            continue
        for fname, col in hdr:
            j = col + s
            k = kinds[j] if 0 <= j < n else 0
            if not k:
                continue
            if fname == "rate":
                score += 2 if k & (PERCENT | NUMBER) else -3
            else:
                score += 2 if k & (NUMBER | MONEY | BLANK) else -3
                if k & PERCENT:
                    score -= 3
        if best_score is None or score > best_score:
            best, best_score = s, score
    return best
