"""Word documents (.docx) with python-docx: the whole body as one grid, in document order.

Paragraphs outside tables (the title, `（2021年度）`, `项目名称：…`) become rows of one cell;
each table row becomes a row. One grid for the whole document means that a table continued after
a page break — Word splits it into two tables, the second without a header — is read as one
table, and that several forms, each in its own table or all in one, are split by the recogniser
the same way as in any other format.

Merged cells are read from the table XML: a cell spanning columns (`gridSpan`) keeps its text in
its first grid column, and a cell continuing a vertical merge (`vMerge="continue"`) is empty;
both are `merged=True`, as every reader hands them on. (python-docx's `row.cells` repeats the
same cell object across a merge instead; reading the XML directly says which one is the origin.)
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row
from ..model import Loc
from .safety import check_zip

MAX_ROWS = 50_000  # table rows in one document


def read_docx(path: Path) -> list[Grid]:
    name = str(path)
    check_zip(path, "Word ")
    import docx  # imported here: reading text files should not pay for it

    try:
        document = docx.Document(str(path))
        body = document.element.body
    except ReadError:
        raise
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors… on broken files
        raise ReadError(f"Word 文件已损坏或不是有效的 .docx 文件（{library_error(e)}）", Loc(file=name)) from None
    from docx.oxml.ns import qn

    reader = _BodyReader(name, qn)
    try:
        reader.block(body)
    except ReadError:
        raise
    except (AttributeError, ValueError, TypeError, KeyError) as e:  # malformed table XML
        raise ReadError(f"Word 文件中的表格结构损坏（{library_error(e)}）", Loc(file=name, sheet=f"表{reader.n_tables}")) from None
    return [reader.grid]


class _BodyReader:
    def __init__(self, name: str, qn):
        self.name = name
        self.grid = Grid(source=name)
        self.n_tables = 0
        self.n_paragraphs = 0
        self.n_rows = 0
        self.after_table = False
        self.P, self.TBL, self.SDT, self.CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
        self.T, self.TAB, self.BR, self.CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
        self.TR, self.TC = qn("w:tr"), qn("w:tc")

    def block(self, parent) -> None:
        for child in parent.iterchildren():
            if child.tag == self.P:
                self.paragraph(child)
            elif child.tag == self.TBL:
                self.table(child)
            elif child.tag == self.SDT:  # content controls wrap paragraphs and tables
                for content in child.iterchildren(self.CONTENT):
                    self.block(content)

    def text_of(self, element) -> str:
        parts = []
        for node in element.iter(self.T, self.TAB, self.BR, self.CR, self.P):
            if node.tag == self.T:
                parts.append(node.text or "")
            elif node.tag == self.TAB:
                parts.append("\t")
            elif node.tag == self.P:
                if parts:
                    parts.append("\n")
            else:
                parts.append("\n")
        return "".join(parts)

    def paragraph(self, p) -> None:
        self.n_paragraphs += 1
        text = self.text_of(p).strip()
        if not text:
            return
        loc = Loc(file=self.name, line=self.n_paragraphs, sheet="正文段落")
        self.grid.rows.append(Row(cells=[Cell(text=text, loc=Loc(file=self.name, line=self.n_paragraphs, col=1, sheet="正文段落"))],
                                  loc=loc, blank_before=self.after_table))
        self.after_table = False

    def table(self, tbl) -> None:
        self.n_tables += 1
        sheet = f"表{self.n_tables}"
        origin: dict[int, Cell] = {}  # grid column → the cell where a vertical merge there started
        first = True
        for r, tr in enumerate(tbl.iterchildren(self.TR), 1):
            self.n_rows += 1
            if self.n_rows > MAX_ROWS:
                raise ReadError(f"Word 文件中的表格行数超过上限 {MAX_ROWS}", Loc(file=self.name, sheet=sheet, line=r))
            cells: list[Cell] = []
            col = tr.grid_before
            for c in range(col):
                cells.append(Cell(text="", loc=Loc(file=self.name, line=r, col=c + 1, sheet=sheet)))
            for tc in tr.iterchildren(self.TC):
                span = max(1, tc.grid_span)
                loc = Loc(file=self.name, line=r, col=col + 1, sheet=sheet)
                if tc.vMerge == "continue":
                    top = origin.get(col)
                    if top is not None:
                        top.span = (top.span[0] + 1, top.span[1])
                    cells.extend(Cell(text="", loc=Loc(file=self.name, line=r, col=col + k + 1, sheet=sheet), merged=True)
                                 for k in range(span))
                else:
                    cell = Cell(text=self.text_of(tc).strip(), loc=loc, span=(1, span))
                    if tc.vMerge == "restart":
                        origin[col] = cell
                    else:
                        origin.pop(col, None)
                    cells.append(cell)
                    cells.extend(Cell(text="", loc=Loc(file=self.name, line=r, col=col + k + 1, sheet=sheet), merged=True)
                                 for k in range(1, span))
                col += span
            if not any(c.text for c in cells):
                continue
            self.grid.rows.append(Row(cells=cells, loc=Loc(file=self.name, line=r, sheet=sheet),
                                      blank_before=first and (self.n_tables > 1 or bool(self.grid.rows))))
            first = False
        self.after_table = True
