"""The geometry of a PDF page's tables, for the PDF reader (readers/pdf.py): a table's grid
rebuilt from pdfplumber's cells (`Table`: column and row boundaries, which cell owns each grid
position, the characters of each cell), the text of a cell from its characters' lines
(`cell_text`, `join_lines`), and the repairs a page break calls for: merged cells the break cut
open rebuilt from the ruling lines (`join_rules`, `open_columns`, `open_ends`, `open_bands`), a
label Chromium centred on a span that crosses the break put back into its cell (`labels_below`),
a table's rest on the next page given the columns of the table it continues (`continues`), and a
row Writer split across the break joined back (`join_split_row`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..grid import Cell
from ..model import Loc

SNAP = 1.0  # points: edges closer than this are the same boundary


def boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def index_of(bounds: list[float], v: float) -> int:
    """The boundary nearest to v (cell edges are snapped to these)."""
    i = bisect_right(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds) or v - bounds[i - 1] <= bounds[i] - v:
        return i - 1
    return i


def mid(ch: dict) -> tuple[float, float]:
    return (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2


def text_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines, top to bottom, each line left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        _, cy = mid(ch)
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


def line_text(line: list[dict]) -> str:
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


def join_lines(lines: list[str]) -> str:
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


def cell_text(chars: list[dict]) -> str:
    return join_lines([line_text(line) for line in text_lines(chars)]).strip()


def continues(xs: list[float], above: list[float]) -> bool:
    """A table at the top of a page whose column boundaries are some of those of the table that
    ended the previous page, at its width: the rest of it (a 总分 row alone on the page, whose
    merged cells show only some of the columns)."""
    return len(xs) < len(above) and abs(xs[0] - above[0]) <= SNAP and abs(xs[-1] - above[-1]) <= SNAP and all(
        any(abs(x - a) <= SNAP for a in above) for x in xs)


class Table:
    """One table's grid: boundaries, which cell owns each grid position, the characters of each cell."""

    def __init__(self, bboxes: list[tuple[float, float, float, float]], above: list[float] | None = None):
        self.xs = boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
        if above and continues(self.xs, above):
            self.xs = list(above)  # the columns of the table it continues (its merged cells hid some)
        self.ys = boundaries([b[1] for b in bboxes] + [b[3] for b in bboxes])
        self.x0, self.x1 = self.xs[0], self.xs[-1]
        self.top, self.bottom = self.ys[0], self.ys[-1]
        self.cells: list[dict] = []  # {"r", "c", "rows", "cols", "bbox", "chars"}
        self.owner: dict[tuple[int, int], int] = {}
        self.made: dict[int, Cell] = {}  # cell index → the grid cell rows() made for it
        self.open_below: list[dict] = []  # cells a page break left open at the table's bottom
        for b in bboxes:
            c0, c1 = index_of(self.xs, b[0]), index_of(self.xs, b[2])
            r0, r1 = index_of(self.ys, b[1]), index_of(self.ys, b[3])
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
        x, y = mid(ch)
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
            right_lines = text_lines(right["chars"])
            if len(right_lines) != 1:
                continue
            first = right_lines[0][0]
            _, fy = mid(first)
            same_line = [ch for ch in cell["chars"] if abs(mid(ch)[1] - fy) <= (first["bottom"] - first["top"]) * 0.5]
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
                    cells.append(Cell(text=cell_text(origin["chars"]), loc=loc, span=(origin["rows"], origin["cols"]),
                                      bbox=tuple(origin["bbox"])))
                    self.made[self.owner[(r, c)]] = cells[-1]
                elif (r, c) in self.owner:
                    cells.append(Cell(text="", loc=loc, merged=True))
                else:
                    cells.append(Cell(text="", loc=loc))
            out.append((self.ys[r], cells))
        return out


def join_rules(vertical: list[dict]) -> list[dict]:
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


def _cut(a: float, b: float, y0: float, y1: float, horizontal: list[dict]) -> list[tuple]:
    """The stretch of column a–b from y0 to y1 as cells, cut where a horizontal rule crosses it."""
    cuts = sorted({e["top"] for e in horizontal
                   if e["x0"] <= a + SNAP and e["x1"] >= b - SNAP and y0 + 2 < e["top"] < y1 - 2})
    ys = [y0, *cuts, y1]
    return [(a, ya, b, yb) for ya, yb in zip(ys, ys[1:])]


def open_columns(bboxes: list[tuple], rules: list[dict], horizontal: list[dict]) -> list[tuple]:
    """Cells of a column beside a table that a page break left open at both ends.

    A column of cells merged down the whole page (绩效指标, 一级指标 continued from the previous
    page and onto the next) has its rules but no top or bottom border, so pdfplumber leaves it
    out of the table; its text would read as text beside the table. A rule parallel to the
    table's edge over most of its height marks such a column, and each further rule beyond it
    one more (a page wholly inside one 二级 group of a long 数量指标 list has 绩效指标, 一级 and
    二级 all open, each printed with its text: they are three columns, not one cell holding
    `绩效指标产出指标数量指标`); rules across a column cut it into cells. `rules`: the page's
    vertical rules, joined (`join_rules`)."""
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
            cells += _cut(a, b, y0, y1, horizontal)
            inner = rule
    return cells


def open_ends(bboxes: list[tuple], rules: list[dict], horizontal: list[dict]) -> list[tuple]:
    """Cells of a column inside a table that a page break left open at the table's bottom or top.

    A cell merged down over the page break (一级 / 二级 of a group continued on the next page)
    has its side rules but no border where the page cuts it, so pdfplumber finds no cell there;
    its column is covered by the table's cells only above (or below) it. Where the rules on both
    sides of such a column run on to the table's edge, the uncovered stretch is cells of that
    column, cut where rules cross it (what Chromium prints: it closes only the columns whose
    cells end at the break)."""
    xs = boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
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
            if y1 - y0 > 2 and ruled(a, y0, y1) and ruled(b, y0, y1):
                cells += _cut(a, b, y0, y1, horizontal)
    return cells


def open_bands(bboxes: list[tuple[float, float, float, float]], vertical: list[dict]) -> list[tuple]:
    """Cells of the rows a page break left open above or below a table.

    A table continued from the previous page starts with a row that has no top border (and one
    continued on the next page ends with one that has no bottom border), so pdfplumber finds no
    cells there; the column rules still run through it. Each run of the rules beyond the table
    gives one more row, cut into cells where the rules are."""
    xs = boundaries([b[0] for b in bboxes] + [b[2] for b in bboxes])
    top, bottom = min(b[1] for b in bboxes), max(b[3] for b in bboxes)
    at_cols = [e for e in vertical if abs(e["x0"] - xs[index_of(xs, e["x0"])]) <= SNAP]
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
        rules = sorted({xs[index_of(xs, e["x0"])] for e in at_cols if e["top"] <= middle <= e["bottom"]})
        cells += [(a, y0, b, y1) for a, b in zip(rules, rules[1:])]
    return cells


def labels_below(chars: list[dict], tables: list[Table]) -> list[dict]:
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
        below = [ch for ch in chars if t.bottom <= mid(ch)[1] < end]
        taken: set[int] = set()
        for line in text_lines(below):
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


_CJK_OR_SPACE = re.compile(r"[\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _first_word_width(chars: list[dict]) -> float:
    """The width of the first word of a cell's first line: the run of Latin characters and
    digits up to a space or CJK character, or the first character when it is CJK (CJK text wraps
    anywhere)."""
    line = text_lines(chars)[0]
    end = 0
    while end < len(line) and not _CJK_OR_SPACE.match(line[end]["text"]):
        end += 1
    word = line[:max(end, 1)]
    return word[-1]["x1"] - word[0]["x0"]


def _padding(*tables: Table) -> float:
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
    last = text_lines(cell["chars"])[-1]
    height = max(ch["bottom"] - ch["top"] for ch in last)
    at_foot = cell["bbox"][3] - max(ch["bottom"] for ch in last) <= height
    return at_foot and last[-1]["x1"] + _first_word_width(after) > cell["bbox"][2] - pad + 0.5


def join_split_row(last: Table, first: Table) -> bool:
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
        made.text = join_lines([made.text, cell_text(first.cells[k]["chars"])])
        first.made[k].text = ""
    return True
