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
  rebuilt from the rules, joined where drawn in pieces: `_open_columns`, `_open_ends`,
  `_open_bands`; a label Chromium centred on its whole span, printed below the page's part of the
  table, goes into its open cell (`_labels_below`);
- a table continued on the next page is simply read on: all pages go into one grid, and the
  first row of each new page is marked `blank_before` (the recogniser aligns rows that lost
  their merged leading column);
- a row split across the page break (Writer lets a row break: `某区养老服务中` at the foot of
  one page, `心` at the top of the next, the other cells of the second part empty) is joined
  back into one row: see `_join_split_row`;
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

MAX_PAGES = 500
MAX_CHARS_PER_PAGE = 200_000
SNAP = 1.0  # points: edges closer than this are the same boundary
_PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|Page\s*\d+(?:\s*of\s*\d+)?)$", re.I)


def _boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    """The boundary nearest to v (cell edges are snapped to these)."""
    i = bisect_right(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds) or v - bounds[i - 1] <= bounds[i] - v:
        return i - 1
    return i


def _mid(ch: dict) -> tuple[float, float]:
    return (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines, top to bottom, each line left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        _, cy = _mid(ch)
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(cy - (ref["top"] + ref["bottom"]) / 2) <= max(ref["bottom"] - ref["top"], 1) * 0.5:
                last.append(ch)
                continue
        lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _line_text(line: list[dict]) -> str:
    out = []
    prev = None
    for ch in line:
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(prev.get("size", 0) or 0, 1.0)
            if gap > max(1.5, 0.25 * size) and not prev["text"].isspace() and not ch["text"].isspace():
                out.append(" ")  # a word gap the producer drew without a space character
        out.append(ch["text"])
        prev = ch
    return "".join(out)


_NUMBER_HEAD = re.compile(r"[-+]?\d[\d,]*\.?\d*$")  # the cell so far: one number, cut at its end
_NUMBER_TAIL = re.compile(r"[\d.,]*%?")  # what of it the next line holds


def _join_lines(lines: list[str]) -> str:
    """Lines a cell wrapped, joined. A break needs a space only between two Latin words or
    numbers when the producer left none; CJK text wraps anywhere and joins without one. A line
    that is a single number, continued by digits or a percent sign, is one number a narrow cell
    broke inside (`97.2` / `9%`): a cell breaks between words where it can, so a number alone on
    its line was cut only because it did not fit."""
    text = ""
    for line in lines:
        if text and line and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            if not (_NUMBER_HEAD.match(text) and _NUMBER_TAIL.fullmatch(line.split(" ")[0])):
                text += " "
        text += line
    return text


def _text(chars: list[dict]) -> str:
    return _join_lines([_line_text(line) for line in _lines(chars)]).strip()


def _continues(xs: list[float], above: list[float]) -> bool:
    """A table at the top of a page whose column boundaries are some of those of the table that
    ended the previous page, at its width: the rest of it (a 总分 row alone on the page, whose
    merged cells show only some of the columns)."""
    return len(xs) < len(above) and abs(xs[0] - above[0]) <= SNAP and abs(xs[-1] - above[-1]) <= SNAP and all(
        any(abs(x - a) <= SNAP for a in above) for x in xs)


class _Table:
    """One table's grid: boundaries, which cell owns each grid position, the characters of each cell."""

    def __init__(self, bboxes: list[tuple[float, float, float, float]], above: list[float] | None = None):
        self.xs = _boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
        if above and _continues(self.xs, above):
            self.xs = list(above)  # the columns of the table it continues (its merged cells hid some)
        self.ys = _boundaries([b[1] for b in bboxes] + [b[3] for b in bboxes])
        self.x0, self.x1 = self.xs[0], self.xs[-1]
        self.top, self.bottom = self.ys[0], self.ys[-1]
        self.cells: list[dict] = []  # {"r", "c", "rows", "cols", "bbox", "chars"}
        self.owner: dict[tuple[int, int], int] = {}
        self.made: dict[int, Cell] = {}  # cell index → the grid cell rows() made for it
        self.open_below: list[dict] = []  # cells a page break left open at the table's bottom
        for b in bboxes:
            c0, c1 = _index(self.xs, b[0]), _index(self.xs, b[2])
            r0, r1 = _index(self.ys, b[1]), _index(self.ys, b[3])
            if c1 <= c0 or r1 <= r0 or (r0, c0) in self.owner:
                continue
            k = len(self.cells)
            self.cells.append({"r": r0, "c": c0, "rows": r1 - r0, "cols": c1 - c0, "bbox": b, "chars": []})
            for r in range(r0, r1):
                for c in range(c0, c1):
                    self.owner.setdefault((r, c), k)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.top <= y < self.bottom

    def cell_at(self, x: float, y: float) -> dict:
        r = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        c = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        k = self.owner.get((r, c))
        if k is None:  # a hole the ruling lines did not close: a cell of its own
            k = len(self.cells)
            self.cells.append({"r": r, "c": c, "rows": 1, "cols": 1,
                               "bbox": (self.xs[c], self.ys[r], self.xs[c + 1], self.ys[r + 1]), "chars": []})
            self.owner[(r, c)] = k
        return self.cells[k]

    def overflow(self, ch: dict) -> bool:
        """Characters beside the table on a row's line run over from that row's outermost cell."""
        x, y = _mid(ch)
        if not (self.top <= y < self.bottom) or self.x0 <= x < self.x1:
            return False
        r = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        cols = range(len(self.xs) - 2, -1, -1) if x >= self.x1 else range(len(self.xs) - 1)
        for c in cols:
            k = self.owner.get((r, c))
            if k is not None:
                self.cells[k]["chars"].append(ch)
                return True
        return False

    def join_runovers(self) -> None:
        """A line that runs from one cell into the empty cell beside it belongs to the first."""
        by_pos = {(cell["r"], cell["c"]): cell for cell in self.cells}
        for cell in sorted(self.cells, key=lambda c: (c["r"], c["c"])):
            if not cell["chars"]:
                continue
            right = by_pos.get((cell["r"], cell["c"] + cell["cols"]))
            if right is None or not right["chars"] or right is cell:
                continue
            right_lines = _lines(right["chars"])
            if len(right_lines) != 1:
                continue
            first = right_lines[0][0]
            _, fy = _mid(first)
            same_line = [ch for ch in cell["chars"] if abs(_mid(ch)[1] - fy) <= (first["bottom"] - first["top"]) * 0.5]
            if not same_line:
                continue
            last = max(same_line, key=lambda ch: ch["x1"])
            border = right["bbox"][0]
            # one run of text: the characters touch across the border (two cells' texts are
            # at least their two paddings apart, however small the page is scaled)
            if -1.0 < first["x0"] - last["x1"] < 0.25 and last["x0"] < border < first["x1"]:
                cell["chars"].extend(right["chars"])
                right["chars"] = []

    def rows(self, name: str, page_no: int) -> list[tuple[float, list[Cell]]]:
        sheet = f"第{page_no}页"
        out = []
        by_origin = {(cell["r"], cell["c"]): cell for cell in self.cells}
        for r in range(len(self.ys) - 1):
            cells = []
            for c in range(len(self.xs) - 1):
                loc = Loc(file=name, col=c + 1, sheet=sheet)
                origin = by_origin.get((r, c))
                if origin is not None:
                    cells.append(Cell(text=_text(origin["chars"]), loc=loc, span=(origin["rows"], origin["cols"]),
                                      bbox=tuple(origin["bbox"])))
                    self.made[self.owner[(r, c)]] = cells[-1]
                elif (r, c) in self.owner:
                    cells.append(Cell(text="", loc=loc, merged=True))
                else:
                    cells.append(Cell(text="", loc=loc))
            out.append((self.ys[r], cells))
        return out


def _under_table(line: list[dict], tables: list[_Table]) -> _Table | None:
    """The table a line of text hangs just below, within the table's columns: the text of merged
    cells that a page break left open at the bottom (no border closes them, so they are not
    cells), printed where their vertical alignment put it."""
    top = min(c["top"] for c in line)
    size = max((c.get("size", 0) or 0) for c in line) or 10.0
    for t in tables:
        if t.bottom - 1 <= top <= t.bottom + 2.5 * size and line[0]["x0"] >= t.x0 - 1 and line[-1]["x1"] <= t.x1 + 1:
            return t
    return None


def _aligned_cells(line: list[dict], t: _Table, name: str, sheet: str) -> list[Cell]:
    """A line under a table split at the table's column boundaries, one cell per column."""
    by_col: dict[int, list[dict]] = {}
    for ch in line:
        c = min(max(bisect_right(t.xs, _mid(ch)[0]) - 1, 0), len(t.xs) - 2)
        by_col.setdefault(c, []).append(ch)
    return [Cell(text=_line_text(by_col[c]).strip() if c in by_col else "", loc=Loc(file=name, col=c + 1, sheet=sheet))
            for c in range(len(t.xs) - 1)]


def _join_rules(vertical: list[dict]) -> list[dict]:
    """Vertical rules drawn in pieces joined into one rule per unbroken run (`x0`, `top`,
    `bottom`): Chromium draws each cell's border on its own, so a column rule down a page comes
    in one piece per row, and both edges of a thin rule rectangle are the same rule."""
    clusters: list[list[dict]] = []
    for e in sorted(vertical, key=lambda e: e["x0"]):
        if clusters and e["x0"] - clusters[-1][0]["x0"] <= SNAP:
            clusters[-1].append(e)
        else:
            clusters.append([e])
    out: list[dict] = []
    for cluster in clusters:
        x = sum(e["x0"] for e in cluster) / len(cluster)
        runs: list[dict] = []
        for e in sorted(cluster, key=lambda e: e["top"]):
            if runs and e["top"] <= runs[-1]["bottom"] + SNAP:
                runs[-1]["bottom"] = max(runs[-1]["bottom"], e["bottom"])
            else:
                runs.append({"x0": x, "top": e["top"], "bottom": e["bottom"]})
        out += runs
    return out


def _open_columns(bboxes: list[tuple], rules: list[dict], horizontal: list[dict]) -> list[tuple]:
    """Cells of a column beside a table that a page break left open at both ends.

    A column of cells merged down the whole page (绩效指标, 一级指标 continued from the previous
    page and onto the next) has its rules but no top or bottom border, so pdfplumber leaves it
    out of the table; its text would read as text beside the table. A rule parallel to the
    table's edge over most of its height marks such a column, and each further rule beyond it
    one more (a page wholly inside one 二级 group of a long 数量指标 list has 绩效指标, 一级 and
    二级 all open, each printed with its text: they are three columns, not one cell holding
    `绩效指标产出指标数量指标`); rules across a column cut it into cells. `rules`: the page's
    vertical rules, joined (`_join_rules`)."""
    x0, top = min(b[0] for b in bboxes), min(b[1] for b in bboxes)
    x1, bottom = max(b[2] for b in bboxes), max(b[3] for b in bboxes)
    height = bottom - top
    cells = []
    for side in ("left", "right"):
        edge_x = x0 if side == "left" else x1
        beyond = [e for e in rules
                  if (e["x0"] < x0 - 2 if side == "left" else e["x0"] > x1 + 2)
                  and min(e["bottom"], bottom) - max(e["top"], top) > 0.5 * height]
        beyond.sort(key=lambda e: abs(e["x0"] - edge_x))  # from the table's edge outwards
        inner = {"x0": edge_x, "top": top, "bottom": bottom}
        for rule in beyond:
            if abs(rule["x0"] - inner["x0"]) <= SNAP:  # the same rule drawn twice (or in pieces)
                continue
            a, b = sorted((rule["x0"], inner["x0"]))
            y0, y1 = max(rule["top"], inner["top"], top), min(rule["bottom"], inner["bottom"], bottom)
            cuts = sorted({e["top"] for e in horizontal
                           if e["x0"] <= a + SNAP and e["x1"] >= b - SNAP and y0 + 2 < e["top"] < y1 - 2})
            ys = [y0, *cuts, y1]
            cells += [(a, ya, b, yb) for ya, yb in zip(ys, ys[1:])]
            inner = rule
    return cells


def _open_ends(bboxes: list[tuple], rules: list[dict], horizontal: list[dict]) -> list[tuple]:
    """Cells of a column inside a table that a page break left open at the table's bottom or top.

    A cell merged down over the page break (一级 / 二级 of a group continued on the next page)
    has its side rules but no border where the page cuts it, so pdfplumber finds no cell there;
    its column is covered by the table's cells only above (or below) it. Where the rules on both
    sides of such a column run on to the table's edge, the uncovered stretch is cells of that
    column, cut where rules cross it (what Chromium prints: it closes only the columns whose
    cells end at the break)."""
    xs = _boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
    top, bottom = min(b[1] for b in bboxes), max(b[3] for b in bboxes)

    def ruled(x: float, y0: float, y1: float) -> bool:
        return any(abs(r["x0"] - x) <= SNAP and r["top"] <= y0 + SNAP and r["bottom"] >= y1 - SNAP for r in rules)

    cells = []
    for a, b in zip(xs, xs[1:]):
        covering = [bb for bb in bboxes if bb[0] <= a + SNAP and bb[2] >= b - SNAP]
        if not covering:
            continue
        low, high = max(bb[3] for bb in covering), min(bb[1] for bb in covering)
        for y0, y1 in ((low, bottom), (top, high)):
            if y1 - y0 <= 2 or not (ruled(a, y0, y1) and ruled(b, y0, y1)):
                continue
            cuts = sorted({e["top"] for e in horizontal
                           if e["x0"] <= a + SNAP and e["x1"] >= b - SNAP and y0 + 2 < e["top"] < y1 - 2})
            ys = [y0, *cuts, y1]
            cells += [(a, ya, b, yb) for ya, yb in zip(ys, ys[1:])]
    return cells


def _open_bands(bboxes: list[tuple[float, float, float, float]], vertical: list[dict]) -> list[tuple]:
    """Cells of the rows a page break left open above or below a table.

    A table continued from the previous page starts with a row that has no top border (and one
    continued on the next page ends with one that has no bottom border), so pdfplumber finds no
    cells there; the column rules still run through it. Each run of the rules beyond the table
    gives one more row, cut into cells where the rules are."""
    xs = _boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
    top, bottom = min(b[1] for b in bboxes), max(b[3] for b in bboxes)
    at_cols = [e for e in vertical if abs(e["x0"] - xs[_index(xs, e["x0"])]) <= SNAP]
    bands = []
    above = [e["top"] for e in at_cols if e["top"] < top - 2 and e["bottom"] >= top - SNAP]
    below = [e["bottom"] for e in at_cols if e["bottom"] > bottom + 2 and e["top"] <= bottom + SNAP]
    if above:
        bands.append((min(above), top))
    if below:
        bands.append((bottom, max(below)))
    cells = []
    for y0, y1 in bands:
        middle = (y0 + y1) / 2
        rules = sorted({xs[_index(xs, e["x0"])] for e in at_cols if e["top"] <= middle <= e["bottom"]})
        cells += [(a, y0, b, y1) for a, b in zip(rules, rules[1:])]
    return cells


def _labels_below(chars: list[dict], tables: list[_Table]) -> list[dict]:
    """The texts of cells a page break left open at a table's bottom, printed below the table:
    moved into those cells; the characters left over are returned.

    Chromium centres a merged cell's text on the whole span as if the page did not break, so the
    label of a long group (产出指标 over 28 rows) lands in the empty space under the page's part of
    the table, or past the page's foot. The lines straight under the table whose every
    character lies within one open cell's column are that text; the first line that is not
    (a note, the next table's title) ends it."""
    for t in tables:
        if not t.open_below:
            continue
        end = min((u.top for u in tables if u.top >= t.bottom - SNAP and u is not t), default=float("inf"))
        below = [ch for ch in chars if t.bottom <= _mid(ch)[1] < end]
        taken: set[int] = set()
        for line in _lines(below):
            homes = [next((c for c in t.open_below if c["bbox"][0] - SNAP <= ch["x0"] and ch["x1"] <= c["bbox"][2] + SNAP),
                          None) for ch in line]
            if None in homes:
                break
            for ch, home in zip(line, homes):
                home["chars"].append(ch)
                taken.add(id(ch))
        if taken:
            chars = [ch for ch in chars if id(ch) not in taken]
    return chars


def _text_rows(chars: list[dict], name: str, page_no: int, tables: list[_Table]) -> list[tuple[float, list[Cell]]]:
    """Text outside tables: one row per line, a new cell at each gap wider than three characters
    (or at the column boundaries of the table the line hangs under)."""
    out = []
    sheet = f"第{page_no}页"
    for line in _lines(chars):
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
        texts = [(_line_text(run).strip(), run) for run in runs]
        texts = [(t, run) for t, run in texts if t]
        if not texts or (len(texts) == 1 and _PAGE_NUMBER.match(texts[0][0])):
            continue
        cells = [Cell(text=t, loc=Loc(file=name, col=k + 1, sheet=sheet),
                      bbox=(run[0]["x0"], min(c["top"] for c in run), run[-1]["x1"], max(c["bottom"] for c in run)))
                 for k, (t, run) in enumerate(texts)]
        out.append((line[0]["top"], cells))
    return out


def _page_rows(page, name: str, page_no: int, above: list[float] | None = None
               ) -> tuple[list[tuple[float, list[Cell]]], list[_Table]] | None:
    """The page's rows in reading order and its tables (top to bottom), or None when the page has
    no text layer; `above`: the column boundaries of the previous page's last table."""
    # characters drawn outside the page (a merged cell's text pushed past a page break) are
    # clipped away when the page is shown: a person never sees them, and neither does the reader
    x0, top, x1, bottom = page.bbox
    chars = [c for c in page.chars if x0 <= _mid(c)[0] <= x1 and top <= _mid(c)[1] <= bottom]
    if not chars:
        return None if page.images else ([], [])
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise ReadError(f"PDF 第{page_no}页的字符数超过上限 {MAX_CHARS_PER_PAGE}", Loc(file=name, sheet=f"第{page_no}页"))
    found = [t for t in page.find_tables() if t.cells]
    edges = page.edges if found else []
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    rules = _join_rules(vertical)
    tables = []
    for k, t in enumerate(sorted(found, key=lambda t: t.bbox[1])):
        cells = t.cells + _open_columns(t.cells, rules, horizontal)
        ends = _open_ends(cells, rules, horizontal)
        cells += ends
        table = _Table(cells + _open_bands(cells, vertical), above if k == 0 else None)
        bottom = max(b[3] for b in cells)
        below = {b for b in ends if abs(b[3] - bottom) <= SNAP}
        table.open_below = [cell for cell in table.cells if cell["bbox"] in below]
        tables.append(table)
    outside: list[dict] = []
    for ch in chars:
        x, y = _mid(ch)
        for t in tables:
            if t.contains(x, y):
                t.cell_at(x, y)["chars"].append(ch)
                break
        else:
            if not any(t.overflow(ch) for t in tables):
                outside.append(ch)
    outside = _labels_below(outside, tables)
    items = _text_rows(outside, name, page_no, tables)
    for t in tables:
        t.join_runovers()
        items.extend(t.rows(name, page_no))
    items.sort(key=lambda item: item[0])
    return items, tables


_CJK_OR_SPACE = re.compile(r"[\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _first_word_width(chars: list[dict]) -> float:
    """The width of the first word of a cell's first line: the run of Latin characters and
    digits up to a space or CJK character, or the first character when it is CJK (CJK text wraps
    anywhere)."""
    line = _lines(chars)[0]
    end = 0
    while end < len(line) and not _CJK_OR_SPACE.match(line[end]["text"]):
        end += 1
    word = line[:max(end, 1)]
    return word[-1]["x1"] - word[0]["x0"]


def _padding(*tables: _Table) -> float:
    """The cells' inner padding: the smallest gap between a cell's left border and its text
    (a left-aligned cell's text starts there; centred text starts further in)."""
    gaps = [min(ch["x0"] for ch in cell["chars"]) - cell["bbox"][0] for t in tables for cell in t.cells if cell["chars"]]
    return max(min(gaps, default=0.0), 0.0)


def _wrapped_on(cell: dict, after: list[dict], pad: float) -> bool:
    """Whether the text `after` (the top of the next page) is where the cell's text wrapped:
    the cell's last line runs down to the foot of the cell (the page cut the row there) and is
    too full for the first word of `after` to have fit beside it."""
    if not cell["chars"]:
        return False
    last = _lines(cell["chars"])[-1]
    height = max(ch["bottom"] - ch["top"] for ch in last)
    at_foot = cell["bbox"][3] - max(ch["bottom"] for ch in last) <= height
    return at_foot and last[-1]["x1"] + _first_word_width(after) > cell["bbox"][2] - pad + 0.5


def _join_split_row(last: _Table, first: _Table) -> bool:
    """Join the first row of a page's first table onto the last row of the previous page's
    last table when it is that row's second part, split by the page break: the two tables have
    the same columns, and every cell of the row's second part that has text continues the text of
    the cell above it, which runs to the foot of the page's part of the row and left no room for
    it on its last line (LibreOffice Writer and Word break a row when it does not fit; Calc and
    Chromium never split a row's text). The text goes onto
    the first part's cells and the second part is left empty (so not a row of its own)."""
    if len(last.xs) != len(first.xs) or any(abs(a - b) > 2 * SNAP for a, b in zip(last.xs, first.xs)):
        return False
    r = len(last.ys) - 2
    pad = _padding(last, first)
    moves = []
    for k, cell in enumerate(first.cells):
        if cell["r"] != 0 or not cell["chars"]:
            continue
        above = last.owner.get((r, cell["c"]))
        if above is None or above not in last.made:
            return False
        top = last.cells[above]
        if (top["c"], top["cols"]) != (cell["c"], cell["cols"]) or not _wrapped_on(top, cell["chars"], pad):
            return False
        moves.append((above, k))
    if not moves:
        return False
    for above, k in moves:
        made = last.made[above]
        made.text = _join_lines([made.text, _text(first.cells[k]["chars"])])
        first.made[k].text = ""
    return True


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
    last: _Table | None = None  # the previous page's last table, when it ended the page
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
                joined = last is not None and _ends(items, tables, first=True) and _join_split_row(last, tables[0])
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


def _ends(items: list[tuple[float, list[Cell]]], tables: list[_Table], first: bool) -> bool:
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
