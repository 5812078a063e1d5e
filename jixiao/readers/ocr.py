"""Scanned pages and photos: page images → the same grid of cells every other reader gives.

A page image (a PDF page without a text layer rendered by pypdfium2, or a frame of a .png, .jpg
or .tif file) goes through:

1. checks that say in Chinese what is wrong with the page instead of guessing: too small to
   read, blank, taken at too steep an angle;
2. deskew: the angle that makes the page's rows of ink sharpest (table rules and text lines), found
   on a reduced copy; the page is turned by it. Then each long horizontal rule is fitted with a
   line: a photo taken at an angle has rules that converge, and is refused;
3. the table grid from the ruling lines (OpenCV morphology: long horizontal and vertical runs of
   ink; a vertical run counts as a rule only where it meets horizontal rules at both ends, so
   strokes of characters never do), and the cells as the regions the rules enclose, a region
   covering several rows or columns being a merged cell;
4. the text lines of each cell by projecting its ink, and each line recognised by the PP-OCRv4
   Chinese recogniser of rapidocr-onnxruntime (its models ship in the wheel; no detection model
   runs: the grid already says where the text is). A page whose lines the direction classifier
   reads as upside down is turned half round and read again;
5. text outside the table (title, year, `单位：元`) as rows of runs separated by wide gaps, as
   the PDF reader does.

Every recognised cell is an `OcrCell` keeping the recogniser's confidence (the lowest of its
characters' probabilities); the grid collects them in `Grid.confidence` by location, and
`attach_confidence` copies the confidence of every number and text the recogniser used into the
form (`Form.extra["ocr"]`), where rule P003 looks for cells to check by eye.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import ReadError, library_error
from ..grid import Cell, Grid
from ..model import Form, Loc

DPI = 200  # PDF pages without a text layer are rendered at this resolution
MIN_SIDE = 700  # pixels: a page image with a shorter side is too small to read (A4 at 85 dpi)
MAX_PIXELS = 60_000_000  # a bigger image is refused before it is decoded in full
MAX_SKEW = 8.0  # degrees: a page turned further than this was not scanned flat
MAX_CONVERGENCE = 1.5  # degrees between the directions of the page's rules: a photo taken at an angle
BLANK_INK = 0.0005  # share of dark pixels below which a page is blank
MAX_FRAMES = 500  # pages of one image file, as for PDFs


class OcrCell(Cell):
    """A cell read from an image: its text, and the recogniser's confidence in it (0–1; the
    lowest character probability of its lines)."""

    __slots__ = ("confidence",)

    def __init__(self, text: str, loc: Loc, span: tuple[int, int], bbox: tuple[float, float, float, float],
                 confidence: float):
        super().__init__(text=text, loc=loc, span=span, bbox=bbox)
        self.confidence = confidence


class PageProblem(Exception):
    """A page that cannot be read, with the Chinese reason (the page number is added by the caller)."""


@dataclass(slots=True)
class _Line:
    """One text line to recognise: where it is, and the cell (or outside run) it belongs to."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image
    owner: int


# ---------------------------------------------------------------------------------------------
# the engine

@functools.lru_cache(maxsize=1)
def _engine():
    """The recogniser and the direction classifier of rapidocr-onnxruntime, one thread each (a
    batch runs one reader per core), made once per process."""
    import rapidocr_onnxruntime
    from rapidocr_onnxruntime.ch_ppocr_cls import TextClassifier
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.utils import read_yaml

    root = Path(rapidocr_onnxruntime.__file__).parent
    config = read_yaml(str(root / "config.yaml"))
    for part in ("Rec", "Cls"):
        config[part]["model_path"] = str(root / config[part]["model_path"])
        config[part]["intra_op_num_threads"] = 1
        config[part]["inter_op_num_threads"] = 1
    # one line at a time, padded to nothing: on one thread batching gains nothing, and padding
    # every line of a batch to its widest (and every line to at least 320 pixels, the default)
    # made a short number cost as much as a sentence (one page: 3.9 s → 2.3 s → 1.6 s of CPU)
    config["Rec"]["rec_batch_num"] = 1
    config["Rec"]["rec_img_shape"] = [3, 48, 48]
    rec = TextRecognizer(config["Rec"])
    # every line has its own width, and onnxruntime keeps a memory plan per input shape it has
    # seen (memory grew by megabytes a page): the recogniser's session is made again without them
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.enable_mem_pattern = False
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 4
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    rec.session.session = onnxruntime.InferenceSession(config["Rec"]["model_path"], sess_options=options,
                                                       providers=["CPUExecutionProvider"])
    return rec, TextClassifier(config["Cls"])


# What the recogniser writes for a glyph it cannot tell apart from another: 丶 (a radical, never
# in a form) for the enumeration comma 、; full-width brackets for the narrow ones a font draws
# in Chinese text as well (the two look the same in print; forms typed in Word mostly carry the
# narrow ones, as the seed does).
_SAME_GLYPH = str.maketrans({"丶": "、", "（": "(", "）": ")"})


_NARROW = {"，": ",", "；": ";", "：": ":"}
_WIDE = {v: k for k, v in _NARROW.items()}


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _punctuation_width(chars: list[str], cols: list[int]) -> str | None:
    """The line's text with each comma, semicolon or colon between two Chinese characters written
    as wide as it is printed. The recogniser writes the full-width form (，) in Chinese text
    whichever was printed, but the two differ on paper: a full-width mark fills a character's
    width, so the characters on either side of it stand two characters' pitch apart; around a
    narrow one (,) they stand about one and a third apart. The pitch is the usual distance
    between neighbouring Chinese characters of the line, in the recogniser's decoding columns.
    None when the line has too few Chinese characters to tell."""
    import numpy as np

    if len(chars) != len(cols):
        return None
    steps = [b - a for a, b, x, y in zip(cols, cols[1:], chars, chars[1:]) if _cjk(x) and _cjk(y)]
    if len(steps) < 4:
        return None
    pitch = float(np.median(steps))
    out = list(chars)
    for i in range(1, len(chars) - 1):
        ch = chars[i]
        if (ch in _NARROW or ch in _WIDE) and _cjk(chars[i - 1]) and _cjk(chars[i + 1]):
            narrow = cols[i + 1] - cols[i - 1] < 1.7 * pitch
            out[i] = _NARROW.get(ch, ch) if narrow else _WIDE.get(ch, ch)
    return "".join(out)


def recognise(crops: list) -> list[tuple[str, float]]:
    """Each crop (a BGR image of one text line) → (text, confidence), in order."""
    if not crops:
        return []
    rec, _ = _engine()
    results, _ = rec(crops, return_word_box=True)
    out = []
    for text, mean, *info in results:
        probs = info[0][4] if info and info[0] and len(info[0]) > 4 else [mean]
        if info and info[0] and len(info[0]) > 2:
            text = _punctuation_width([c for word in info[0][1] for c in word], [c for col in info[0][2] for c in col]) or text
        text = text.strip().translate(_SAME_GLYPH)
        out.append((text, float(min(probs)) if text else 0.0))
    return out


def _upside_down(crops: list) -> bool:
    """Most of a sample of text lines read as turned half round."""
    if not crops:
        return False
    _, cls = _engine()
    _, labels, _ = cls(crops)
    turned = sum(1 for label, score in labels if label == "180" and score >= 0.8)
    return turned * 2 > len(labels)


# ---------------------------------------------------------------------------------------------
# page geometry

def _ink(gray, contrast: int = 20):
    """Dark pixels (255) of a grey page: a local threshold, so grey paper and uneven light do not
    count as ink. Rules are found with a lower contrast: a thin rule, blurred, is pale."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, contrast)


def _rule_ink(gray):
    """Ink for finding rules: the local threshold, and a global one (Otsu's) that keeps a pale rule
    whole where dense bold text beside it darkens the neighbourhood the local one compares with."""
    import cv2

    _, dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return cv2.bitwise_or(_ink(gray, 12), dark)


def _sharpness(small, angle: float) -> float:
    import cv2
    import numpy as np

    h, w = small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float((rows * rows).sum())


def _skew(ink) -> float | None:
    """The angle (degrees, counter-clockwise positive as OpenCV turns) that makes the rows of ink
    sharpest, or None when the page has too little ink to tell."""
    import cv2

    h, w = ink.shape
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    if small.sum() == 0:
        return None
    coarse = max(range(-45, 46), key=lambda a: _sharpness(small, a))  # whole degrees, then finer
    best = max((coarse + a / 4 for a in range(-3, 4)), key=lambda a: _sharpness(small, a))
    step = 0.125
    while step >= 0.03:
        best = max((best - step, best, best + step), key=lambda a: _sharpness(small, a))
        step /= 2
    return best


def _convergence(ink) -> float:
    """How far apart (degrees) the directions of the page's long horizontal rules are: the rules
    of a table scanned flat are parallel, those of a photo taken at an angle converge. Each rule
    (a long run of ink, found with a short kernel so that a tilted rule still holds together) is
    fitted with a straight line. 0 when the page has fewer than two long rules."""
    import cv2
    import numpy as np

    h, w = ink.shape
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(15, w // 80)), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles = []
    for k in range(1, n):
        x, y, cw, ch, _ = stats[k]
        if cw < w // 4 or ch > cw // 4:
            continue
        ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == k)
        angles.append(math.degrees(math.atan(np.polyfit(xs, ys, 1)[0])))
    return max(angles) - min(angles) if len(angles) > 1 else 0.0


def _check_and_deskew(gray):
    """The page turned straight, or PageProblem saying why it cannot be read."""
    import cv2

    h, w = gray.shape
    if min(h, w) < MIN_SIDE:
        raise PageProblem(f"图片太小（{w}×{h} 像素），文字无法识别；请以不低于 150 dpi 的分辨率重新扫描或拍摄")
    ink = _ink(cv2.medianBlur(gray, 3))
    if cv2.countNonZero(ink) < BLANK_INK * h * w:
        raise PageProblem("是空白页，没有可识别的内容")
    angle = _skew(ink)
    if angle is None:
        raise PageProblem("是空白页，没有可识别的内容")
    if abs(angle) > MAX_SKEW:
        raise PageProblem(f"倾斜约 {abs(angle):.0f}°，超过可校正的 {MAX_SKEW:.0f}°；请把纸面放正后重新扫描或拍摄")
    if abs(angle) >= 0.05:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    spread = _convergence(_ink(gray))
    if spread > MAX_CONVERGENCE:
        raise PageProblem(f"拍摄角度过大（表格线之间相差约 {spread:.1f}°，透视变形），无法可靠识别；"
                          "请正对纸面重新拍摄或扫描")
    return gray


def _rules(ink):
    """The ruling lines of the page: horizontal and vertical masks."""
    import cv2
    import numpy as np

    h, w = ink.shape
    # a thin rule a little off the pixel grid steps from one pixel row to the next: it is
    # thickened across first (not closed along itself: that would join a line of bold characters)
    horizontal = cv2.dilate(ink, np.ones((3, 1), np.uint8))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, np.ones((1, max(20, w // 30)), np.uint8))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((1, 15), np.uint8))
    vertical = cv2.dilate(ink, np.ones((1, 3), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_OPEN, np.ones((max(10, h // 100), 1), np.uint8))
    # a vertical run is a rule only where both its ends meet a horizontal rule: character strokes
    # sit inside their cell's padding. A run longer than a row may stop a few
    # pixels short of the rules (a blurred joint); a shorter one must touch them.
    rows = [(a + b) / 2 for a, b in _bands(horizontal.max(axis=1))]
    gaps = sorted(b - a for a, b in zip(rows, rows[1:]) if b - a > 10)
    row = gaps[len(gaps) // 10] if gaps else h
    touch = cv2.dilate(horizontal, np.ones((3, 3), np.uint8))
    near = cv2.dilate(horizontal, np.ones((11, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    rules = np.zeros_like(vertical)
    short: list[tuple[int, int]] = []  # (component, its fullest column) to decide once the long are known
    columns: list[int] = []  # where the long rules run
    for k in range(1, n):
        x, y, cw, ch, _ = stats[k]
        if ch < 2.5 * row:  # no character is two and a half rows tall: a longer run is a rule
            if ch < 0.9 * row or (ch < 1.2 * row and cw > 0.2 * row):
                continue  # shorter than the lowest row, or about as long and bold: a stroke
            reach = near if ch >= 1.2 * row else touch
            if not (reach[y:y + 2, x:x + cw].any() and reach[y + ch - 2:y + ch, x:x + cw].any()):
                continue
        # the rule is the longest unbroken run of its fullest pixel column (and the two beside it:
        # a rule a little off the grid steps sideways): a character touching its end or its side
        # (标 under a rule that ends on its cell) is not part of it
        part = labels[y:y + ch, x:x + cw] == k
        c = int(part.sum(axis=0).argmax())
        if ch < 1.2 * row:
            short.append((k, x + c))
            continue
        a, b = max(_bands(part[:, max(0, c - 1):c + 2].any(axis=1)), key=lambda r: r[1] - r[0])
        a, b = _trim(ink[:, max(0, x + c - 1):x + c + 2].max(axis=1), rows, y + a, y + b)
        rules[a:b, max(0, x + c - 1):x + c + 2] = 255
        columns.append(x + c)
    for k, cx in short:
        # a rule a row long: one in line with a longer rule (a column's boundary), or one whose ink
        # runs unbroken between the rules it meets (a character's stroke stops short of one)
        x, y, cw, ch, _ = stats[k]
        if any(abs(cx - col) <= 3 for col in columns) or _unbroken(ink, horizontal, x, y, cw, ch):
            rules[y:y + ch, max(0, cx - 1):cx + 2] = 255
    vertical = cv2.morphologyEx(rules, cv2.MORPH_CLOSE, np.ones((15, 1), np.uint8))
    return horizontal, vertical


def _trim(column, rows: list[float], a: int, b: int) -> tuple[int, int]:
    """A vertical rule's run [a, b) cut back to the horizontal rules it crosses where it overruns
    them into a cell without running on, unbroken, to the next rule: the run of a rule that ends
    on a cell whose text touches it (目 under the end of a rule) goes on down that character's
    stroke, which stops short of the next rule."""
    crossed = [r for r in rows if a + 2 < r < b - 2]
    if not crossed:
        return a, b
    below = [r for r in rows if r > crossed[-1]]
    if below and b < below[0] - 1:  # stops short of the next rule: is the last stretch a stroke?
        stretch = column[int(crossed[-1]):int(below[0])]
        if stretch.size and (stretch > 0).mean() < 0.97:
            b = int(crossed[-1]) + 2
    above = [r for r in rows if r < crossed[0]]
    if above and a > above[-1] + 1:
        stretch = column[int(above[-1]):int(crossed[0])]
        if stretch.size and (stretch > 0).mean() < 0.97:
            a = int(crossed[0]) - 2
    return a, b


def _unbroken(ink, horizontal, x: int, y: int, cw: int, ch: int) -> bool:
    """Whether some pixel column of a short vertical run is ink all the way from the horizontal
    rule above it to the one below (a character's stroke leaves a gap of paper at one end)."""
    import numpy as np

    h = ink.shape[0]
    top, bottom = max(0, y - 6), min(h, y + ch + 6)
    for cx in range(x, x + cw):
        rules = np.flatnonzero(horizontal[top:bottom, cx])
        if rules.size == 0:
            continue
        upper = rules[rules < ch // 2 + (y - top)]
        lower = rules[rules > ch // 2 + (y - top)]
        if upper.size == 0 or lower.size == 0:
            continue
        span = ink[top + upper.max():top + lower.min() + 1, cx]
        if span.size and (span > 0).mean() >= 0.97:
            return True
    return False


def _snap(values: list[int], tolerance: int) -> list[float]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest(bounds: list[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


@dataclass(slots=True)
class _Table:
    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int, tuple[int, int, int, int]]]  # r, c, rows, cols, interior box
    box: tuple[int, int, int, int]


def _tables(horizontal, vertical) -> list[_Table]:
    """Each table: its row and column boundaries and its cells (regions the rules enclose)."""
    import cv2
    import numpy as np

    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    h, w = lines.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for k in range(1, n):
        x, y, tw, th, _ = stats[k]
        if tw < w // 5 or th < 20:
            continue
        # the table's frame is its bounding box: drawn in, a piece of the outer rule the scan
        # lost does not open a cell to the outside
        frame = lines[y:y + th, x:x + tw].copy()
        cv2.rectangle(frame, (0, 0), (tw - 1, th - 1), 255, 3)
        inside = cv2.bitwise_not(frame)
        m, _, cstats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
        regions = []
        for j in range(1, m):
            cx, cy, cw, ch, _ = cstats[j]
            if cx == 0 or cy == 0 or cx + cw >= tw or cy + ch >= th:
                continue  # outside the table's outline
            if cw < 6 or ch < 6:
                continue  # a sliver between doubled rules
            regions.append((x + cx, y + cy, x + cx + cw, y + cy + ch))
        if len(regions) < 2:
            continue
        pad = 3  # from a region's edge to the middle of its rule
        tolerance = max(8, min(w, h) // 120)  # a rule a little slanted, or drawn a pixel or two apart per cell
        xs = _snap([r[0] - pad for r in regions] + [r[2] + pad for r in regions], tolerance)
        ys = _snap([r[1] - pad for r in regions] + [r[3] + pad for r in regions], tolerance)
        cells = []
        taken: set[tuple[int, int]] = set()
        for r in sorted(regions, key=lambda r: (r[1], r[0])):
            c0, c1 = _nearest(xs, r[0] - pad), _nearest(xs, r[2] + pad)
            r0, r1 = _nearest(ys, r[1] - pad), _nearest(ys, r[3] + pad)
            if c1 <= c0 or r1 <= r0 or (r0, c0) in taken:
                continue
            taken.update((rr, cc) for rr in range(r0, r1) for cc in range(c0, c1))
            cells.append((r0, c0, r1 - r0, c1 - c0, r))
        tables.append(_Table(xs, ys, cells, (x, y, x + tw, y + th)))
    return sorted(tables, key=lambda t: t.box[1])


def _bands(profile, min_gap: int = 2) -> list[tuple[int, int]]:
    """Runs of non-zero entries of a 1-D profile, runs closer than min_gap joined."""
    import numpy as np

    on = np.flatnonzero(profile)
    if on.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(on) > min_gap)
    starts = np.concatenate(([on[0]], on[breaks + 1]))
    ends = np.concatenate((on[breaks], [on[-1]]))
    return [(int(a), int(b) + 1) for a, b in zip(starts, ends)]


def _text_lines(ink, box: tuple[int, int, int, int], height: float) -> list[tuple[int, int, int, int]]:
    """The text lines inside a box of the page: bands of ink rows, thin bands (a stroke of 二, a
    speck) joined to a neighbour or dropped."""
    x0, y0, x1, y1 = box
    part = ink[y0:y1, x0:x1]
    if part.size == 0:
        return []
    profile = part.sum(axis=1)
    bands = [piece for band in _bands(profile) for piece in _split(profile, *band, height)]
    joined: list[list[int]] = []
    for a, b in bands:
        if joined and (b - a < 0.6 * height or joined[-1][1] - joined[-1][0] < 0.6 * height) and b - joined[-1][0] <= 1.4 * height:
            joined[-1][1] = b
        else:
            joined.append([a, b])
    lines = []
    for a, b in joined:
        if len(joined) == 1 and b - a < 0.6 * height:
            stroke = _dash(part[a:b], height)
            if stroke is not None:  # a line thinner than text: read_page writes it as —
                r0, r1, c0, c1 = stroke
                lines.append((x0 + c0, y0 + a + r0, x0 + c1, y0 + a + r1))
                continue
        if b - a < 0.3 * height:
            continue  # a speck, or a stroke too thin to be a line of text of this page
        cols = _bands(part[a:b].sum(axis=0), min_gap=int(height))
        cols = [(c0, c1) for c0, c1 in cols if (part[a:b, c0:c1] > 0).sum() > 0.02 * (b - a) * (c1 - c0) or c1 - c0 > 0.3 * height]
        if not cols:
            continue
        lines.append((x0 + cols[0][0], y0 + a, x0 + cols[-1][1], y0 + b))
    # a blot smaller than half a character, more than a line away from the cell's text, is dirt
    # (the recogniser reads it as some character, unsure): a wrapped 。 stands right below its line
    return [ln for ln in lines if len(lines) == 1 or ln[2] - ln[0] >= 0.5 * height or ln[3] - ln[1] >= 0.5 * height
            or any(other is not ln and min(abs(ln[1] - other[3]), abs(other[1] - ln[3])) < height for other in lines)]


def _split(profile, a: int, b: int, height: float) -> list[tuple[int, int]]:
    """A band of ink rows taller than one line of text cut into lines: lines printed close
    together touch once blurred (a bracket's tip, a comma's tail or a speck bridges the gap), so
    the band is cut at its row of least ink away from its ends, again until each piece is about a
    line tall, and each piece trimmed to its ink."""
    import numpy as np

    if b - a <= 1.6 * height:
        return [(a, b)]
    lo, hi = a + int(0.6 * height), b - int(0.6 * height)
    window = profile[lo:hi]
    least = window.min()
    if least > 0.15 * np.median(profile[a:b]):
        return [(a, b)]  # no row nearly free of ink: one tall line (a title in a larger type)
    rows = np.flatnonzero(window == least)
    cut = lo + int(rows[len(rows) // 2])
    pieces = [(start + p, start + q) for start, end in ((a, cut), (cut + 1, b))
              for p, q in _bands(profile[start:end])]
    return [piece for p, q in pieces for piece in _split(profile, p, q, height)]


def _dash(band, height: float) -> tuple[int, int, int, int] | None:
    """A cell's only ink is one straight horizontal stroke a character or two long, perhaps with a
    speck the blur joined to it: a dash (—), which forms print in cells that do not apply. The
    recogniser reads a lone dash as 一, - or 1; the geometry says what it is. The stroke's rows
    and columns within the band, or None."""
    import numpy as np

    rows = band.sum(axis=1, dtype=np.int64)
    strong = np.flatnonzero(rows >= 0.5 * rows.max())
    r0, r1 = int(strong[0]), int(strong[-1]) + 1
    if r1 - r0 >= 0.3 * height or rows[r0:r1].sum() < 0.8 * rows.sum():
        return None  # thicker than a stroke, or much ink beside it
    cols = _bands(band[r0:r1].sum(axis=0))
    if len(cols) != 1 or not 0.4 * height <= cols[0][1] - cols[0][0] <= 2.5 * height:
        return None
    return r0, r1, cols[0][0], cols[0][1]


def _line_height(ink, boxes: list[tuple[int, int, int, int]]) -> float:
    """The usual height of a line of text on the page (the median band that looks like a line)."""
    import numpy as np

    heights = []
    for x0, y0, x1, y1 in boxes:
        heights += [b - a for a, b in _bands(ink[y0:y1, x0:x1].sum(axis=1)) if b - a >= 8]
    return float(np.median(heights)) if heights else 20.0


def _runs(ink, line: tuple[int, int, int, int], height: float) -> list[tuple[int, int, int, int]]:
    """A line outside the tables cut where the gap is wider than three characters."""
    x0, y0, x1, y1 = line
    cols = _bands(ink[y0:y1, x0:x1].sum(axis=0), min_gap=int(3 * height))
    return [(x0 + a, y0, x0 + b, y1) for a, b in cols]


def _crop(gray, box: tuple[int, int, int, int], pad: int):
    import cv2

    h, w = gray.shape
    x0, y0, x1, y1 = box
    part = gray[max(0, y0 - pad):min(h, y1 + pad), max(0, x0 - pad):min(w, x1 + pad)]
    return cv2.cvtColor(part, cv2.COLOR_GRAY2BGR)


# ---------------------------------------------------------------------------------------------
# a page

def _despeckle(text, height: float):
    """Ink without specks: a blot much smaller than a character with no other ink within half a
    character of it (a decimal point or a comma sits beside its digits, and stays)."""
    import cv2
    import numpy as np

    n, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] < 0.3 * height) & (stats[:, cv2.CC_STAT_HEIGHT] < 0.3 * height)
    small[0] = False
    if not small.any():
        return text
    big = np.where(small[labels] | (labels == 0), 0, 255).astype(np.uint8)
    near = cv2.dilate(big, np.ones((max(3, int(height * 0.5)),) * 2, np.uint8))
    keep = np.zeros(n, bool)
    keep[np.unique(labels[(near > 0) & (text > 0)])] = True
    keep[0] = False
    keep |= ~small & (np.arange(n) > 0)
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _layout(gray):
    """The page's tables, its ink without the rules, the usual line height, the text lines of
    every cell (owner = index into the table cells, in order) and the lines outside the tables
    (owner = -1 - index of the run)."""
    import numpy as np

    import cv2

    ink = _ink(gray)
    horizontal, vertical = _rules(_rule_ink(gray))
    tables = _tables(horizontal, vertical)
    text = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))))
    interiors = [cell[4] for t in tables for cell in t.cells]
    height = _line_height(text, interiors or [(0, 0, gray.shape[1], gray.shape[0])])
    text = _despeckle(text, height)
    lines: list[_Line] = []
    for k, box in enumerate(interiors):
        x0, y0, x1, y1 = box
        lines += [_Line(b, k) for b in _text_lines(text, (x0 + 2, y0 + 2, x1 - 2, y1 - 2), height)]
    outside = text.copy()
    for t in tables:
        x0, y0, x1, y1 = t.box
        outside[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = 0
    runs = []
    for line in _text_lines(outside, (0, 0, gray.shape[1], gray.shape[0]), height):
        for run in _runs(outside, line, height):
            lines.append(_Line(run, -1 - len(runs)))
            runs.append(run)
    return tables, lines, runs, height


def read_page(gray, name: str, page_no: int) -> tuple[list[tuple[float, list[Cell]]], bool]:
    """One page image (2-D uint8, grey) → its rows in reading order, as the PDF reader gives them
    ((top, cells)), and whether the page has a table. Raises PageProblem for a page that cannot
    be read."""
    import cv2

    sheet = f"第{page_no}页"
    gray = _check_and_deskew(gray)
    tables, lines, runs, height = _layout(gray)
    if not lines:
        raise PageProblem("是空白页，没有可识别的内容")
    sample = sorted(lines, key=lambda ln: ln.box[0] - ln.box[2])[:12]
    if _upside_down([_crop(gray, ln.box, 3) for ln in sample]):
        gray = cv2.rotate(gray, cv2.ROTATE_180)
        tables, lines, runs, height = _layout(gray)
    pad = max(2, int(height * 0.15))
    words = [ln for ln in lines if ln.box[3] - ln.box[1] >= 0.3 * height]
    read = dict(zip(map(id, words), recognise([_crop(gray, ln.box, pad) for ln in words])))
    texts = [read.get(id(ln), ("—", 1.0)) for ln in lines]
    by_owner: dict[int, list[tuple[str, float]]] = {}
    for ln, tc in zip(lines, texts):
        by_owner.setdefault(ln.owner, []).append(tc)
    from .pdf import _join_lines

    def text_of(owner: int) -> tuple[str, float]:
        parts = [(t, c) for t, c in by_owner.get(owner, []) if t]
        if not parts:
            return "", 1.0
        return _join_lines([t for t, _ in parts]).strip(), min(c for _, c in parts)

    items: list[tuple[float, list[Cell]]] = []
    k = 0
    for t in tables:
        grid: dict[tuple[int, int], tuple] = {}
        covered: set[tuple[int, int]] = set()
        for r0, c0, rows, cols, box in t.cells:
            text, conf = text_of(k)
            k += 1
            grid[(r0, c0)] = (text, conf, rows, cols, box)
            covered.update((r, c) for r in range(r0, r0 + rows) for c in range(c0, c0 + cols))
        for r in range(len(t.ys) - 1):
            cells: list[Cell] = []
            for c in range(len(t.xs) - 1):
                loc = Loc(file=name, col=c + 1, sheet=sheet)
                origin = grid.get((r, c))
                if origin is not None:
                    text, conf, rows, cols, box = origin
                    cells.append(OcrCell(text, loc, (rows, cols), tuple(float(v) for v in box), round(conf, 4)))
                else:
                    cells.append(Cell(text="", loc=loc, merged=(r, c) in covered))
            items.append((t.ys[r], cells))
    # text outside the tables: one row per line of runs
    rows: dict[int, list[tuple[tuple[int, int, int, int], int]]] = {}
    for j, run in enumerate(runs):
        key = next((y for y in rows if abs(y - run[1]) < height * 0.6), run[1])
        rows.setdefault(key, []).append((run, j))
    for y, members in rows.items():
        cells = []
        for col, (run, j) in enumerate(sorted(members), 1):
            text, conf = text_of(-1 - j)
            if text:
                cells.append(OcrCell(text, Loc(file=name, col=col, sheet=sheet), (1, 1),
                                     tuple(float(v) for v in run), round(conf, 4)))
        if cells:
            items.append((float(y), cells))
    items.sort(key=lambda item: item[0])
    return items, bool(tables)


# ---------------------------------------------------------------------------------------------
# files

def read_image(path: Path) -> list[Grid]:
    """A .png/.jpg/.tif (all its frames): one grid, one page per frame."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    name = str(path)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(path)
    except Image.DecompressionBombError:
        raise ReadError(f"图片过大（超过 {MAX_PIXELS // 1_000_000} 百万像素），无法读取", Loc(file=name)) from None
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ReadError(f"图片文件已损坏，无法打开（{library_error(e)}）", Loc(file=name)) from None
    grid = Grid(source=name)
    pages = Pages(grid, name)
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_FRAMES:
            raise ReadError(f"图片共 {frames} 页，超过上限 {MAX_FRAMES} 页；请拆分后再读取", Loc(file=name))
        for page_no, frame in enumerate(ImageSequence.Iterator(image), 1):
            try:
                gray = _grey(frame)
            except (OSError, ValueError) as e:
                grid.problems.append(ReadError(f"第{page_no}页图片已损坏，无法读取（{library_error(e)}）",
                                               Loc(file=name, sheet=f"第{page_no}页")))
                continue
            pages.read(gray, page_no)
    pages.finish()
    if not grid.rows and len(grid.problems) == 1:
        raise grid.problems[0]  # the one page's problem is the file's
    return [grid]


def _grey(frame):
    """A PIL frame as a 2-D uint8 array, white where the image is transparent."""
    import numpy as np
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "P"):
        rgba = frame.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(background, rgba)
    return np.asarray(frame.convert("L"), dtype=np.uint8)


# Called with (file, page number) before each page is read by OCR (a page takes seconds): the
# commands set it to show progress on a terminal (cli_parse.read_all); None in a batch worker.
on_page = None


class Pages:
    """Reads page images into a grid, one after another, and says at the end which pages had no
    table when none had one (a page of text after a form, such as the review jixiao's export
    adds, is read as text without a word)."""

    def __init__(self, grid: Grid, name: str):
        self.grid, self.name = grid, name
        self.tables = False
        self.without: list[int] = []

    def read(self, gray, page_no: int) -> None:
        from .pdf import add_page

        if on_page is not None:
            on_page(self.name, page_no)
        try:
            items, has_table = read_page(gray, self.name, page_no)
        except PageProblem as problem:
            self.grid.problems.append(ReadError(f"第{page_no}页{problem}；该页未读取",
                                                Loc(file=self.name, sheet=f"第{page_no}页")))
            return
        self.tables |= has_table
        if not has_table:
            self.without.append(page_no)
        add_page(self.grid, items, self.name, page_no)

    def finish(self) -> None:
        if self.without and not self.tables:
            pages = "、".join(map(str, self.without[:20])) + ("…" if len(self.without) > 20 else "")
            self.grid.problems.append(ReadError(f"第{pages}页没有找到表格（没有表格线），已按文字行读取",
                                                Loc(file=self.name, sheet=f"第{self.without[0]}页")))
        self.grid.confidence.update({(c.loc.sheet, c.loc.line, c.loc.col): c.confidence
                                     for row in self.grid.rows for c in row.cells if isinstance(c, OcrCell)})


def render_pdf_page(document, page_no: int):
    """Page `page_no` (1-based) of a pypdfium2 document as a grey image at DPI."""
    import numpy as np

    page = document[page_no - 1]
    try:
        bitmap = page.render(scale=DPI / 72, grayscale=True)
        array = np.array(bitmap.to_numpy(), dtype=np.uint8)
        bitmap.close()
    finally:
        page.close()
    return array.reshape(array.shape[0], array.shape[1], -1)[:, :, 0]


# ---------------------------------------------------------------------------------------------
# confidence into the form

def numbers(form: Form):
    """(field, value) of every number-bearing value of the form that a recogniser may misread."""
    cols = ("initial_budget", "annual_budget", "executed", "weight", "rate", "score")
    for col in cols:
        yield f"funds.{col}", getattr(form.funds.total, col)
    for k, row in enumerate(form.funds.rows):
        for col in cols:
            yield f"funds.rows[{k}].{col}", getattr(row, col)
    for k, ind in enumerate(form.indicators):
        yield f"indicators[{k}].target", ind.target
        yield f"indicators[{k}].actual", ind.actual
        yield f"indicators[{k}].weight", ind.weight
        yield f"indicators[{k}].score", ind.score
    yield "total.weight", form.total.weight
    yield "total.score", form.total.score


def texts(form: Form):
    """(field, Text) of every text cell of the form: names, indicator labels, goals, 偏差原因 (the
    fields are named as in the form's JSON; a 其中 row's label is matched against fixed words and
    keeps no cell)."""
    yield "project", form.project
    yield "department", form.department
    yield "unit", form.unit
    yield "local_department", form.local_department
    yield "goals.planned", form.goals.planned
    yield "goals.achieved", form.goals.achieved
    for k, item in enumerate(form.management):
        yield f"management[{k}].name", item.name
        yield f"management[{k}].text", item.text
    for k, ind in enumerate(form.indicators):
        for part in ("level1", "level2", "name", "deviation", "core"):
            yield f"indicators[{k}].{part}", getattr(ind, part)
    if form.deviation is not None:
        yield "deviation", form.deviation


def attach_confidence(forms: list[Form], confidence: dict) -> None:
    """Put the recogniser's confidence in each cell a form was read from into `form.extra["ocr"]`:
    {field: {"text", "confidence", "loc"}} for every number and text read from an image."""
    for form in forms:
        cells = {}
        for field, value in [*numbers(form), *texts(form)]:
            loc = value.loc
            if loc is None or not value.text:
                continue
            conf = confidence.get((loc.sheet, loc.line, loc.col))
            if conf is None:
                continue
            cells[field] = {"text": value.text, "confidence": str(Decimal(str(conf)).quantize(Decimal("0.0001"))),
                            "loc": loc.to_dict()}
        if cells:
            form.extra["ocr"] = cells
