"""Legacy Excel workbooks (.xls, BIFF) with xlrd: one grid per worksheet.

xlrd gives merged ranges and each cell's number format when opened with `formatting_info=True`
(supported for .xls only), so cells read as they print, exactly as from .xlsx. Formulas in .xls
always carry their computed value, which xlrd returns.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row
from ..model import Loc
from .cells import merge_maps
from .numfmt import printed, to_decimal

MAX_ROWS = 20_000
MAX_COLS = 100
MAX_BYTES = 64 * 1024 * 1024


def read_xls(path: Path) -> list[Grid]:
    name = str(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(f"Excel 文件过大（{size} 字节，上限 {MAX_BYTES} 字节）", Loc(file=name))
    import xlrd

    try:
        book = xlrd.open_workbook(name, formatting_info=True, on_demand=True)
    except Exception as e:  # XLRDError, CompDocError, struct.error… on broken or encrypted files
        if "encrypt" in str(e).lower():
            raise ReadError("Excel 文件已加密（设有打开密码），无法读取；请取消密码后另存，再读取", Loc(file=name)) from None
        raise ReadError(f"Excel（.xls）文件已损坏或无法识别（{library_error(e)}）", Loc(file=name)) from None
    grids = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            grids.append(_sheet_grid(book, sheet, name))
            book.unload_sheet(index)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(f"Excel（.xls）文件中的工作表已损坏（{library_error(e)}）", Loc(file=name)) from None
    finally:
        book.release_resources()
    return grids


def _sheet_grid(book, sheet, name: str) -> Grid:
    import xlrd

    title = sheet.name
    grid = Grid(source=name, sheet=title)
    # xlrd's ranges are 0-based with exclusive ends
    spans, covered = merge_maps([(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells], MAX_ROWS, MAX_COLS)
    if sheet.nrows > MAX_ROWS or sheet.ncols > MAX_COLS:
        grid.problems.append(ReadError(
            f"工作表“{title}”有 {sheet.nrows} 行 {sheet.ncols} 列，只读取了前 {MAX_ROWS} 行、前 {MAX_COLS} 列",
            Loc(file=name, sheet=title)))
    blank = False
    for r in range(min(sheet.nrows, MAX_ROWS)):
        cells = []
        any_text = False
        row_covered, row_spans = covered.get(r + 1, ()), spans.get(r + 1, {})
        for c in range(min(sheet.row_len(r), MAX_COLS)):
            loc = Loc(file=name, line=r + 1, col=c + 1, sheet=title)
            if c + 1 in row_covered:
                cells.append(Cell(text="", loc=loc, merged=True))
                continue
            text = _text(book, sheet.cell(r, c), xlrd).strip()
            any_text = any_text or bool(text)
            cells.append(Cell(text=text, loc=loc, span=row_spans.get(c + 1, (1, 1))))
        if not any_text:
            blank = True
            continue
        grid.rows.append(Row(cells=cells, loc=Loc(file=name, line=r + 1, sheet=title), blank_before=blank))
        blank = False
    return grid


def _text(book, cell, xlrd) -> str:
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return cell.value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return printed(xlrd.xldate_as_datetime(cell.value, book.datemode), None)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
    fmt = None
    xf_index = cell.xf_index
    if xf_index is not None and 0 <= xf_index < len(book.xf_list):
        fmt_obj = book.format_map.get(book.xf_list[xf_index].format_key)
        fmt = fmt_obj.format_str if fmt_obj is not None else None
    return printed(to_decimal(cell.value), fmt)
