"""The cell a reader makes for a position covered by a merged range."""

from __future__ import annotations

from ..grid import RowCell
from ..model import Loc


def covered_cell(row: Loc, col: int) -> RowCell:
    """An empty cell inside a merged range (`merged=True`), its location made from its row's on
    first use: equal to, and printed as, Cell(text="", loc=…, merged=True)."""
    cell = RowCell("", row, col)
    cell.merged = True
    return cell


def merge_maps(ranges, max_rows: int, max_cols: int) -> tuple[dict[int, dict[int, tuple[int, int]]], dict[int, set[int]]]:
    """Merged ranges (min_row, min_col, max_row, max_col: 1-based, inclusive) → the span of each
    range's top-left cell {row: {col: (rows, cols)}} and the positions the ranges cover other
    than their top-left cells {row: {col, …}}, both within the first max_rows × max_cols."""
    spans: dict[int, dict[int, tuple[int, int]]] = {}
    covered: dict[int, set[int]] = {}
    for r0, c0, r1, c1 in ranges:
        if r0 > max_rows or c0 > max_cols:
            continue
        spans.setdefault(r0, {})[c0] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, min(r1, max_rows) + 1):
            covered.setdefault(r, set()).update(c for c in range(c0, min(c1, max_cols) + 1) if (r, c) != (r0, c0))
    return spans, covered
