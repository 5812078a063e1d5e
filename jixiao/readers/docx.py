"""Word documents (.docx): the whole body as one grid, in document order.

Paragraphs outside tables (the title, `（2021年度）`, `项目名称：…`) become rows of one cell;
each table row becomes a row. One grid for the whole document means that a table continued after
a page break — Word splits it into two tables, the second without a header — is read as one
table, and that several forms, each in its own table or all in one, are split by the recogniser
the same way as in any other format.

The body is read straight from the main document part (found through the package's
officeDocument relationship, after `safety.checked_zip`'s checks), with lxml: python-docx would
parse every part of the package (styles, numbering, settings…) to give the same elements, four
times the cost of reading the form, and its `row.cells` repeats a merged cell's object across
the merge where a reader needs to know which position is the origin. A cell spanning columns
(`gridSpan`) keeps its text in its first grid column, and a cell continuing a vertical merge
(`vMerge` without a value, or `continue`) is empty; both are `merged=True`, as every reader
hands them on. Content controls (`w:sdt`) and nested tables are read too.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row, RowCell
from ..model import Loc
from .cells import covered_cell
from .safety import checked_zip

MAX_ROWS = 50_000  # table rows in one document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, TBL, SDT, CONTENT, TR, TC = W + "p", W + "tbl", W + "sdt", W + "sdtContent", W + "tr", W + "tc"
T, TAB, BR, CR, R = W + "t", W + "tab", W + "br", W + "cr", W + "r"
TRPR, GRID_BEFORE, TCPR, GRID_SPAN, VMERGE, VAL = W + "trPr", W + "gridBefore", W + "tcPr", W + "gridSpan", W + "vMerge", W + "val"
# no entities (safety refused any DOCTYPE already), no network; comments and processing
# instructions dropped, so text around them joins
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


def read_docx(path: Path) -> list[Grid]:
    name = str(path)
    zf, inflated = checked_zip(path, "Word ")  # the size, zip-bomb and entity checks, before any parser
    try:
        part, data = _main_part(zf, inflated, name)
    finally:
        zf.close()
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise ReadError(f"Word 文件已损坏：部件 {part} 不是有效的 XML（{library_error(e)}）", Loc(file=name)) from None
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        raise ReadError(f"Word 文件已损坏：文档部件 {part} 中没有正文（w:body）", Loc(file=name))
    reader = _BodyReader(name)
    try:
        reader.block(body)
    except ReadError:
        raise
    except Exception as e:  # malformed table markup: a grid span that is not a number, say
        where = Loc(file=name, sheet=f"表{reader.n_tables}", line=reader.table_row) if reader.table_row else Loc(file=name)
        raise ReadError(f"Word 文件中的表格结构损坏（{library_error(e)}）", where) from None
    return [reader.grid]


def _main_part(zf: zipfile.ZipFile, inflated: dict[str, bytes], name: str) -> tuple[str, bytes]:
    """(member name, bytes) of the main document part: the target of the package relationship
    of type officeDocument (word/document.xml in every file Word, WPS or LibreOffice writes)."""
    def read(member: str) -> bytes:
        data = inflated.get(member)
        return zf.read(member) if data is None else data

    try:
        rels = etree.fromstring(read("_rels/.rels"), _PARSER)
        target = next(rel.get("Target") for rel in rels
                      if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External")
        part = posixpath.normpath(target.lstrip("/"))  # relative to the package's root
        return part, read(part)
    except (KeyError, StopIteration, AttributeError, etree.XMLSyntaxError) as e:
        raise ReadError(f"Word 文件已损坏：找不到文档正文部件（{library_error(e)}）", Loc(file=name)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise ReadError(f"Word 文件已损坏，无法解压（{library_error(e)}）", Loc(file=name)) from None


def _text_of(element) -> str:
    """A paragraph's or cell's text as Word shows it: paragraphs joined by line breaks, a tab in
    a run a tab, w:br and w:cr line breaks; nested tables and content controls included."""
    parts = []
    for node in element.iter(T, TAB, BR, CR, P):
        tag = node.tag
        if tag == T:
            parts.append(node.text or "")
        elif tag == P:
            if parts:
                parts.append("\n")
        elif tag != TAB:
            parts.append("\n")
        elif node.getparent().tag == R:  # (a w:tab in paragraph properties is a tab stop)
            parts.append("\t")
    return "".join(parts)


def _property(el, props_tag: str, tag: str):
    """The element `tag` in the element's own properties (its first `props_tag` child), or None."""
    for props in el.iterchildren(props_tag):
        for child in props.iterchildren(tag):
            return child
        return None
    return None


def _number(el, default: int) -> int:
    """A property's w:val as a number; `default` when the property is absent."""
    if el is None:
        return default
    value = el.get(VAL)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{etree.QName(el).localname} 的 w:val 不是数字（{value!r}）") from None


def _inside_controls(parent, tag: str):
    """The children of `parent` with `tag`, those inside content controls (a repeating section
    wraps table rows, a control can wrap a cell) included, in document order."""
    for child in parent.iterchildren(tag, SDT):
        if child.tag == tag:
            yield child
        else:
            for content in child.iterchildren(CONTENT):
                yield from _inside_controls(content, tag)


class _BodyReader:
    """The body in document order → one grid."""

    def __init__(self, name: str):
        self.name = name
        self.grid = Grid(source=name)
        self.n_tables = 0
        self.n_paragraphs = 0
        self.n_rows = 0
        self.table_row = 0  # the row of the table being read, for an error's location
        self.after_table = False

    def block(self, parent) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:  # content controls wrap paragraphs and tables
                for content in child.iterchildren(CONTENT):
                    self.block(content)

    def paragraph(self, p) -> None:
        self.n_paragraphs += 1
        text = _text_of(p).strip()
        if not text:
            return
        loc = Loc(file=self.name, line=self.n_paragraphs, sheet="正文段落")
        self.grid.rows.append(Row(cells=[RowCell(text, loc, 1)], loc=loc, blank_before=self.after_table))
        self.after_table = False

    def table(self, tbl) -> None:
        self.n_tables += 1
        sheet = f"表{self.n_tables}"
        name = self.name
        origin: dict[int, Cell] = {}  # grid column → the cell where a vertical merge there started
        first = True
        for r, tr in enumerate(_inside_controls(tbl, TR), 1):
            self.table_row = r
            self.n_rows += 1
            if self.n_rows > MAX_ROWS:
                raise ReadError(f"Word 文件中的表格行数超过上限 {MAX_ROWS}", Loc(file=name, sheet=sheet, line=r))
            row_loc = Loc(name, r, None, sheet)
            col = _number(_property(tr, TRPR, GRID_BEFORE), 0)  # grid columns left empty before the first cell
            cells: list[Cell] = [RowCell("", row_loc, c + 1) for c in range(col)]
            for tc in _inside_controls(tr, TC):
                span = max(_number(_property(tc, TCPR, GRID_SPAN), 1), 1)
                vmerge = _property(tc, TCPR, VMERGE)
                if vmerge is not None:
                    vmerge = vmerge.get(VAL, "continue")  # (no value: the merge continues)
                if vmerge == "continue":
                    top = origin.get(col)
                    if top is not None:
                        top.span = (top.span[0] + 1, top.span[1])
                    cells.extend(covered_cell(row_loc, col + k + 1) for k in range(span))
                else:
                    cell = RowCell(_text_of(tc).strip(), row_loc, col + 1)  # its location made on first use
                    if span != 1:
                        cell.span = (1, span)
                    if vmerge == "restart":
                        origin[col] = cell
                    else:
                        origin.pop(col, None)
                    cells.append(cell)
                    cells.extend(covered_cell(row_loc, col + k + 1) for k in range(1, span))
                col += span
            if not any(c.text for c in cells):
                continue
            self.grid.rows.append(Row(cells=cells, loc=row_loc,
                                      blank_before=first and (self.n_tables > 1 or bool(self.grid.rows))))
            first = False
        self.table_row = 0
        self.after_table = True
