"""A page image's geometry: ink, skew and deskew with the page checks, the ruled grid of its
tables, the text lines inside a cell, specks. Numbers in, boxes out: nothing here reads text."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_SIDE = 700  # pixels: a page image with a shorter side is too small to read (A4 at 85 dpi)
MAX_SKEW = 8.0  # degrees: a page turned further than this was not scanned flat
MAX_CONVERGENCE = 1.5  # degrees between the directions of the page's rules: a photo taken at an angle
BLANK_INK = 0.0005  # share of dark pixels below which a page is blank


class PageProblem(Exception):
    """A page that cannot be read, with the Chinese reason (the page number is added by the caller)."""



# ---------------------------------------------------------------------------------------------
# page geometry

def ink_mask(gray, contrast: int = 20):
    """Dark pixels (255) of a grey page: a local threshold, so grey paper and uneven light do not
    count as ink. Rules are found with a lower contrast: a thin rule, blurred, is pale."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, contrast)


def rule_ink_mask(gray):
    """Ink for finding rules: the local threshold, and a global one (Otsu's) that keeps a pale rule
    whole where dense bold text beside it darkens the neighbourhood the local one compares with."""
    import cv2

    _, dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return cv2.bitwise_or(ink_mask(gray, 12), dark)


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


def check_and_deskew(gray):
    """The page turned straight, or PageProblem saying why it cannot be read."""
    import cv2

    h, w = gray.shape
    if min(h, w) < MIN_SIDE:
        raise PageProblem(f"图片太小（{w}×{h} 像素），文字无法识别；请以不低于 150 dpi 的分辨率重新扫描或拍摄")
    ink = ink_mask(cv2.medianBlur(gray, 3))
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
    spread = _convergence(ink_mask(gray))
    if spread > MAX_CONVERGENCE:
        raise PageProblem(f"拍摄角度过大（表格线之间相差约 {spread:.1f}°，透视变形），无法可靠识别；"
                          "请正对纸面重新拍摄或扫描")
    return gray


def find_rules(ink):
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


def find_tables(horizontal, vertical) -> list[_Table]:
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


def text_lines(ink, box: tuple[int, int, int, int], height: float) -> list[tuple[int, int, int, int]]:
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


def line_height(ink, boxes: list[tuple[int, int, int, int]]) -> float:
    """The usual height of a line of text on the page (the median band that looks like a line)."""
    import numpy as np

    heights = []
    for x0, y0, x1, y1 in boxes:
        heights += [b - a for a, b in _bands(ink[y0:y1, x0:x1].sum(axis=1)) if b - a >= 8]
    return float(np.median(heights)) if heights else 20.0


def line_runs(ink, line: tuple[int, int, int, int], height: float) -> list[tuple[int, int, int, int]]:
    """A line outside the tables cut where the gap is wider than three characters."""
    x0, y0, x1, y1 = line
    cols = _bands(ink[y0:y1, x0:x1].sum(axis=0), min_gap=int(3 * height))
    return [(x0 + a, y0, x0 + b, y1) for a, b in cols]


def crop_box(gray, box: tuple[int, int, int, int], pad: int):
    import cv2

    h, w = gray.shape
    x0, y0, x1, y1 = box
    part = gray[max(0, y0 - pad):min(h, y1 + pad), max(0, x0 - pad):min(w, x1 + pad)]
    return cv2.cvtColor(part, cv2.COLOR_GRAY2BGR)


# ---------------------------------------------------------------------------------------------
# a page

def despeckle(text, height: float):
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
