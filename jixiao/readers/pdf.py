"""Born-digital PDFs with pdfplumber: one grid per document, tables rebuilt from cell geometry.

pdfplumber finds each table's cells from the ruling lines (`page.find_tables()`). Their edges
give the table's column and row boundaries, and a cell covering several of them is a merged cell:
its text goes to its top-left grid position and the positions it covers are `merged=True`, as
every reader hands them on. Each character is placed in the cell that holds its centre (one pass
over the page's characters, by bisection), and cell text is built from the characters' lines:
lines a cell wrapped are joined without a break, keeping the space LibreOffice and Word leave at
the end of a line that broke between words.

Repairs made here, because they need the geometry:
- text that overflows its cell: characters right (or left) of the table but on a row's line
  belong to that row's outermost cell, and a single line that runs on from one cell into the
  empty cell next to it (starting at the border, with no gap) belongs to the first cell;
- merged cells a page break cut open (side rules, no border where the page cut them) are
  rebuilt from the rules, joined where drawn in pieces: `open_columns`, `open_ends`,
  `open_bands`; a label Chromium centred on its whole span, printed below the page's part of the
  table, goes into its open cell (`labels_below`);
- a table continued on the next page is simply read on: all pages go into one grid, and the
  first row of each new page is marked `blank_before` (the recogniser aligns rows that lost
  their merged leading column);
- a row split across the page break (Writer lets a row break: `某区养老服务中` at the foot of
  one page, `心` at the top of the next, the other cells of the second part empty) is joined
  back into one row: see `join_split_row`;
- text outside tables (the title, `（2021年度）`, `单位：元`) becomes rows in reading order, one
  cell per run of text separated by wide gaps; page numbers are dropped.
A page with images but no characters is a scan: it is rendered and read by OCR (readers/ocr/)
into the same grid, so a PDF mixing text pages and scanned pages reads both.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid, Row
from ..model import Loc
from .pdf_geometry import (
    SNAP,
    Table,
    join_rules,
    join_split_row,
    labels_below,
    line_text,
    mid,
    open_bands,
    open_columns,
    open_ends,
    text_lines,
)

MAX_PAGES = 500
MAX_CHARS_PER_PAGE = 200_000
_PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|Page\s*\d+(?:\s*of\s*\d+)?)$", re.I)


def _under_table(line: list[dict], tables: list[Table]) -> Table | None:
    """The table a line of text hangs just below, within the table's columns: the text of merged
    cells that a page break left open at the bottom (no border closes them, so they are not
    cells), printed where their vertical alignment put it."""
    top = min(c["top"] for c in line)
    size = max((c.get("size", 0) or 0) for c in line) or 10.0
    for t in tables:
        if t.bottom - 1 <= top <= t.bottom + 2.5 * size and line[0]["x0"] >= t.x0 - 1 and line[-1]["x1"] <= t.x1 + 1:
            return t
    return None


def _aligned_cells(line: list[dict], t: Table, name: str, sheet: str) -> list[Cell]:
    """A line under a table split at the table's column boundaries, one cell per column."""
    by_col: dict[int, list[dict]] = {}
    for ch in line:
        c = min(max(bisect_right(t.xs, mid(ch)[0]) - 1, 0), len(t.xs) - 2)
        by_col.setdefault(c, []).append(ch)
    return [Cell(text=line_text(by_col[c]).strip() if c in by_col else "", loc=Loc(file=name, col=c + 1, sheet=sheet))
            for c in range(len(t.xs) - 1)]


def _text_rows(chars: list[dict], name: str, page_no: int, tables: list[Table]) -> list[tuple[float, list[Cell]]]:
    """Text outside tables: one row per line, a new cell at each gap wider than three characters
    (or at the column boundaries of the table the line hangs under)."""
    out = []
    sheet = f"第{page_no}页"
    for line in text_lines(chars):
        table = _under_table(line, tables)
        if table is not None:
            out.append((line[0]["top"], _aligned_cells(line, table, name, sheet)))
            continue
        runs: list[list[dict]] = [[]]
        prev = None
        for ch in line:
            if prev is not None and ch["x0"] - prev["x1"] > 3 * max(prev.get("size", 0) or 0, 3.0):
                runs.append([])
            runs[-1].append(ch)
            prev = ch
        texts = [(line_text(run).strip(), run) for run in runs]
        texts = [(t, run) for t, run in texts if t]
        if not texts or (len(texts) == 1 and _PAGE_NUMBER.match(texts[0][0])):
            continue
        cells = [Cell(text=t, loc=Loc(file=name, col=k + 1, sheet=sheet),
                      bbox=(run[0]["x0"], min(c["top"] for c in run), run[-1]["x1"], max(c["bottom"] for c in run)))
                 for k, (t, run) in enumerate(texts)]
        out.append((line[0]["top"], cells))
    return out


def _page_rows(page, name: str, page_no: int, above: list[float] | None = None
               ) -> tuple[list[tuple[float, list[Cell]]], list[Table]] | None:
    """The page's rows in reading order and its tables (top to bottom), or None when the page has
    no text layer; `above`: the column boundaries of the previous page's last table."""
    # characters drawn outside the page (a merged cell's text pushed past a page break) are
    # clipped away when the page is shown: a person never sees them, and neither does the reader
    x0, top, x1, bottom = page.bbox
    chars = [c for c in page.chars if x0 <= mid(c)[0] <= x1 and top <= mid(c)[1] <= bottom]
    if not chars:
        return None if page.images else ([], [])
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise ReadError(f"PDF 第{page_no}页的字符数超过上限 {MAX_CHARS_PER_PAGE}", Loc(file=name, sheet=f"第{page_no}页"))
    found = [t for t in page.find_tables() if t.cells]
    edges = page.edges if found else []
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    rules = join_rules(vertical)
    tables = []
    for k, t in enumerate(sorted(found, key=lambda t: t.bbox[1])):
        cells = t.cells + open_columns(t.cells, rules, horizontal)
        ends = open_ends(cells, rules, horizontal)
        cells += ends
        table = Table(cells + open_bands(cells, vertical), above if k == 0 else None)
        bottom = max(b[3] for b in cells)
        below = {b for b in ends if abs(b[3] - bottom) <= SNAP}
        table.open_below = [cell for cell in table.cells if cell["bbox"] in below]
        tables.append(table)
    outside: list[dict] = []
    for ch in chars:
        x, y = mid(ch)
        for t in tables:
            if t.contains(x, y):
                t.cell_at(x, y)["chars"].append(ch)
                break
        else:
            if not any(t.overflow(ch) for t in tables):
                outside.append(ch)
    outside = labels_below(outside, tables)
    items = _text_rows(outside, name, page_no, tables)
    for t in tables:
        t.join_runovers()
        items.extend(t.rows(name, page_no))
    items.sort(key=lambda item: item[0])
    return items, tables


def _page_count(pdf) -> int | None:
    """The page count from the document catalogue, without building every page."""
    try:
        from pdfminer.pdftypes import resolve1

        pages = resolve1(pdf.doc.catalog.get("Pages"))
        count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
        return int(count) if isinstance(count, (int, float)) else None
    except Exception:  # a damaged page tree: pdfplumber will say so when pages are read
        return None


def _note_unmapped(grid: Grid, name: str) -> None:
    """One clear line for text pdfminer could not map to characters: a font without a usable
    ToUnicode map comes out as `(cid:123)` residue, which no label matches."""
    pages: dict[str, int] = {}
    for row in grid.rows:
        n = sum(c.text.count("(cid:") for c in row.cells)
        if n:
            pages[row.loc.sheet or ""] = pages.get(row.loc.sheet or "", 0) + n
    if pages:
        where = "、".join(list(pages)[:10]) + ("…" if len(pages) > 10 else "")
        grid.problems.append(ReadError(
            f"PDF {where}有 {sum(pages.values())} 处文字的字体缺少字符映射（ToUnicode），无法识别为文字"
            "（显示为 (cid:…)），这些文字未能读取；请索取可复制文字的版本，或先做文字识别（OCR）",
            Loc(file=name, sheet=next(iter(pages)) or None)))


def read_pdf(path: Path) -> list[Grid]:
    name = str(path)
    # pdfminer logs a warning per font it finds odd (`Could not get FontBBox from font
    # descriptor…` dozens of times for a Chromium PDF) although the text reads fine; what the
    # user needs to know about a PDF it cannot read comes back as a ReadError
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect:
        raise ReadError("PDF 已加密（设有打开密码），无法读取；请取消密码后再读取", Loc(file=name)) from None
    except Exception as e:  # pdfminer raises PDFSyntaxError, PSEOF, KeyError… on broken files
        raise ReadError(f"PDF 文件已损坏，无法打开（{library_error(e)}）", Loc(file=name)) from None
    grid = Grid(source=name)
    no_text: list[int] = []
    scans: list = []
    last: Table | None = None  # the previous page's last table, when it ended the page
    with pdf:
        count = _page_count(pdf)
        if count is not None and count > MAX_PAGES:
            raise ReadError(f"PDF 共 {count} 页，超过上限 {MAX_PAGES} 页；请拆分后再读取", Loc(file=name))
        try:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise ReadError(f"PDF 共 {len(pages)} 页，超过上限 {MAX_PAGES} 页；请拆分后再读取", Loc(file=name))
            above = None  # the column boundaries of the last table of the page before
            for page_no, page in enumerate(pages, 1):
                read = _page_rows(page, name, page_no, above)
                page.close()  # drop the page's parsed objects: memory stays bounded by one page
                _drop_streams(pdf)
                if read is None:
                    no_text.append(page_no)
                    _read_scan(path, page_no, scans, grid, name)
                    last = above = None
                    continue
                items, tables = read
                above = tables[-1].xs if tables else None
                joined = last is not None and _ends(items, tables, first=True) and join_split_row(last, tables[0])
                add_page(grid, items, name, page_no, continued=joined)
                last = tables[-1] if _ends(items, tables, first=False) else None
        except ReadError:
            raise
        except Exception as e:  # pdfminer errors in a page's content stream
            raise ReadError(f"PDF 文件已损坏，无法读取页面内容（{library_error(e)}）", Loc(file=name)) from None
    _note_unmapped(grid, name)
    if scans:
        scans[0].finish()
        if not grid.rows and len(grid.problems) == 1 and len(no_text) == 1:
            raise grid.problems[0]  # the one scanned page's problem is the file's
    return [grid]


def _ends(items: list[tuple[float, list[Cell]]], tables: list[Table], first: bool) -> bool:
    """Whether the page starts (`first`) or ends with a row of a table: its first table's first
    row, or its last table's last row, with no text before or after it."""
    if not tables:
        return False
    texts = [(y, cells) for y, cells in items if any(c.text for c in cells)]
    if not texts:
        return False
    y = texts[0][0] if first else texts[-1][0]
    return y == (tables[0].ys[0] if first else tables[-1].ys[-2])


def add_page(grid: Grid, items: list[tuple[float, list[Cell]]], name: str, page_no: int,
             continued: bool = False) -> None:
    """A page's rows (in reading order) onto the grid: rows without text are left out, the others
    numbered from 1 on the page; the first row of every page after the first is `blank_before`,
    unless the page began with the rest of a row of the previous page (`continued`)."""
    line = 0
    for _, cells in items:
        if not any(c.text for c in cells):
            continue
        line += 1
        for c in cells:
            c.loc.line = line
        grid.rows.append(Row(cells=cells, loc=Loc(file=name, line=line, sheet=f"第{page_no}页"),
                             blank_before=line == 1 and page_no > 1 and not continued))


def _drop_streams(pdf) -> None:
    """Forget the streams pdfminer's document has parsed so far. The document keeps every object
    it resolves for the life of the file, a page's content stream and its images included: a
    scanned page's JPEG (about 0.4 MB at 200 dpi) stayed in memory until the whole PDF was read.
    Dictionaries (the page tree, fonts) stay cached; a stream needed again is read again."""
    from pdfminer.pdftypes import PDFStream

    cache = getattr(pdf.doc, "_cached_objs", None)  # pdfminer.six keeps it as {objid: (obj, genno)}
    if cache:
        for objid in [k for k, (obj, _) in cache.items() if isinstance(obj, PDFStream)]:
            del cache[objid]


def _read_scan(path: Path, page_no: int, scans: list, grid: Grid, name: str) -> None:
    """A page without a text layer (a scan): rendered by pypdfium2 and read by OCR
    (readers/ocr/). `scans` holds the OCR page reader, made for the first scanned page and kept
    for the others. The pypdfium2 document is opened for each page and closed after it: an open
    document keeps the image data of every page it has rendered (0.4 MB a page at 200 dpi), and
    opening one costs a tenth of a millisecond."""
    import pypdfium2

    from .ocr import Pages, render_pdf_page

    if not scans:
        scans.append(Pages(grid, name))
    document = pypdfium2.PdfDocument(str(path))
    try:
        gray = render_pdf_page(document, page_no)
    finally:
        document.close()
    scans[0].read(gray, page_no)
