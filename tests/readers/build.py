"""Build test files from a form written inline as a table.

A table is written one row per line with ' | ' between cells. Two markers draw merged cells:
`<` is covered by the cell on its left, `^` by the cell above, so

    项目资金（元） | < | 年初预算数
    ^              | ^ | 1,000.00

is a 2×2 merged cell beside two single cells. From such a table the functions below write an
.xlsx (numbers as numeric cells with the number format that prints them as written), a .docx
(rows merged across the whole width become paragraphs, as titles are in real documents), an
HTML table with rowspan/colspan, and a markdown pipe table.
"""

from __future__ import annotations

import html
import re
import textwrap
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


@dataclass
class Merge:
    row: int
    col: int
    rows: int
    cols: int
    text: str


def parse(table: str) -> tuple[list[list[str]], list[Merge]]:
    """Rows of cell texts (markers kept) and the merges: one Merge per cell that is not a marker."""
    lines = [line for line in textwrap.dedent(table).strip("\n").splitlines() if line.strip()]
    rows = [[c.strip() for c in line.split("|")] for line in lines]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    merges = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in ("<", "^"):
                continue
            cols = 1
            while c + cols < width and row[c + cols] == "<":
                cols += 1
            n = 1
            while r + n < len(rows) and rows[r + n][c] == "^":
                n += 1
            merges.append(Merge(r, c, n, cols, text))
    covered = {}
    for m in merges:
        for r in range(m.row, m.row + m.rows):
            for c in range(m.col, m.col + m.cols):
                if (r, c) in covered:
                    raise ValueError(f"row {r + 1} column {c + 1} is in two merged cells: check the < and ^ markers")
                covered[(r, c)] = m
    return rows, merges


def _whole_row(m: Merge, width: int) -> bool:
    return m.col == 0 and m.cols == width and m.rows == 1


def number_cell(text: str):
    """'1,200,000.00' → (Decimal('1200000.00'), '#,##0.00'); '95.00%' → (Decimal('0.95'), '0.00%'); else None."""
    if not _NUMBER.match(text):
        return None
    pct = text.endswith("%")
    body = text.rstrip("%")
    decimals = len(body.partition(".")[2])
    frac = "." + "0" * decimals if decimals else ""
    fmt = ("#,##0" if "," in body else "0") + frac
    if pct:
        return Decimal(body.replace(",", "")) / 100, "0" + frac + "%"
    if fmt == "0":
        fmt = "General"
    return Decimal(body.replace(",", "")), fmt


def to_xlsx(table: str, path: Path, sheet: str = "Sheet1", workbook=None, numbers: bool = True, start_row: int = 1,
            unbordered: int = 0):
    """Write the table into a sheet (a new workbook unless one is given); returns the workbook.
    Every cell has a border except in the first `unbordered` rows (a title above the table)."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side

    rows, merges = parse(table)
    wb = workbook
    if wb is None:
        wb = openpyxl.Workbook()
        wb.active.title = sheet
        ws = wb.active
    else:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    thin = Side(style="thin")
    for m in merges:
        cell = ws.cell(row=start_row + m.row, column=m.col + 1)
        cell.alignment = Alignment(vertical="center")  # as forms are set up: labels centred in merged cells
        num = number_cell(m.text) if numbers else None
        if num is not None:
            cell.value, cell.number_format = num
        elif m.text:
            cell.value = m.text
            cell.data_type = "s"
        for r in range(m.rows):
            for c in range(m.cols):
                if m.row + r >= unbordered:
                    ws.cell(row=start_row + m.row + r, column=m.col + c + 1).border = Border(
                        left=thin, right=thin, top=thin, bottom=thin)
        if m.rows > 1 or m.cols > 1:
            ws.merge_cells(start_row=start_row + m.row, start_column=m.col + 1,
                           end_row=start_row + m.row + m.rows - 1, end_column=m.col + m.cols)
    _print_ready(ws, merges, start_row)
    wb.save(path)
    return wb


def _units(text: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def _print_ready(ws, merges: list[Merge], start_row: int) -> None:
    """Set the sheet up as a unit would before printing: each column as wide as its longest
    single-cell text (capped), landscape, one page wide."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for m in merges:
        if m.cols == 1:
            widths[m.col] = max(widths.get(m.col, 6), min(_units(m.text) + 2, 34))
    for col, width in widths.items():
        letter = get_column_letter(col + 1)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def to_docx(tables: str | list[str], path: Path) -> None:
    """One Word table per inline table (consecutive tables, as after a page break); rows merged
    across the whole width before the first real row become centred paragraphs."""
    import docx

    doc = docx.Document()
    for table in [tables] if isinstance(tables, str) else tables:
        rows, merges = parse(table)
        width = len(rows[0])
        skip = 0
        for m in merges:
            if m.row == skip and _whole_row(m, width):
                if m.text:
                    doc.add_paragraph(m.text)
                skip += 1
        body = [r for r in rows[skip:]]
        t = doc.add_table(rows=len(body), cols=width)
        t.style = "Table Grid"
        cells = [list(row.cells) for row in t.rows]
        for m in merges:
            if m.row < skip:
                continue
            cell = cells[m.row - skip][m.col]
            if m.rows > 1 or m.cols > 1:
                cell = cell.merge(cells[m.row - skip + m.rows - 1][m.col + m.cols - 1])
            if m.text:
                cell.paragraphs[0].add_run(m.text)
    doc.save(str(path))


def to_html(table: str) -> str:
    rows, merges = parse(table)
    by_row: dict[int, list[Merge]] = {}
    for m in merges:
        by_row.setdefault(m.row, []).append(m)
    out = ["<html><body><table border=1>"]
    for r in range(len(rows)):
        cells = []
        for m in by_row.get(r, []):
            span = (f' rowspan="{m.rows}"' if m.rows > 1 else "") + (f' colspan="{m.cols}"' if m.cols > 1 else "")
            cells.append(f"<td{span}>{html.escape(m.text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "\n".join(out)


def to_markdown(table: str) -> str:
    """A pipe table as PDF-to-markdown tools write it: merged cells empty, a separator after the
    first row."""
    rows, _ = parse(table)
    lines = []
    for k, row in enumerate(rows):
        lines.append("| " + " | ".join("" if c in ("<", "^") else c.replace("|", "\\|") for c in row) + " |")
        if k == 0:
            lines.append("|" + "---|" * len(row))
    return "\n".join(lines) + "\n"


def indicator_facts(form) -> list[tuple]:
    """(一级, 二级, 三级, target, actual, weight, score, deviation) of every indicator, as read."""
    return [
        (i.level1.text, i.level2.text, i.name.text, i.target.norm, i.actual.norm, i.weight.text, i.score.text,
         i.deviation.text)
        for i in form.indicators
    ]


def rewrite(src: Path, dst: Path, part: str, change) -> Path:
    """A copy of a zip-based office file with one part changed (`change(bytes) -> bytes`)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst
