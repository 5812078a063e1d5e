"""HTML tables (what PDF-to-text tools and many finance systems' "Excel" exports produce), parsed
with lxml.html (libxml2's HTML parser, which closes a `<td>` or `<tr>` left open at the next one,
as browsers do).

`rowspan`/`colspan` are expanded into merged cells (text in the top-left cell, the rest empty
with `merged=True`), so the recogniser sees the same grid as from a spreadsheet. Text outside
tables (a title, `项目名称：…` in a paragraph, a table's caption) becomes rows of one cell each,
in document order; a table inside a cell joins that cell's text. Locations are source lines.
The file is decoded as text files are (`text.read_decoded`: UTF-8, else GB18030), so a
`<meta charset>` that does not match the bytes does not garble the text.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ..grid import Cell, Grid, Row
from ..model import Loc
from .text import read_decoded

MAX_SPAN = 1000  # a rowspan/colspan beyond this is damage, not a form

_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "blockquote", "pre", "hr", "caption", "title", "dt", "dd", "center", "body", "html",
}
_SKIP = {"script", "style", "head"}
_SECTIONS = {"thead", "tbody", "tfoot"}
_HTML_END = re.compile(r"</html\s*>", re.I)
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def _source_text(text: str | None) -> str:
    """Text as HTML shows it: a line break in the source is a space."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ") if text else ""


def _end_line(el) -> int:
    """The source line an element ends on: its last descendant's line, plus the line breaks of
    the text that follows that descendant inside the element."""
    last = el
    for last in el.iter():
        pass
    line = (last.sourceline or 0) + (last.text or "").count("\n")
    node = last
    while node is not el:
        line += (node.tail or "").count("\n")
        node = node.getparent()
    return line


class _Reader:
    def __init__(self, name: str, line_offset: int):
        self.name = name
        self.offset = line_offset
        self.rows: list[Row] = []
        self.text: list[str] = []  # text outside tables not yet made a row
        self.text_line = 0

    # -- text outside tables --------------------------------------------------------------------
    def add_text(self, text: str | None, line: int) -> None:
        """Text outside tables; `line` is the line the text starts on."""
        if not text:
            return
        if not self.text and text.strip():
            self.text_line = line + text[:len(text) - len(text.lstrip())].count("\n")
        if self.text or text.strip():
            self.text.append(text)

    def flush(self) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        if text:
            line = self.text_line + self.offset
            self.rows.append(Row(cells=[Cell(text=text, loc=Loc(file=self.name, line=line, col=1))],
                                 loc=Loc(file=self.name, line=line)))

    def flow(self, el) -> None:
        """An element outside tables: its text, its children in order, tables as tables."""
        self.add_text(el.text, el.sourceline or 0)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _SKIP:
                pass
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag in _BLOCKS or tag == "br":
                self.flush()
                self.flow(child)
                self.flush()
            else:
                self.flow(child)
            self.add_text(child.tail, _end_line(child))

    # -- tables ---------------------------------------------------------------------------------
    def table(self, table) -> None:
        rows: list[tuple[int, list]] = []  # (source line, [td or th])
        loose: list = []  # cells directly in the table or a section, outside any <tr>

        def close_loose() -> None:
            if loose:
                rows.append((loose[0].sourceline or 0, loose[:]))
                loose.clear()

        def section(parent) -> None:
            for child in parent:
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag == "tr":
                    close_loose()
                    rows.append((child.sourceline or 0, [c for c in child if c.tag in ("td", "th")]))
                elif tag in ("td", "th"):
                    loose.append(child)
                elif tag in _SECTIONS:
                    close_loose()
                    section(child)
                elif tag == "caption":  # a table's caption (often the form's title) reads as a text row
                    self.flow(child)
                    self.flush()
            close_loose()

        section(table)
        self.emit(rows)

    def emit(self, rows: list[tuple[int, list]]) -> None:
        grid: dict[tuple[int, int], tuple[str, tuple[int, int]] | None] = {}  # None: covered
        n_rows = len(rows)
        for r, (_, cells) in enumerate(rows):
            c = 0
            for td in cells:
                while (r, c) in grid:
                    c += 1
                height = min(_span(td.get("rowspan")), n_rows - r)
                width = _span(td.get("colspan"))
                grid[(r, c)] = (_cell_text(td), (height, width))
                for dr in range(height):
                    for dc in range(width):
                        if dr or dc:
                            grid.setdefault((r + dr, c + dc), None)
                c += width
        widths: dict[int, int] = {}
        for r, c in grid:
            widths[r] = max(widths.get(r, 0), c + 1)
        for r, (line, _) in enumerate(rows):
            line += self.offset
            out = []
            for c in range(widths.get(r, 0)):
                loc = Loc(file=self.name, line=line, col=c + 1)
                entry = grid.get((r, c), ("", (1, 1)))
                if entry is None:
                    out.append(Cell(text="", loc=loc, merged=True))
                else:
                    out.append(Cell(text=entry[0], loc=loc, span=entry[1]))
            if any(cell.text for cell in out):
                self.rows.append(Row(cells=out, loc=Loc(file=self.name, line=line), blank_before=r == 0))


def _cell_text(td) -> str:
    """A cell's text: `<br>` and block elements are line breaks; a table inside the cell gives
    its text with a line break between rows and a space between cells."""
    parts: list[str] = []

    def walk(el, nested: bool) -> None:
        parts.append(_source_text(el.text))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _SKIP:
                pass
            elif nested or tag == "table":
                if tag in ("tr", "br", "p", "div"):
                    parts.append("\n")
                elif tag in ("td", "th"):
                    parts.append(" ")
                walk(child, True)
            elif tag == "br":
                parts.append("\n")
            elif tag in _BLOCKS:
                parts.append("\n")
                walk(child, False)
                parts.append("\n")
            else:
                walk(child, False)
            parts.append(_source_text(child.tail))

    walk(td, False)
    return "".join(parts).strip()


def rows_from_html(text: str, name: str, line_offset: int = 0) -> list[Row]:
    """The rows of an HTML document or fragment; `line_offset` is added to every source line
    (a fragment taken from line N+1 of a markdown file has line_offset N)."""
    if not text.strip():
        return []
    # libxml2 stops at `</html>`; an export of several forms may be several documents in one
    # file. Without those end tags each document's head and body follow the last (line breaks
    # inside a tag are kept, so source lines stay right).
    text = _HTML_END.sub(lambda m: "\n" * m.group().count("\n"), text)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except etree.ParserError:  # nothing but comments or whitespace: no rows
        return []
    reader = _Reader(name, line_offset)
    reader.flow(root)
    reader.flush()
    return reader.rows


def read_html(path: Path) -> list[Grid]:
    name = str(path)
    return [Grid(source=name, rows=rows_from_html(read_decoded(path), name))]
