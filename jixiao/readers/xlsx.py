"""Excel workbooks (.xlsx): one grid per worksheet.

Merged ranges keep their text in the top-left cell; the other cells of the range are empty with
`merged=True`, as every reader hands them on. Numbers are shown through their number format
(`numfmt.printed`), so a cell showing `446,048.00` reads as that text, not as a float.
Formulas read as their stored result; a formula saved without one (a workbook written by a
program, never opened in Excel) is computed by `formula.evaluate`.

Two paths give the same grids. The fast one parses the parts that hold the cells (content types,
workbook, its relationships, styles, shared strings, worksheets) with lxml and reads them as
openpyxl would: the same cell values (openpyxl's own number, date and coordinate conversions),
number formats, merges, sheet names and errors. A workbook with anything it does not model
(comments, drawings, tables, hyperlinks, conditional formats, chart sheets, external links,
duplicate or invalid sheet names, a cell openpyxl would warn about…) raises `Unsupported`, and
openpyxl loads it as before. openpyxl spends most of its time on style objects and on the border
bookkeeping of every merged cell, none of which a reader needs.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row, RowCell
from ..model import Loc
from .formula import col_index, evaluate
from .numfmt import printed, to_decimal
from .ooxml import CoveredCell, Zip

MAX_ROWS = 20_000  # per sheet; a sheet of 100 forms has about 4,000 rows
MAX_COLS = 100

_CELL_RE = re.compile(rb'<c\b([^>]*?)(?<!/)>(.*?)</c>', re.S)  # a cell, as the formulas are found
_OPEN_RE = re.compile(rb'<c\b([^>]*?)(?<!/)>')  # its opening tag
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_RE = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>")
_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")

log = logging.getLogger(__name__)


def read_xlsx(path: Path) -> list[Grid]:
    name = str(path)
    with Zip.checked(path, "Excel ") as z:  # safety.check_zip's checks
        try:
            return _read_fast(z, name)
        except Exception as e:  # Unsupported, or anything unexpected: openpyxl reads it, as before
            log.debug("%s: read with openpyxl (%s)", name, library_error(e))
    return _read_with_openpyxl(path, name)


def _read_fast(z, name: str) -> list[Grid]:
    from .ooxml_xlsx import read_cells

    return [_build_grid(name, title, cells, fmt, ranges, _formulas_in(data, well_formed=True))
            for title, cells, fmt, ranges, data in read_cells(z)]


# -- the grid, from either path --------------------------------------------------------------------
def _build_grid(name: str, title: str, cells: dict, fmt, ranges: list[tuple[int, int, int, int]],
                formulas: dict[tuple[int, int], str]) -> Grid:
    """One sheet's grid from its cells {(row, col): value} (every cell the file has; a cell inside
    a merged range other than its top-left reads as None, as openpyxl leaves it), fmt(row, col) →
    the number format of a cell the file has, the merged ranges (min_row, min_col, max_row,
    max_col) and the formulas saved without a result."""
    grid = Grid(source=name, sheet=title)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: dict[int, set[int]] = {}  # row → columns covered by a merged range (not its top-left)
    for r0, c0, r1, c1 in ranges:
        if r0 > MAX_ROWS or c0 > MAX_COLS:
            continue
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, min(r1, MAX_ROWS) + 1):
            cols = covered.setdefault(r, set())
            cols.update(c for c in range(c0, min(c1, MAX_COLS) + 1) if (r, c) != (r0, c0))

    def is_covered(r: int, c: int) -> bool:
        if r <= MAX_ROWS and c <= MAX_COLS:
            return c in covered.get(r, ())
        return any(r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0) for r0, c0, r1, c1 in ranges)

    # Only the cells the file has are visited (never the used range), so one stray formatted
    # cell at row 1,048,576 costs nothing.
    by_row: dict[int, dict[int, object]] = {r: {} for r in covered}
    beyond = 0
    for (r, c), value in cells.items():
        if r > MAX_ROWS or c > MAX_COLS:
            beyond += value is not None and not is_covered(r, c)
        else:
            if value is not None and c in covered.get(r, ()):
                value = None
            if value is not None or (r, c) in formulas:
                by_row.setdefault(r, {})[c] = value
    if beyond:
        grid.problems.append(ReadError(
            f"工作表“{title}”中超出读取范围（前 {MAX_ROWS} 行、前 {MAX_COLS} 列）的 {beyond} 个单元格未读取",
            Loc(file=name, sheet=title)))

    computed: dict[tuple[int, int], object] = {}

    def value_at(r: int, c: int):
        """A cell's value for formula evaluation: numbers as Decimal, formulas computed once."""
        if (r, c) in formulas:
            if (r, c) not in computed:
                computed[(r, c)] = None  # a reference cycle reads as blank
                computed[(r, c)] = evaluate(formulas[(r, c)], value_at)
            return computed[(r, c)]
        v = cells.get((r, c))
        if v is not None and is_covered(r, c):
            v = None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return to_decimal(v)
        return v

    row_spans: dict[int, dict[int, tuple[int, int]]] = {}
    for (r, c), span in spans.items():
        row_spans.setdefault(r, {})[c] = span
    no_cols: frozenset[int] = frozenset()
    blank = False
    for r in sorted(by_row):
        present = by_row[r]
        merged_cols = covered.get(r, no_cols)
        last = max(present) if present else 0
        if merged_cols:
            last = max(last, max(merged_cols))
        row_loc = Loc(name, r, None, title)
        spans_r = row_spans.get(r)
        out: list[Cell] = []
        append = out.append
        any_text = False
        for c in range(1, last + 1):
            if c in merged_cols:
                append(CoveredCell(row_loc, c))
                continue
            if c in present:
                value = present[c]
                if value is None and (r, c) in formulas:
                    value = value_at(r, c)
                number_format = fmt(r, c)
                if value.__class__ is str:
                    text = value.strip()  # what printed() gives a text
                else:
                    text = printed(value, number_format).strip()
                if text:
                    any_text = True
            else:
                text = ""
            cell = RowCell(text, row_loc, c)  # its location made on first use
            if spans_r is not None and c in spans_r:
                cell.span = spans_r[c]
            append(cell)
        if not any_text:
            blank = True
            continue
        grid.rows.append(Row(cells=out, loc=row_loc, blank_before=blank))
        blank = False
    return grid


def _formulas_in(data: bytes, well_formed: bool = False) -> dict[tuple[int, int], str]:
    """Formulas saved without a result in one worksheet part: {(row, col): formula}.

    A formula's cell is a match of `_CELL_RE` (`<c …>…</c>`), the matches taken one after the
    other from the start of the part. Its body ends at the first `</c>` after its opening tag,
    which bytes.find gives at a fraction of the cost of the regex's lazy `(.*?)</c>`.

    When the part is well-formed XML (lxml parsed it) with no comment, CDATA section or
    processing instruction, every `<` starts a tag and no tag holds another `<`. A match can
    then never contain the `</c>` last before a `<f`, and the scan may start right after it:
    only the cells around each `<f` are looked at, with the same result as scanning them all."""
    formulas: dict[tuple[int, int], str] = {}
    if b"<f" not in data:
        return formulas
    search, find = _OPEN_RE.search, data.find
    jump = well_formed and b"<!" not in data and data.count(b"<?") <= data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    pos = 0
    while True:
        if jump:
            f = find(b"<f", pos)
            if f < 0:
                break
            close = data.rfind(b"</c>", pos, f)
            if close >= 0:
                pos = close + 4
        m = search(data, pos)
        if m is None:
            break
        end = find(b"</c>", m.end())
        if end < 0:
            break
        pos = end + 4
        body = data[m.end():end]
        if b"<f" not in body:
            continue
        fm = _FORMULA_RE.search(body)
        vm = _VALUE_RE.search(body)
        if fm is None or not fm.group(1) or (vm is not None and vm.group(1)):
            continue
        ref = _REF_RE.search(m.group(1))
        if ref is None:
            continue
        key = (int(ref.group(2)), col_index(ref.group(1).decode()))
        formulas[key] = html.unescape(fm.group(1).decode("utf-8", "replace"))
    return formulas


# -- the openpyxl path -----------------------------------------------------------------------------
def _read_with_openpyxl(path: Path, name: str) -> list[Grid]:
    import openpyxl  # imported here: `jixiao parse x.txt` should not pay for it

    try:
        with path.open("rb") as fh:  # a file object: openpyxl refuses a path whose ending is not .xlsx
            wb = openpyxl.load_workbook(fh, data_only=True)
    except ReadError:
        raise
    except Exception as e:  # openpyxl raises many kinds (KeyError, ValueError, ParseError…) on broken files
        raise ReadError(f"Excel 文件已损坏或不是有效的 .xlsx 文件（{library_error(e)}）", Loc(file=name)) from None
    try:
        uncached = _uncached_formulas(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError) as e:
        raise ReadError(f"Excel 文件已损坏（{library_error(e)}）", Loc(file=name)) from None
    grids = []
    for ws in wb.worksheets:
        cells = ws._cells  # the cells the file has
        ranges = [(rng.min_row, rng.min_col, rng.max_row, rng.max_col) for rng in ws.merged_cells.ranges]
        grids.append(_build_grid(name, ws.title, {k: cell.value for k, cell in cells.items()},
                                 lambda r, c, cells=cells: cells[(r, c)].number_format, ranges,
                                 uncached.get(ws.title, {})))
    return grids


def _uncached_formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas saved without a result, per sheet title: {(row, col): formula}.

    Found in the sheet XML itself, because openpyxl returns either the stored results or the
    formulas, not both, and loading the workbook twice would double the reading time.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        per_part: dict[str, dict[tuple[int, int], str]] = {}
        for part in parts:
            formulas = _formulas_in(zf.read(part))
            if formulas:
                per_part[part] = formulas
        if not per_part:
            return found
        titles = _sheet_parts(zf)
    for part, formulas in per_part.items():
        title = titles.get(part)
        if title is not None:
            found[title] = formulas
    return found


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part name → sheet title, from workbook.xml and its relationships."""
    from defusedxml import ElementTree as ET

    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        targets[rel.get("Id")] = _old_target(rel.get("Target", ""))
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    out = {}
    for sheet in wb.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"))
        if target:
            out[target] = sheet.get("name", "")
    return out


def _old_target(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
