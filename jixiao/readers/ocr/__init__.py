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

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...errors import ReadError, library_error
from ...grid import Cell, Grid
from ...model import Form, Loc
from . import engine, image
from .image import PageProblem

DPI = 200  # PDF pages without a text layer are rendered at this resolution
MAX_PIXELS = 60_000_000  # a bigger image is refused before it is decoded in full
MAX_FRAMES = 500  # pages of one image file, as for PDFs


class OcrCell(Cell):
    """A cell read from an image: its text, and the recogniser's confidence in it (0–1; the
    lowest character probability of its lines)."""

    __slots__ = ("confidence",)

    def __init__(self, text: str, loc: Loc, span: tuple[int, int], bbox: tuple[float, float, float, float],
                 confidence: float):
        super().__init__(text=text, loc=loc, span=span, bbox=bbox)
        self.confidence = confidence



@dataclass(slots=True)
class _Line:
    """One text line to recognise: where it is, and the cell (or outside run) it belongs to."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image
    owner: int


def _layout(gray):
    """The page's tables, its ink without the rules, the usual line height, the text lines of
    every cell (owner = index into the table cells, in order) and the lines outside the tables
    (owner = -1 - index of the run)."""
    import numpy as np

    import cv2

    ink = image.ink_mask(gray)
    horizontal, vertical = image.find_rules(image.rule_ink_mask(gray))
    tables = image.find_tables(horizontal, vertical)
    text = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))))
    interiors = [cell[4] for t in tables for cell in t.cells]
    height = image.line_height(text, interiors or [(0, 0, gray.shape[1], gray.shape[0])])
    text = image.despeckle(text, height)
    lines: list[_Line] = []
    for k, box in enumerate(interiors):
        x0, y0, x1, y1 = box
        lines += [_Line(b, k) for b in image.text_lines(text, (x0 + 2, y0 + 2, x1 - 2, y1 - 2), height)]
    outside = text.copy()
    for t in tables:
        x0, y0, x1, y1 = t.box
        outside[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = 0
    runs = []
    for line in image.text_lines(outside, (0, 0, gray.shape[1], gray.shape[0]), height):
        for run in image.line_runs(outside, line, height):
            lines.append(_Line(run, -1 - len(runs)))
            runs.append(run)
    return tables, lines, runs, height


def read_page(gray, name: str, page_no: int) -> tuple[list[tuple[float, list[Cell]]], bool]:
    """One page image (2-D uint8, grey) → its rows in reading order, as the PDF reader gives them
    ((top, cells)), and whether the page has a table. Raises PageProblem for a page that cannot
    be read."""
    import cv2

    sheet = f"第{page_no}页"
    gray = image.check_and_deskew(gray)
    tables, lines, runs, height = _layout(gray)
    if not lines:
        raise PageProblem("是空白页，没有可识别的内容")
    sample = sorted(lines, key=lambda ln: ln.box[0] - ln.box[2])[:12]
    if engine.upside_down([image.crop_box(gray, ln.box, 3) for ln in sample]):
        gray = cv2.rotate(gray, cv2.ROTATE_180)
        tables, lines, runs, height = _layout(gray)
    pad = max(2, int(height * 0.15))
    words = [ln for ln in lines if ln.box[3] - ln.box[1] >= 0.3 * height]
    read = dict(zip(map(id, words), engine.recognise([image.crop_box(gray, ln.box, pad) for ln in words])))
    texts = [read.get(id(ln), ("—", 1.0)) for ln in lines]
    by_owner: dict[int, list[tuple[str, float]]] = {}
    for ln, tc in zip(lines, texts):
        by_owner.setdefault(ln.owner, []).append(tc)
    from ..pdf_geometry import join_lines

    def text_of(owner: int) -> tuple[str, float]:
        parts = [(t, c) for t, c in by_owner.get(owner, []) if t]
        if not parts:
            return "", 1.0
        return join_lines([t for t, _ in parts]).strip(), min(c for _, c in parts)

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
        from ..pdf import add_page

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
