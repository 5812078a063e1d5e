"""Excel workbooks (.xlsx) with openpyxl: one grid per worksheet.

Merged ranges keep their text in the top-left cell; the other cells of the range are empty with
`merged=True`, as every reader hands them on. Numbers are shown through their number format
(`numfmt.printed`), so a cell showing `446,048.00` reads as that text, not as a float.
Formulas read as their stored result; a formula saved without one (a workbook written by a
program, never opened in Excel) is computed by `formula.evaluate`.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row
from ..model import Loc
from .formula import col_index, evaluate
from .numfmt import printed, to_decimal
from .safety import check_zip

MAX_ROWS = 20_000  # per sheet; a sheet of 100 forms has about 4,000 rows
MAX_COLS = 100

_CELL_RE = re.compile(rb'<c\b([^>]*?)(?<!/)>(.*?)</c>', re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_RE = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>")
_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")


def read_xlsx(path: Path) -> list[Grid]:
    name = str(path)
    check_zip(path, "Excel ")
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
        grids.append(_sheet_grid(ws, name, uncached.get(ws.title, {})))
    return grids


def _sheet_grid(ws, name: str, formulas: dict[tuple[int, int], str]) -> Grid:
    grid = Grid(source=name, sheet=ws.title)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: dict[int, set[int]] = {}  # row → columns covered by a merged range (not its top-left)
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
        if r0 > MAX_ROWS or c0 > MAX_COLS:
            continue
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, min(r1, MAX_ROWS) + 1):
            cols = covered.setdefault(r, set())
            cols.update(c for c in range(c0, min(c1, MAX_COLS) + 1) if (r, c) != (r0, c0))
    # ws._cells holds only the cells the file has; iterating it (rather than iter_rows over the
    # used range) stays fast when one stray formatted cell sits at row 1,048,576.
    cells = ws._cells
    by_row: dict[int, dict[int, object]] = {r: {} for r in covered}
    beyond = 0
    for (r, c), cell in cells.items():
        if r > MAX_ROWS or c > MAX_COLS:
            beyond += cell.value is not None
        elif cell.value is not None or (r, c) in formulas:
            by_row.setdefault(r, {})[c] = cell
    if beyond:
        grid.problems.append(ReadError(
            f"工作表“{ws.title}”中超出读取范围（前 {MAX_ROWS} 行、前 {MAX_COLS} 列）的 {beyond} 个单元格未读取",
            Loc(file=name, sheet=ws.title)))

    computed: dict[tuple[int, int], object] = {}

    def value_at(r: int, c: int):
        """A cell's value for formula evaluation: numbers as Decimal, formulas computed once."""
        if (r, c) in formulas:
            if (r, c) not in computed:
                computed[(r, c)] = None  # a reference cycle reads as blank
                computed[(r, c)] = evaluate(formulas[(r, c)], value_at)
            return computed[(r, c)]
        cell = cells.get((r, c))
        v = cell.value if cell is not None else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return to_decimal(v)
        return v

    blank = False
    for r in sorted(by_row):
        present = by_row[r]
        merged_cols = covered.get(r, set())
        last = max(max(present, default=0), max(merged_cols, default=0))
        out: list[Cell] = []
        any_text = False
        for c in range(1, last + 1):
            loc = Loc(file=name, line=r, col=c, sheet=ws.title)
            if c in merged_cols:
                out.append(Cell(text="", loc=loc, merged=True))
                continue
            cell = present.get(c)
            value = cell.value if cell is not None else None
            if value is None and (r, c) in formulas:
                value = value_at(r, c)
            text = printed(value, cell.number_format if cell is not None else None).strip()
            any_text = any_text or bool(text)
            out.append(Cell(text=text, loc=loc, span=spans.get((r, c), (1, 1))))
        if not any_text:
            blank = True
            continue
        grid.rows.append(Row(cells=out, loc=Loc(file=name, line=r, sheet=ws.title), blank_before=blank))
        blank = False
    return grid


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
            data = zf.read(part)
            if b"<f" not in data:
                continue
            formulas = {}
            for m in _CELL_RE.finditer(data):
                body = m.group(2)
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

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = target
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    out = {}
    for sheet in wb.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"))
        if target:
            out[target] = sheet.get("name", "")
    return out
