"""HTML tables (what PDF-to-text tools and many finance systems' "Excel" exports produce), with
the standard library's html.parser.

`rowspan`/`colspan` are expanded into merged cells (text in the top-left cell, the rest empty
with `merged=True`), so the recogniser sees the same grid as from a spreadsheet. Text outside
tables (a title, `项目名称：…` in a paragraph) becomes rows of one cell each, in document order.
Sloppy HTML is expected: a `<td>` or `<tr>` left open is closed by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..grid import Cell, Grid, Row
from ..model import Loc
from .text import read_decoded

MAX_SPAN = 1000  # a rowspan/colspan beyond this is damage, not a form

_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "blockquote", "pre", "hr", "caption", "title", "dt", "dd", "center", "body", "html",
}
_SKIP = {"script", "style", "head"}


@dataclass
class _Cell:
    text: list[str]
    rowspan: int
    colspan: int
    line: int


@dataclass
class _Table:
    line: int
    rows: list[tuple[int, list[_Cell]]] = field(default_factory=list)  # (source line, cells)
    row: list[_Cell] | None = None
    row_line: int = 0
    cell: _Cell | None = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


class _Parser(HTMLParser):
    def __init__(self, name: str, line_offset: int = 0):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.first_line = line_offset
        self.rows: list[Row] = []
        self.tables: list[_Table] = []
        self.nested = 0  # tables inside a cell: their text joins the cell
        self.skip = 0
        self.caption = False
        self.text: list[str] = []
        self.text_line = 0
        self.blank = False

    def line(self) -> int:
        return self.getpos()[0] + self.first_line

    # -- text outside tables --------------------------------------------------------------------
    def flush_text(self) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        if text:
            line = self.text_line
            self.rows.append(Row(cells=[Cell(text=text, loc=Loc(file=self.name, line=line, col=1))],
                                 loc=Loc(file=self.name, line=line), blank_before=self.blank))
            self.blank = False

    # -- tables ---------------------------------------------------------------------------------
    def close_cell(self, t: _Table) -> None:
        if t.cell is not None:
            if t.row is None:
                t.row, t.row_line = [], t.cell.line
            t.row.append(t.cell)
            t.cell = None

    def close_row(self, t: _Table) -> None:
        self.close_cell(t)
        if t.row is not None:
            t.rows.append((t.row_line, t.row))
            t.row = None

    def emit_table(self, t: _Table) -> None:
        self.close_row(t)
        grid: dict[tuple[int, int], tuple[str, tuple[int, int]] | None] = {}  # None: covered
        n_rows = len(t.rows)
        for r, (_, cells) in enumerate(t.rows):
            c = 0
            for cell in cells:
                while (r, c) in grid:
                    c += 1
                rows = min(cell.rowspan, n_rows - r)
                grid[(r, c)] = ("".join(cell.text).strip(), (rows, cell.colspan))
                for dr in range(rows):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            grid.setdefault((r + dr, c + dc), None)
                c += cell.colspan
        width: dict[int, int] = {}
        for r, c in grid:
            width[r] = max(width.get(r, 0), c + 1)
        for r, (line, _) in enumerate(t.rows):
            out = []
            for c in range(width.get(r, 0)):
                loc = Loc(file=self.name, line=line, col=c + 1)
                entry = grid.get((r, c), ("", (1, 1)))
                if entry is None:
                    out.append(Cell(text="", loc=loc, merged=True))
                else:
                    out.append(Cell(text=entry[0], loc=loc, span=entry[1]))
            if any(cell.text for cell in out):
                self.rows.append(Row(cells=out, loc=Loc(file=self.name, line=line), blank_before=self.blank or r == 0))
                self.blank = False

    # -- parser callbacks -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        t = self.tables[-1] if self.tables else None
        in_cell = t is not None and t.cell is not None
        if tag == "table":
            if in_cell:
                self.nested += 1
                return
            self.flush_text()
            self.tables.append(_Table(line=self.line()))
            return
        if tag == "caption" and t is not None and t.cell is None:
            self.caption = True  # a table's caption (often the form's title) reads as a text row
            return
        if self.nested:
            if tag in ("tr", "br", "p", "div"):
                t.cell.text.append("\n")
            elif tag in ("td", "th"):
                t.cell.text.append(" ")
            return
        if t is not None and tag == "tr":
            self.close_row(t)
            t.row, t.row_line = [], self.line()
        elif t is not None and tag in ("td", "th"):
            self.close_cell(t)
            a = dict(attrs)
            t.cell = _Cell(text=[], rowspan=_span(a.get("rowspan")), colspan=_span(a.get("colspan")), line=self.line())
        elif tag == "br" or tag in _BLOCKS:
            if in_cell:
                t.cell.text.append("\n")
            elif t is None:
                self.flush_text()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" or tag == "hr":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        t = self.tables[-1] if self.tables else None
        if tag == "caption" and self.caption:
            self.caption = False
            self.flush_text()
            return
        if tag == "table":
            if self.nested:
                self.nested -= 1
                return
            if t is not None:
                self.tables.pop()
                self.emit_table(t)
            return
        if self.nested or t is None:
            if t is None and tag in _BLOCKS:
                self.flush_text()
            return
        if tag in ("td", "th"):
            self.close_cell(t)
        elif tag == "tr":
            self.close_row(t)
        elif tag in _BLOCKS and t.cell is not None:
            t.cell.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        t = self.tables[-1] if self.tables else None
        if t is not None and not self.caption:
            if t.cell is not None:
                t.cell.text.append(" ".join(data.split("\n")))  # source line breaks are spaces in HTML
            return  # stray text between cells
        if not self.text:
            if not data.strip():
                return
            self.text_line = self.line()
        self.text.append(data)

    def finish(self) -> list[Row]:
        self.close()
        while self.tables:
            self.emit_table(self.tables.pop())
        self.flush_text()
        return self.rows


def rows_from_html(text: str, name: str, line_offset: int = 0) -> list[Row]:
    parser = _Parser(name, line_offset)
    parser.feed(text)
    return parser.finish()


def read_html(path: Path) -> list[Grid]:
    name = str(path)
    return [Grid(source=name, rows=rows_from_html(read_decoded(path), name))]
