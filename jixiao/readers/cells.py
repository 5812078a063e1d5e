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
