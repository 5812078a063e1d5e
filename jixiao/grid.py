"""Grids of cells: what every format-specific reader hands to the recogniser.

A text file gives one row per line with cells split on tabs; a sheet gives its rows; a Word or
PDF table its rows. Merged cells keep their text in the top-left cell only (the others are empty
strings with `merged=True`), which is also what PDF-to-text tools leave behind, so one recogniser
serves every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ReadError
from .model import Loc


@dataclass(slots=True)
class Cell:
    text: str
    loc: Loc
    merged: bool = False  # covered by a merged range whose text sits in another cell
    span: tuple[int, int] = (1, 1)  # (rows, cols) for the top-left cell of a merged range
    bbox: tuple[float, float, float, float] | None = None  # PDF geometry (x0, top, x1, bottom)


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    loc: Loc  # the row itself (file, sheet/page, line/row)
    blank_before: bool = False  # a blank line or a page break came before this row

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(slots=True)
class Grid:
    """One table (or a whole text file) of rows, with the name of the file it came from."""

    source: str
    rows: list[Row] = field(default_factory=list)
    sheet: str | None = None
    # Problems met while reading that do not stop the grid from being read (a scanned page in a
    # PDF, cells beyond the size limits); read_forms reports them with the forms it finds.
    problems: list[ReadError] = field(default_factory=list)
