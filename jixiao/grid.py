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


class Cell:
    """One cell: its text and where it came from.

    `loc` is made on first use when the cell was built by `RowCell` from its row's location and
    its column: a text file has ~2,000 cells per form, most of them empty, and the recogniser
    asks for the location of only the few that become values. Built with a `loc`, a cell keeps
    that one. Equality and repr are those of the dataclass this used to be.
    """

    __slots__ = ("text", "_loc", "merged", "span", "bbox", "_row", "_col")

    def __init__(self, text: str, loc: Loc | None, merged: bool = False, span: tuple[int, int] = (1, 1),
                 bbox: tuple[float, float, float, float] | None = None):
        self.text = text
        self._loc = loc
        self.merged = merged  # covered by a merged range whose text sits in another cell
        self.span = span  # (rows, cols) for the top-left cell of a merged range
        self.bbox = bbox  # PDF geometry (x0, top, x1, bottom)
        self._row = None

    @property
    def loc(self) -> Loc | None:
        loc = self._loc
        if loc is None and self._row is not None:
            r = self._row
            loc = self._loc = Loc(r.file, r.line, self._col, r.sheet)  # made once, then kept
        return loc

    @loc.setter
    def loc(self, value: Loc | None) -> None:
        self._loc = value
        self._row = None

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ and not isinstance(other, Cell):
            return NotImplemented
        return (self.text, self.loc, self.merged, self.span, self.bbox) == (
            other.text, other.loc, other.merged, other.span, other.bbox)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (f"Cell(text={self.text!r}, loc={self.loc!r}, merged={self.merged!r}, span={self.span!r}, "
                f"bbox={self.bbox!r})")


class RowCell(Cell):
    """A plain cell (not merged, no geometry) whose `loc` is its row's location plus its 1-based
    column, made only when asked for: one object per cell instead of two."""

    __slots__ = ()

    def __init__(self, text: str, row: Loc, col: int):  # noqa: super().__init__ skipped: hot path
        self.text = text
        self._loc = None
        self.merged = False
        self.span = (1, 1)
        self.bbox = None
        self._row = row
        self._col = col


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    loc: Loc  # the row itself (file, sheet/page, line/row)
    blank_before: bool = False  # a blank line or a page break came before this row

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def cell_loc(self, i: int) -> Loc | None:
        """The location of cell `i` (0-based) of this row."""
        return self.cells[i].loc


class TextRow(Row):
    """A row of a text file, kept as its cell texts: the `Cell` objects are made only if the
    recogniser asks for them, and a cell's location is made from the row's.

    A text form is ~200 cells, and the recogniser reads nearly every row through `texts()` and
    `cell_loc()` alone; making a Cell per cell up front was a fifth of the time of reading one.
    """

    __slots__ = ("_texts", "_cells")

    def __init__(self, texts: list[str], loc: Loc, blank_before: bool = False):  # noqa: no super(): hot path
        self._texts = texts
        self._cells = None
        self.loc = loc
        self.blank_before = blank_before

    @property
    def cells(self) -> list[Cell]:  # type: ignore[override]
        cells = self._cells
        if cells is None:
            loc = self.loc
            cells = self._cells = [RowCell(t, loc, i) for i, t in enumerate(self._texts, 1)]
        return cells

    @cells.setter
    def cells(self, value: list[Cell]) -> None:
        self._cells = value
        self._texts = [c.text for c in value]

    def texts(self) -> list[str]:
        """The cell texts (the row's own list: callers read it, never change it)."""
        if self._cells is not None:
            return [c.text for c in self._cells]
        return self._texts

    def cell_loc(self, i: int) -> Loc | None:
        if self._cells is not None:
            return self._cells[i].loc
        loc = self.loc
        return Loc(loc.file, loc.line, i + 1, loc.sheet)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return (self.cells, self.loc, self.blank_before) == (other.cells, other.loc, other.blank_before)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row(cells={self.cells!r}, loc={self.loc!r}, blank_before={self.blank_before!r})"


@dataclass(slots=True)
class Grid:
    """One table (or a whole text file) of rows, with the name of the file it came from."""

    source: str
    rows: list[Row] = field(default_factory=list)
    sheet: str | None = None
    # Problems met while reading that do not stop the grid from being read (a scanned page in a
    # PDF, cells beyond the size limits); read_forms reports them with the forms it finds.
    problems: list[ReadError] = field(default_factory=list)
    # Cells read by OCR (readers/ocr/): the recogniser's confidence (0–1) by (sheet, line, col);
    # read_forms copies the confidence of each number a form uses into the form.
    confidence: dict[tuple[str | None, int | None, int | None], float] = field(default_factory=dict)
