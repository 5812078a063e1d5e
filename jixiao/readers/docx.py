"""Word documents (.docx): the whole body as one grid, in document order.

Paragraphs outside tables (the title, `（2021年度）`, `项目名称：…`) become rows of one cell;
each table row becomes a row. One grid for the whole document means that a table continued after
a page break — Word splits it into two tables, the second without a header — is read as one
table, and that several forms, each in its own table or all in one, are split by the recogniser
the same way as in any other format.

Merged cells are read from the table XML: a cell spanning columns (`gridSpan`) keeps its text in
its first grid column, and a cell continuing a vertical merge (`vMerge="continue"`) is empty;
both are `merged=True`, as every reader hands them on. (python-docx's `row.cells` repeats the
same cell object across a merge instead; reading the XML directly says which one is the origin.)

The document part is parsed with lxml as python-docx parses it (its parser settings, after the
package checks `docx.Document()` makes), and read from plain lxml elements; python-docx, loading
every part of the package, took four times as long. A document the fast path does not handle
(`Unsupported`: a grid span without a number, no body, another main content type, a missing
part…) is read by python-docx, which says what is wrong as before. Both give the same grid.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row, RowCell
from ..model import Loc
from .ooxml import WORD_PARSER, CoveredCell, Unsupported, Zip, opc_main_part, parse

MAX_ROWS = 50_000  # table rows in one document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WML_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

log = logging.getLogger(__name__)


def read_docx(path: Path) -> list[Grid]:
    name = str(path)
    with Zip.checked(path, "Word ") as z:  # safety.check_zip's checks
        try:
            return _read_fast(z, name)
        except ReadError:
            raise
        except Exception as e:  # Unsupported, or anything unexpected: python-docx reads it, as before
            log.debug("%s: read with python-docx (%s)", name, library_error(e))
    return _read_with_python_docx(path, name)


def _read_fast(z: Zip, name: str) -> list[Grid]:
    """word/document.xml parsed with lxml as python-docx parses it, read by the same _BodyReader."""
    data = z.read(opc_main_part(z, WML_DOCUMENT_MAIN))
    root = parse(data, WORD_PARSER)
    if root.tag != W + "document":
        raise Unsupported("main part is not w:document")
    body = root.find(W + "body")
    if body is None:
        raise Unsupported("no w:body")
    reader = _BodyReader(name, _xml_rows)
    reader.block(body)
    return [reader.grid]


def _read_with_python_docx(path: Path, name: str) -> list[Grid]:
    import docx  # imported here: reading text files should not pay for it

    try:
        document = docx.Document(str(path))
        body = document.element.body
    except ReadError:
        raise
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors… on broken files
        raise ReadError(f"Word 文件已损坏或不是有效的 .docx 文件（{library_error(e)}）", Loc(file=name)) from None

    reader = _BodyReader(name, _docx_rows)
    try:
        reader.block(body)
    except ReadError:
        raise
    except (AttributeError, ValueError, TypeError, KeyError) as e:  # malformed table XML
        raise ReadError(f"Word 文件中的表格结构损坏（{library_error(e)}）", Loc(file=name, sheet=f"表{reader.n_tables}")) from None
    return [reader.grid]


# A table cell → (grid span, vMerge, text): with python-docx's properties of its elements ...
def _docx_cell(tc) -> tuple[int, str | None, str]:
    span, vmerge = tc.grid_span, tc.vMerge
    return span, vmerge, _text_of(tc) if vmerge != "continue" else ""


def _docx_rows(tbl):
    """Per w:tr of the table, a function giving (grid columns before it, its cells)."""
    for tr in tbl.iterchildren(TR):
        yield lambda tr=tr: (tr.grid_before, [_docx_cell(tc) for tc in tr.iterchildren(TC)])


# ... and the same from plain lxml elements, in one pass over the cell: the first w:tcPr child,
# its first w:gridSpan and w:vMerge children (as python-docx finds them), and the text as
# _text_of gives it. Where python-docx would raise (a gridSpan without a number, say), these
# raise Unsupported, and python-docx reads the file and raises as before. lxml's find() and
# tag-filtered iterators cost microseconds a call, which was most of the time of reading a table.
TCPR, TRPR, GRID_SPAN, GRID_BEFORE, VMERGE, VAL = W + "tcPr", W + "trPr", W + "gridSpan", W + "gridBefore", W + "vMerge", W + "val"
T, TAB, BR, CR, P = W + "t", W + "tab", W + "br", W + "cr", W + "p"
TR, TC, TBL_PR, TBL_GRID, TBL_PR_EX = W + "tr", W + "tc", W + "tblPr", W + "tblGrid", W + "tblPrEx"


def _decimal(el, tag: str) -> int:
    val = el.get(VAL)
    if val is None:
        raise Unsupported(f"{tag} without w:val")
    try:
        return int(val)
    except ValueError:
        raise Unsupported(f"{tag} w:val={val!r}") from None


class _CellText:
    """One w:tc read from its elements in document order: its text as python-docx's `cell.text`
    gives it, its w:gridSpan and its w:vMerge (those of its own w:tcPr only)."""

    __slots__ = ("tc", "parts", "props", "span", "vmerge")

    def __init__(self, tc):
        self.tc = tc
        self.parts: list[str] = []
        self.props = self.span = self.vmerge = None

    def take(self, node, kind: int) -> None:
        """An element of the cell; `kind` is its _KINDS entry."""
        if kind == 0:
            self.parts.append(node.text or "")
        elif kind == 1:
            if self.parts:
                self.parts.append("\n")
        elif kind == 2:
            self.parts.append("\t")
        elif kind == 3:
            self.parts.append("\n")
        elif kind == 4:
            if self.props is None and node.getparent() is self.tc:
                self.props = node
        elif kind == 5:
            if self.span is None and self.props is not None and node.getparent() is self.props:
                self.span = _decimal(node, "gridSpan")
        elif self.vmerge is None and self.props is not None and node.getparent() is self.props:
            self.vmerge = node.get(VAL, "continue")

    def result(self) -> tuple[int, str | None, str]:
        """(columns spanned, vMerge or None, text)."""
        return (1 if self.span is None else self.span), self.vmerge, "".join(self.parts)


def _xml_cell(tc) -> tuple[int, str | None, str]:
    cell = _CellText(tc)
    kinds = _KINDS
    for node in tc.iter():
        kind = kinds.get(node.tag)
        if kind is not None:
            cell.take(node, kind)
    return cell.result()


_KINDS = {T: 0, P: 1, TAB: 2, BR: 3, CR: 3, TCPR: 4, GRID_SPAN: 5, VMERGE: 6}


def _xml_tr_grid_before(tr) -> int:
    for props in tr:
        if props.tag == TRPR:
            for child in props:
                if child.tag == GRID_BEFORE:
                    return _decimal(child, "gridBefore")
            return 0
    return 0


def _xml_rows(tbl):
    """Per w:tr of the table, a function giving (grid columns before it, its cells).

    A table of plain rows (only w:tblPr, w:tblGrid and w:tr in the table, only w:tblPrEx,
    w:trPr and w:tc in each row) is read in one pass over the elements that matter, in document
    order: every text element then lies in one of the rows' cells (or in a table nested in it),
    and the cell it belongs to is the last one started. Other tables are read cell by cell."""
    rows = []  # (grid_before, [tc, ...])
    plain = True
    for tr in tbl:
        tag = tr.tag
        if tag == TR:
            props = grid_before = None  # the first w:trPr, its first w:gridBefore
            tcs = []
            for child in tr:
                ctag = child.tag
                if ctag == TC:
                    tcs.append(child)
                elif ctag == TRPR:
                    if props is None:
                        props = child
                        for g in child:
                            if g.tag == GRID_BEFORE:
                                grid_before = g
                                break
                elif ctag != TBL_PR_EX:
                    plain = False
                    break
            if not plain:
                break
            rows.append((grid_before, tcs))
        elif tag != TBL_PR and tag != TBL_GRID:
            plain = False
            break
    if not plain:
        for tr in tbl.iterchildren(TR):
            yield lambda tr=tr: (_xml_tr_grid_before(tr), [_xml_cell(tc) for tc in tr.iterchildren(TC)])
        return

    cells: dict[int, tuple[int, str | None, str]] = {}  # id(tc) → (span, vmerge, text)
    order = iter([tc for _, tcs in rows for tc in tcs])
    next_tc = next(order, None)
    cell: _CellText | None = None
    kinds = _KINDS
    for node in tbl.iter(TC, T, P, TAB, BR, CR, TCPR, GRID_SPAN, VMERGE):
        if node is next_tc:
            if cell is not None:
                cells[id(cell.tc)] = cell.result()
            cell = _CellText(node)
            next_tc = next(order, None)
            continue
        kind = kinds.get(node.tag)
        if kind is None:  # a w:tc of a nested table
            continue
        if cell is None:
            raise Unsupported("text outside the table's cells")
        cell.take(node, kind)
    if cell is not None:
        cells[id(cell.tc)] = cell.result()
    if next_tc is not None:
        raise Unsupported("a cell not met in document order")
    for grid_before, tcs in rows:
        yield lambda g=grid_before, tcs=tcs: (0 if g is None else _decimal(g, "gridBefore"), [cells[id(tc)] for tc in tcs])


def _text_of(element) -> str:
    """What python-docx's `cell.text` gives: paragraphs joined by line breaks, w:tab a tab,
    w:br and w:cr line breaks (nested tables included, in document order)."""
    parts = []
    for node in element.iter(T, TAB, BR, CR, P):
        tag = node.tag
        if tag == T:
            parts.append(node.text or "")
        elif tag == TAB:
            parts.append("\t")
        elif tag == P:
            if parts:
                parts.append("\n")
        else:
            parts.append("\n")
    return "".join(parts)


class _BodyReader:
    """The body in document order → one grid. `rows(tbl)` gives, per w:tr of a table, a function
    returning the grid columns before its first cell and its cells' (grid span, vMerge, text):
    from python-docx's elements, or the same from lxml's."""

    P, TBL, SDT, CONTENT = W + "p", W + "tbl", W + "sdt", W + "sdtContent"

    def __init__(self, name: str, rows):
        self.name = name
        self.grid = Grid(source=name)
        self.n_tables = 0
        self.n_paragraphs = 0
        self.n_rows = 0
        self.after_table = False
        self.rows = rows

    def block(self, parent) -> None:
        P, TBL, SDT, CONTENT = self.P, self.TBL, self.SDT, self.CONTENT
        for child in parent.iterchildren():  # (a missing w:body fails here, as it always did)
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:  # content controls wrap paragraphs and tables
                for content in child:
                    if content.tag == CONTENT:
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
        r = 0
        for row in self.rows(tbl):
            r += 1
            self.n_rows += 1
            if self.n_rows > MAX_ROWS:
                raise ReadError(f"Word 文件中的表格行数超过上限 {MAX_ROWS}", Loc(file=name, sheet=sheet, line=r))
            col, row_cells = row()
            row_loc = Loc(name, r, None, sheet)
            cells: list[Cell] = [RowCell("", row_loc, c + 1) for c in range(col)]
            for span, vmerge, text in row_cells:
                if span < 1:
                    span = 1
                if vmerge == "continue":
                    top = origin.get(col)
                    if top is not None:
                        top.span = (top.span[0] + 1, top.span[1])
                    for k in range(span):
                        cells.append(CoveredCell(row_loc, col + k + 1))
                else:
                    cell = RowCell(text.strip(), row_loc, col + 1)  # its location made on first use
                    if span != 1:
                        cell.span = (1, span)
                    if vmerge == "restart":
                        origin[col] = cell
                    else:
                        origin.pop(col, None)
                    cells.append(cell)
                    for k in range(1, span):
                        cells.append(CoveredCell(row_loc, col + k + 1))
                col += span
            if not any(c.text for c in cells):
                continue
            self.grid.rows.append(Row(cells=cells, loc=row_loc,
                                      blank_before=first and (self.n_tables > 1 or bool(self.grid.rows))))
            first = False
        self.after_table = True
