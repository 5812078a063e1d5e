"""Scanned forms and photos (readers/ocr.py): the first two seed forms exported to Word, printed to
PDF by LibreOffice and "scanned" as bench/ocr.py scans them (200 dpi, grey, turned, specks, blur,
JPEG) — made once per session — read back with the same facts, or with every wrong number flagged
by P003; and each kind of bad scan answered in Chinese with its page."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from PIL import Image

from bench.ocr import compare, scan_pdf
from jixiao.checks import check_form, check_forms
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.writers import write_docx

from .office import office  # noqa: F401 - a fixture


@pytest.fixture(scope="session")
def printed(tmp_path_factory, office, seed_path):  # noqa: F811
    """The first two seed forms as a text-layer PDF (one page each) and its scan."""
    d = tmp_path_factory.mktemp("ocr")
    forms, _ = read_forms(seed_path)
    write_docx(forms[:2], d / "two.docx")
    (pdf,) = office.convert(d / "two.docx", "pdf", d)
    scanned = d / "scanned.pdf"
    scan_pdf(pdf, scanned, 200, seed=1, pages=1)
    return {"pdf": pdf, "scanned": scanned, "dir": d}


@pytest.fixture(scope="session")
def page(printed):
    """Page 1 of the scan as a grey PIL image."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(printed["scanned"]))
    image = doc[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    return image


@pytest.fixture(scope="session")
def scanned_read(printed):
    truth, errors = read_forms(printed["pdf"])
    assert errors == [] and len(truth) == 2
    forms, errors = read_forms(printed["scanned"])
    return truth[:1], forms, errors


def test_a_scanned_pdf_gives_the_facts_or_flags_them(scanned_read):
    truth, forms, errors = scanned_read
    assert errors == []
    assert len(forms) == 1
    result = compare(truth, forms, check_forms(forms, load_ruleset(None)))
    assert result["wrong_unflagged"] == 0, result["unflagged"]
    assert result["text_unflagged"] == [], result["text_unflagged"]
    assert result["numbers_right"] >= 0.9 * result["numbers"]
    assert forms[0].project.text == truth[0].project.text
    # every number keeps where it was read and how sure the recogniser was
    cell = forms[0].extra["ocr"]["funds.annual_budget"]
    assert cell["loc"]["sheet"] == "第1页" and 0 < Decimal(cell["confidence"]) <= 1


def test_a_number_read_with_low_confidence_is_flagged(scanned_read):
    _, forms, _ = scanned_read
    form = forms[0]
    cells = form.extra["ocr"]
    field = "indicators[0].weight"
    saved = cells[field]["confidence"]
    try:
        cells[field]["confidence"] = "0.5"
        found = [f for f in check_form(form, load_ruleset(None)) if f.rule == "P003" and f.field == field]
    finally:
        cells[field]["confidence"] = saved
    assert len(found) == 1
    assert found[0].severity == "info"
    assert "识别不确定，请核对" in found[0].message and "0.5" in found[0].message
    assert found[0].location.sheet == "第1页"


def test_a_text_read_with_low_confidence_is_flagged(scanned_read):
    _, forms, _ = scanned_read
    form = forms[0]
    cells = form.extra["ocr"]
    # every text cell keeps its confidence too: names, labels, goals, 偏差原因
    assert {"project", "goals.planned", "goals.achieved", "indicators[0].name"} <= set(cells)
    field = "goals.planned"
    saved = cells[field]["confidence"]
    try:
        cells[field]["confidence"] = "0.61"
        found = [f for f in check_form(form, load_ruleset(None)) if f.rule == "P003" and f.field == field]
    finally:
        cells[field]["confidence"] = saved
    assert len(found) == 1 and found[0].severity == "info"
    assert "0.61" in found[0].message and form.goals.planned.text[:30] in found[0].message
    assert found[0].location.sheet == "第1页"


def test_a_lone_dash_is_a_dash_even_with_a_speck_beside_it():
    from jixiao.readers.ocr.image import text_lines as _text_lines

    ink = np.zeros((60, 200), np.uint8)
    ink[28:33, 80:107] = 255  # a dash 27 × 5 pixels, as a 200 dpi scan prints —
    ink[33:38, 100:102] = 255  # a speck the blur joined to it
    (line,) = _text_lines(ink, (0, 0, 200, 60), 25.0)
    assert line[3] - line[1] < 0.3 * 25  # thinner than text: read as —, never recognised as 一
    ink[28:53, 80:84] = 255  # a vertical stroke: a character, not a dash
    (line,) = _text_lines(ink, (0, 0, 200, 60), 25.0)
    assert line[3] - line[1] >= 0.3 * 25


def test_a_blot_far_below_a_cells_text_is_not_read():
    from jixiao.readers.ocr.image import text_lines as _text_lines

    ink = np.zeros((300, 200), np.uint8)
    ink[5:30, 10:110:12] = 255  # a line of text at the top of a tall merged cell
    ink[280:290, 120:128] = 255  # a blot of dirt near its bottom
    assert len(_text_lines(ink, (0, 0, 200, 300), 25.0)) == 1
    ink[34:44, 10:18] = 255  # a 。 wrapped right below the line stays
    assert len(_text_lines(ink, (0, 0, 200, 300), 25.0)) == 2


def test_lines_of_a_tall_cell_that_touch_are_cut_apart():
    from jixiao.readers.ocr.image import text_lines as _text_lines

    ink = np.zeros((80, 300), np.uint8)
    ink[5:30, 10:290:30] = 255  # two lines of characters 25 pixels tall …
    ink[5:30, 20:290:30] = 255
    ink[33:58, 10:250:30] = 255
    ink[33:58, 20:250:30] = 255
    ink[29:35, 150] = 255  # … joined by a bracket's tip
    lines = _text_lines(ink, (0, 0, 300, 80), 25.0)
    assert len(lines) == 2 and lines[0][3] <= 31 and lines[1][1] >= 31
    title = np.zeros((80, 300), np.uint8)
    title[5:50, 10:290:12] = 255  # one line in a type twice as tall: never cut
    assert len(_text_lines(title, (0, 0, 300, 80), 25.0)) == 1


def test_a_comma_is_written_as_wide_as_it_is_printed():
    from jixiao.readers.ocr.engine import _punctuation_width

    chars = list("保障本市正式居住证，充分满足需要")
    # the recogniser's decoding columns: a character every 5; around a full-width comma its
    # neighbours stand two characters apart, around a narrow one about one and a third
    wide = [5 * k for k in range(len(chars))]
    narrow = [5 * k if k < 9 else 5 * k - 3 for k in range(len(chars))]
    narrow[9] = narrow[8] + 3
    assert _punctuation_width(chars, wide) == "保障本市正式居住证，充分满足需要"
    assert _punctuation_width(chars, narrow) == "保障本市正式居住证,充分满足需要"
    assert _punctuation_width(list("1，2"), [0, 5, 10]) is None  # too few characters to tell


def test_a_row_whose_weight_did_not_read_as_a_number_is_flagged_whole(scanned_read):
    _, forms, _ = scanned_read
    form = forms[0]
    weight = form.indicators[1].weight
    saved = weight.value
    try:
        weight.value = None  # as `5'` reads: a speck after the digit
        found = {f.field for f in check_form(form, load_ruleset(None)) if f.rule == "P003"}
    finally:
        weight.value = saved
    # its cells may have moved: the labels as well as the numbers
    assert {f"indicators[1].{part}" for part in ("level2", "name", "target", "actual", "weight", "score")} <= found


def test_a_number_the_arithmetic_contradicts_is_flagged(scanned_read):
    _, forms, _ = scanned_read
    form = forms[0]
    score = form.indicators[0].score
    saved = score.value
    try:
        score.value = saved + 3  # as if a digit were misread
        found = {f.field: f for f in check_form(form, load_ruleset(None)) if f.rule == "P003"}
    finally:
        score.value = saved
    assert "indicators[0].score" in found and "total.score" in found
    assert "算术不符" in found["total.score"].message


def test_forms_read_from_text_have_no_p003(seed_path):
    forms, _ = read_forms(seed_path)
    assert not any(f.rule == "P003" for f in check_form(forms[0], load_ruleset(None)))


def test_parse_lists_the_uncertain_cells(scanned_read):
    from jixiao.cli_parse import summary

    _, forms, _ = scanned_read
    form = forms[0]
    cells = form.extra["ocr"]
    saved = cells["total.score"]["confidence"]
    try:
        cells["total.score"]["confidence"] = "0.3"
        text = summary(form)
    finally:
        cells["total.score"]["confidence"] = saved
    assert "识别不确定，请核对" in text and "置信度 0.3" in text and "第1页" in text


def test_a_pdf_mixing_text_and_scanned_pages_reads_both(printed):
    import pypdfium2

    mixed = pypdfium2.PdfDocument.new()
    text = pypdfium2.PdfDocument(str(printed["pdf"]))
    scan = pypdfium2.PdfDocument(str(printed["scanned"]))
    mixed.import_pages(scan, [0])
    mixed.import_pages(text, [1])
    out = printed["dir"] / "mixed.pdf"
    mixed.save(str(out))
    for doc in (mixed, text, scan):
        doc.close()
    truth, _ = read_forms(printed["pdf"])
    forms, errors = read_forms(out)
    assert errors == []
    assert [f.project.text for f in forms] == [f.project.text for f in truth]
    assert "ocr" in forms[0].extra and "ocr" not in forms[1].extra


def _save(image: Image.Image, path, **kw):
    image.save(path, **kw)
    return path


def test_an_upside_down_photo_is_turned_and_read(page, scanned_read, tmp_path):
    truth, _, _ = scanned_read
    path = _save(page.rotate(180), tmp_path / "turned.jpg", quality=85)
    forms, errors = read_forms(path)
    assert errors == []
    assert [f.project.text for f in forms] == [truth[0].project.text]


def test_a_tiff_with_a_blank_page_reads_the_others(page, scanned_read, tmp_path):
    truth, _, _ = scanned_read
    blank = Image.new("L", page.size, 250)
    path = tmp_path / "two.tif"
    blank.save(path, save_all=True, append_images=[page], compression="tiff_lzw")
    forms, errors = read_forms(path)
    assert [f.project.text for f in forms] == [truth[0].project.text]
    assert [str(e.loc) for e in errors] == [f"{path} 第1页"]
    assert "第1页是空白页" in errors[0].message


def test_a_blank_image(tmp_path):
    path = _save(Image.new("L", (1654, 2339), 255), tmp_path / "blank.png")
    _, errors = read_forms(path)
    assert len(errors) == 1 and "第1页是空白页" in errors[0].message and errors[0].loc.sheet == "第1页"


def test_an_image_too_small(page, tmp_path):
    path = _save(page.resize((page.width // 5, page.height // 5)), tmp_path / "small.png")
    _, errors = read_forms(path)
    assert len(errors) == 1 and "第1页图片太小" in errors[0].message and "像素" in errors[0].message


def test_a_page_turned_too_far(page, tmp_path):
    path = _save(page.rotate(20, expand=True, fillcolor=255), tmp_path / "skewed.png")
    _, errors = read_forms(path)
    assert len(errors) == 1 and "第1页倾斜约 " in errors[0].message and "超过可校正" in errors[0].message


def test_a_photo_taken_at_a_steep_angle(page, tmp_path):
    import cv2

    a = np.array(page)
    h, w = a.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0, h * 0.08], [w, 0], [w, h], [0, h * 0.92]])  # the left edge further away
    warped = cv2.warpPerspective(a, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255)
    path = _save(Image.fromarray(warped), tmp_path / "steep.png")
    _, errors = read_forms(path)
    assert len(errors) == 1 and "第1页拍摄角度过大" in errors[0].message


def test_a_page_without_a_table(page, tmp_path):
    # the title and the year above the form: text, but no ruled table
    title = Image.new("L", page.size, 255)
    title.paste(page.crop((0, 0, page.width, int(page.height * 0.14))), (0, 0))
    path = _save(title, tmp_path / "title.png")
    forms, errors = read_forms(path)
    assert forms == []
    messages = [e.message for e in errors]
    assert any("第1页没有找到表格" in m for m in messages), messages


def test_a_broken_image_file(tmp_path):
    path = tmp_path / "cut.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    _, errors = read_forms(path)
    assert len(errors) == 1 and "图片文件已损坏" in errors[0].message


def test_images_are_sniffed_by_content(page, tmp_path):
    from jixiao.readers.sniff import sniff

    buf = io.BytesIO()
    page.save(buf, "PNG")
    path = tmp_path / "form.dat"
    path.write_bytes(buf.getvalue())
    assert sniff(path) == "image"


def test_a_number_a_person_corrected_is_no_longer_flagged(scanned_read):
    _, forms, _ = scanned_read
    form = forms[0]
    cells = form.extra["ocr"]
    weight = form.indicators[0].weight
    saved = (cells["indicators[0].weight"]["confidence"], weight.text)
    try:
        cells["indicators[0].weight"]["confidence"] = "0.5"
        weight.text = weight.text + " "  # as the form editor stores a corrected cell: new text
        found = [f for f in check_form(form, load_ruleset(None)) if f.field == "indicators[0].weight" and f.rule == "P003"]
    finally:
        cells["indicators[0].weight"]["confidence"], weight.text = saved
    assert found == []


def test_the_batch_reads_scans_in_its_workers(page, scanned_read, tmp_path):
    from sqlalchemy import create_engine, select

    from jixiao.batch.run import BatchOptions, run_batch
    from jixiao.store.schema import FormRow

    truth, _, _ = scanned_read
    corpus = tmp_path / "scans"
    corpus.mkdir()
    _save(page, corpus / "form.png")
    _save(Image.new("L", page.size, 255), corpus / "blank.jpg")
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    summary = run_batch(BatchOptions(roots=[str(corpus)], url=url, workers=2))
    assert summary.files == 2 and summary.new_forms == 1 and summary.files_with_errors == 1
    engine = create_engine(url)
    with engine.connect() as c:
        rows = c.execute(select(FormRow.__table__.c.data)).all()
    engine.dispose()
    assert [r.data["project"] for r in rows] == [truth[0].project.text]
    assert "ocr" in rows[0].data["extra"]  # the confidences are stored with the form
