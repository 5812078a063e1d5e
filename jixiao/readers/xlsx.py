"""Excel workbooks (.xlsx) with openpyxl: one grid per worksheet.

The workbook is opened read-only (openpyxl streams each sheet's cells instead of building its
whole object model: a third of the time of a full load), after `safety.checked_zip`'s checks.
Merged ranges keep their text in the top-left cell; the other cells of the range are empty with
`merged=True`, as every reader hands them on. Numbers are shown through their number format
(`numfmt.printed`), so a cell showing `446,048.00` reads as that text, not as a float.
Formulas read as their stored result; a formula saved without one (a workbook written by a
program, never opened in Excel) is computed by `formula.evaluate`.

A read-only worksheet gives neither its merged ranges nor the formulas behind stored results,
so one more pass over the sheet's XML (`_sheet_extras`, lxml) takes the `<mergeCell>` elements
and the formulas saved without a result. Whatever openpyxl or lxml cannot read is a ReadError
naming the file and the sheet.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from lxml import etree

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row, RowCell
from ..model import Loc
from .cells import covered_cell, merge_maps
from .formula import evaluate
from .numfmt import printed, to_decimal
from .safety import checked_zip

MAX_ROWS = 20_000  # per sheet; a sheet of 100 forms has about 4,000 rows
MAX_COLS = 100

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _FORMULA, _VALUE, _MERGE = MAIN + "row", MAIN + "c", MAIN + "f", MAIN + "v", MAIN + "mergeCell"

# openpyxl warns about what it leaves out (data validation extensions, a missing default style…):
# nothing a reader of the cells needs, and not for the person reading the report.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")


def read_xlsx(path: Path) -> list[Grid]:
    name = str(path)
    zf, inflated = checked_zip(path, "Excel ")  # the size, zip-bomb and entity checks, before any parser
    try:
        import openpyxl  # imported here: `jixiao parse x.txt` should not pay for it

        with path.open("rb") as fh:  # a file object: openpyxl refuses a path whose ending is not .xlsx
            try:
                wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
            except Exception as e:  # openpyxl raises many kinds (KeyError, ValueError, ParseError…) on broken files
                raise ReadError(f"Excel 文件已损坏或不是有效的 .xlsx 文件（{library_error(e)}）", Loc(file=name)) from None
            try:
                grids = []
                for ws in wb.worksheets:
                    try:
                        part = ws._worksheet_path  # the sheet's zip member (openpyxl has no public name for it)
                        data = inflated.pop(part, None)
                        grids.append(_sheet_grid(name, ws, zf.read(part) if data is None else data))
                    except ReadError:
                        raise
                    except Exception as e:  # the sheet's XML or a value in it
                        raise ReadError(f"Excel 文件中的工作表“{ws.title}”已损坏（{library_error(e)}）",
                                        Loc(file=name, sheet=ws.title)) from None
                return grids
            finally:
                wb.close()
    finally:
        zf.close()


def _sheet_grid(name: str, ws, data: bytes) -> Grid:
    """One worksheet's grid, from openpyxl's cells and the merged ranges and uncached formulas
    of the sheet's XML. Only the cells the file has are kept, never the used range: a stray cell
    at XFD1048576 costs openpyxl's walk over the empty rows before it (a third of a second)."""
    from openpyxl.cell.read_only import EMPTY_CELL

    title = ws.title
    ranges, formulas = _sheet_extras(data)
    ws.reset_dimensions()  # every row and cell the file holds, whatever its <dimension> says
    cells: dict[tuple[int, int], object] = {}  # (row, col) → openpyxl's cell, for the cells with a value or formula
    beyond = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell is EMPTY_CELL:  # openpyxl's filler for a position the file has no cell at
                continue
            r, c = cell.row, cell.column
            if r > MAX_ROWS or c > MAX_COLS:
                beyond += cell.value is not None and not _covered_by(ranges, r, c)
            elif cell.value is not None or (r, c) in formulas:
                cells[(r, c)] = cell
    grid = Grid(source=name, sheet=title)
    if beyond:
        grid.problems.append(ReadError(
            f"工作表“{title}”中超出读取范围（前 {MAX_ROWS} 行、前 {MAX_COLS} 列）的 {beyond} 个单元格未读取",
            Loc(file=name, sheet=title)))

    spans, covered = merge_maps(ranges, MAX_ROWS, MAX_COLS)
    for r, cols in covered.items():  # a value in a covered cell is hidden under the merge
        for c in cols:
            cells.pop((r, c), None)

    computed: dict[tuple[int, int], object] = {}

    def value_at(r: int, c: int):
        """A cell's value for formula evaluation: numbers as Decimal, formulas computed once."""
        cell = cells.get((r, c))
        v = None if cell is None else cell.value
        if v is None and (r, c) in formulas:
            if (r, c) not in computed:
                computed[(r, c)] = None  # a reference cycle reads as blank
                computed[(r, c)] = evaluate(formulas[(r, c)], value_at)
            return computed[(r, c)]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return to_decimal(v)
        return v

    by_row: dict[int, list[int]] = {r: [] for r in covered}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    blank = False
    for r in sorted(by_row):
        present = by_row[r]
        merged_cols = covered.get(r, ())
        last = max(max(present, default=0), max(merged_cols, default=0))
        row_loc = Loc(name, r, None, title)
        row_spans = spans.get(r, {})
        out: list[Cell] = []
        any_text = False
        for c in range(1, last + 1):
            if c in merged_cols:
                out.append(covered_cell(row_loc, c))
                continue
            text = ""
            cell = cells.get((r, c))
            if cell is not None:
                value = cell.value
                if value is None:
                    value = value_at(r, c)
                text = value.strip() if isinstance(value, str) else printed(value, cell.number_format).strip()
                any_text = any_text or bool(text)
            out.append(RowCell(text, row_loc, c))  # its location made on first use
            if c in row_spans:
                out[-1].span = row_spans[c]
        if not any_text:
            blank = True
            continue
        grid.rows.append(Row(cells=out, loc=row_loc, blank_before=blank))
        blank = False
    return grid


def _covered_by(ranges: list[tuple[int, int, int, int]], r: int, c: int) -> bool:
    return any(r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0) for r0, c0, r1, c1 in ranges)


def _sheet_extras(data: bytes) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """What a read-only worksheet does not give, from the sheet's XML: the merged ranges
    (min_row, min_col, max_row, max_col) and the formulas saved without a result
    {(row, col): formula}. The XML is read row by row, each row let go once read."""
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    ranges: list[tuple[int, int, int, int]] = []
    formulas: dict[tuple[int, int], str] = {}
    events = etree.iterparse(io.BytesIO(data), tag=(_ROW, _MERGE), resolve_entities=False, no_network=True)
    for _, el in events:
        if el.tag == _MERGE:
            c0, r0, c1, r1 = range_boundaries(el.get("ref") or "")
            if None in (c0, r0, c1, r1):
                raise ValueError(f"合并单元格范围 {el.get('ref')} 不是单元格区域")
            ranges.append((r0, c0, r1, c1))
            continue
        for f in el.iter(_FORMULA):
            cell = f.getparent()
            value = cell.findtext(_VALUE)
            ref = cell.get("r")
            if cell.tag == _CELL and f.text and not value and ref:
                formulas[coordinate_to_tuple(ref)] = f.text
        el.clear()
        while el.getprevious() is not None:  # the rows already read
            del el.getparent()[0]
    return ranges, formulas
