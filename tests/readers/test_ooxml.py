""".xlsx and .docx read two ways — lxml straight from the XML (the fast path) and openpyxl or
python-docx (the library path) — give the same grids, cell for cell: text, merged flag, span and
location. The fast path takes ordinary files and hands anything else to the library; either way
the reader's answer is the library's."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.readers import docx as docx_reader
from jixiao.readers import ooxml_xlsx, read_forms
from jixiao.readers import xlsx as xlsx_reader
from jixiao.readers.ooxml import Zip

from ..conftest import SEED
from . import build
from .test_layouts import BASE


def dump(grids) -> str:
    """Everything a grid holds, as text: a difference anywhere shows."""
    out = []
    for g in grids:
        out.append(f"GRID {g.source!r} {g.sheet!r} {g.problems!r}")
        for row in g.rows:
            out.append(f" ROW {row.loc!r} {row.blank_before!r}")
            out.extend(f"  {c!r}" for c in row.cells)
    return "\n".join(out)


def fast(path: Path):
    """The fast path's grids; fails if the file went the library's way."""
    reader = xlsx_reader if path.suffix == ".xlsx" else docx_reader
    with Zip.checked(path, "") as z:
        return reader._read_fast(z, str(path))


def library(path: Path):
    if path.suffix == ".xlsx":
        return xlsx_reader._read_with_openpyxl(path, str(path))
    return docx_reader._read_with_python_docx(path, str(path))


def both_ways_equal(path: Path) -> str:
    got, want = dump(fast(path)), dump(library(path))
    assert got == want
    return got


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory) -> dict[str, Path]:
    """The seed forms exported by jixiao's writers (formulas without stored results, review
    columns, the findings sheet), and the blank template (drop-down lists, defined names)."""
    from jixiao.rules import load_ruleset
    from jixiao.writers import write_template_xlsx, write_xlsx
    from jixiao.writers.docx import write_docx
    from jixiao.writers.review import review_forms

    d = tmp_path_factory.mktemp("ooxml")
    forms, errors = read_forms(SEED)
    assert forms and not errors
    rules = load_ruleset("cn-2020")
    reviews = review_forms(forms)
    write_xlsx(forms, d / "seed.xlsx", reviews)
    write_xlsx(forms, d / "seed-plain.xlsx")
    write_docx(forms, d / "seed.docx", reviews)
    write_template_xlsx(d / "template.xlsx", dict(rules.taxonomy))
    return {p.name: p for p in d.iterdir()}


@pytest.mark.parametrize("name", ["seed.xlsx", "seed-plain.xlsx", "seed.docx", "template.xlsx"])
def test_exported_files_read_the_same_both_ways(seed_files, name):
    assert "GRID" in both_ways_equal(seed_files[name])


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_layouts_read_the_same_both_ways(tmp_path, fmt):
    from . import test_layouts

    tables = [v for k, v in vars(test_layouts).items() if k.isupper() and isinstance(v, str) and "|" in v]
    for k, table in enumerate(tables):
        path = tmp_path / f"t{k}.{fmt}"
        (build.to_xlsx if fmt == "xlsx" else build.to_docx)(table, path)
        both_ways_equal(path)


def test_a_workbook_with_everything_a_cell_can_hold(tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"] = "财政项目支出绩效自评表"
    ws["B1"] = True
    ws["C1"] = 0.1 + 0.2
    ws["D1"] = 1234567.891
    ws["D1"].number_format = "#,##0.00"
    ws["E1"] = 0.99995
    ws["E1"].number_format = "0.00%"
    ws["F1"] = -5.5
    ws["F1"].number_format = "#,##0.00;(#,##0.00)"
    ws["G1"] = 12
    ws["G1"].number_format = '0"元"'
    ws["A2"] = "=SUM(C1:D1)"
    ws["B2"] = '=IF(B1,"是","否")'
    ws["C2"] = "=ROUND(D1/3,2)"
    ws["D2"] = "=Sheet9!A1"
    ws["E2"] = "=1/0"
    ws["F2"] = "=E3"
    ws["E3"] = "=F2"  # a reference cycle
    ws["A3"] = "  padded  "
    ws.merge_cells("A4:C5")
    ws["A4"] = "merged"
    ws.merge_cells("E4:E7")
    ws["E4"] = 5
    ws["A6"] = "=E4*2"
    ws["CV8"] = "column 100"
    ws["CW8"] = "column 101"
    ws["A20001"] = "row 20001"
    ws.merge_cells("CU10:CX11")
    ws["CU10"] = "merged over the column limit"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "a hidden sheet"
    hidden.sheet_state = "hidden"
    wb.create_sheet("空白")
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    text = both_ways_equal(path)
    assert "超出读取范围" in text and "隐藏" in text

    ws["A9"] = dt.datetime(2021, 3, 4, 5, 6, 7)  # a date: openpyxl converts it, so does the fast path
    wb.save(path)
    assert "2021-03-04 05:06:07" in both_ways_equal(path)


def test_shared_strings_rich_text_and_saved_results(tmp_path, office):
    """A workbook saved by LibreOffice: shared strings, formulas with stored results, its own styles."""
    src = tmp_path / "form.xlsx"
    build.to_xlsx(BASE, src)
    [saved] = office.convert(src, "xlsx", tmp_path / "lo")
    both_ways_equal(saved)
    rich = build.rewrite(saved, tmp_path / "rich.xlsx", "xl/sharedStrings.xml", lambda d: re.sub(
        rb"<si><t([^>]*)>([^<]*)</t></si>", rb"<si><r><t>A</t></r><r><rPr><b/></rPr><t\1>\2</t></r><rPh sb='0' eb='1'><t>p</t></rPh></si>", d, count=3))
    both_ways_equal(rich)


def test_word_tables_of_every_shape(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("财政项目支出绩效自评表")
    p = d.add_paragraph("tab\there")
    p.add_run("after a break").add_break()
    p.add_run("next line")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "merged down"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "merged across"
    t.cell(2, 1).merge(t.cell(3, 2)).text = "a block"
    c = t.cell(2, 3)
    c.text = "two"
    c.add_paragraph("paragraphs")
    inner = t.cell(3, 3).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "nested"
    inner.cell(1, 1).text = "table"
    d.add_paragraph("")
    d.add_table(rows=2, cols=3).cell(1, 2).text = "a second table"
    path = tmp_path / "shapes.docx"
    d.save(str(path))
    assert "nested" in both_ways_equal(path)

    W = b'<w:tr>'
    variants = {
        "grid-before": lambda x: x.replace(W, b'<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>', 1),
        "tc-in-sdt": lambda x: x.replace(b"<w:tc>", b"<w:sdt><w:sdtContent><w:tc>", 1).replace(
            b"</w:tc>", b"</w:tc></w:sdtContent></w:sdt>", 1),
        "bookmark-in-row": lambda x: x.replace(b"<w:tc>", b'<w:bookmarkStart w:id="0" w:name="x"/><w:tc>', 1),
        "props-after-text": lambda x: re.sub(rb"<w:tc>(<w:tcPr>.*?</w:tcPr>)(.*?)</w:tc>", rb"<w:tc>\2\1</w:tc>", x, count=2),
        "vmerge-without-val": lambda x: x.replace(b"<w:tcPr>", b"<w:tcPr><w:vMerge/>", 2),
        "tab-stops": lambda x: x.replace(b"<w:p>", b'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>', 5),
        "sdt-paragraph": lambda x: x.replace(b"<w:body>", b"<w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>in a control</w:t></w:r></w:p></w:sdtContent></w:sdt>", 1),
        "comment-in-text": lambda x: x.replace(b"<w:t>", b"<w:t>a<!--c-->b", 3),
    }
    for name, change in variants.items():
        both_ways_equal(build.rewrite(path, tmp_path / f"{name}.docx", "word/document.xml", change))


@pytest.mark.parametrize("ending,part,change", [
    ("xlsx", "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="A1" location="A2"/></hyperlinks>')),
    ("xlsx", "xl/workbook.xml", lambda d: d.replace(b'name="Sheet1"', b'name="a/b"')),
    ("xlsx", "xl/styles.xml", lambda d: re.sub(rb"<cellXfs.*?</cellXfs>", b"", d)),
    ("docx", "word/document.xml", lambda d: d.replace(b'<w:gridSpan w:val="', b'<w:gridSpan w:x="', 1)),
    ("docx", "[Content_Types].xml", lambda d: d.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")),
])
def test_what_the_fast_path_does_not_model_goes_to_the_library(tmp_path, ending, part, change):
    good = tmp_path / f"good.{ending}"
    (build.to_xlsx if ending == "xlsx" else build.to_docx)(BASE, good)
    path = build.rewrite(good, tmp_path / f"odd.{ending}", part, change)
    with pytest.raises(Exception):
        fast(path)
    reader = xlsx_reader.read_xlsx if ending == "xlsx" else docx_reader.read_docx
    try:
        want = dump(library(path))
    except Exception as e:  # the library's error is the reader's
        with pytest.raises(type(e)):
            reader(path)
    else:
        assert dump(reader(path)) == want


def test_ordinary_workbooks_do_not_import_openpyxl(tmp_path):
    """Importing openpyxl (and numpy with it) costs more than reading a hundred forms."""
    import subprocess
    import sys

    path = tmp_path / "form.xlsx"
    build.to_xlsx(BASE, path)
    code = ("import sys; from jixiao.readers import read_forms; f, e = read_forms(sys.argv[1]); "
            "assert f and not e; print('openpyxl' in sys.modules, 'docx' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["False", "False"], r.stderr


# -- the pieces copied from openpyxl, and the shortcuts ---------------------------------------------
def test_the_copies_of_openpyxls_tables_match_openpyxl():
    from openpyxl.styles import numbers
    from openpyxl.workbook.child import INVALID_TITLE_REGEX

    assert ooxml_xlsx.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS
    assert ooxml_xlsx.BUILTIN_FORMATS_REVERSE == numbers.BUILTIN_FORMATS_REVERSE
    assert ooxml_xlsx.BUILTIN_FORMATS_MAX_SIZE == numbers.BUILTIN_FORMATS_MAX_SIZE
    assert ooxml_xlsx.INVALID_TITLE_REGEX.pattern == INVALID_TITLE_REGEX.pattern
    formats = [None, "General", "0.00", "yyyy-mm-dd", '"d"0', "[Red]0.00", "[h]:mm:ss", "[mm]:ss", "mm:ss", "0_d",
               "\\d0", "[$-804]yyyy年m月d日", "h:mm AM/PM", "#,##0;[Red]-#,##0", "[ss].0", "d;@", "0.0%"]
    formats += list(numbers.BUILTIN_FORMATS.values())
    for fmt in formats:
        assert ooxml_xlsx.is_date_format(fmt) == numbers.is_date_format(fmt), fmt
        assert ooxml_xlsx.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt), fmt


def test_plain_print_areas_and_titles_are_ones_openpyxl_reads():
    """The fast path accepts print areas and titles of these forms without asking openpyxl; it
    must never accept one openpyxl would refuse."""
    from openpyxl.worksheet.print_settings import PrintArea, PrintTitles

    rng = random.Random(3)
    names = ["Sheet1", "'2020年 项目'", "'it''s'", "项目表", "2020年消防", "a.b_c"]
    for _ in range(500):
        name = rng.choice(names)
        c0, c1 = sorted(rng.choices(["A", "B", "I", "Z", "AA", "XFD"], k=2), key=lambda c: (len(c), c))
        r0, r1 = sorted(rng.choices([1, 2, 25, 1048576], k=2))
        area = f"{name}!${c0}${r0}:${c1}${r1}"
        assert ooxml_xlsx._PLAIN_PRINT_AREA.fullmatch(area)
        assert len(PrintArea.from_string(area).ranges) == 1
        titles = f"{name}!${r0}:${r1}"
        assert ooxml_xlsx._PLAIN_PRINT_TITLES.fullmatch(titles)
        PrintTitles.from_string(titles)


def test_formulas_found_around_each_f_as_by_scanning_every_cell():
    """_formulas_in may skip to the cell around each `<f` in well-formed XML: it finds what a scan
    of every cell with the original regex finds."""
    from lxml import etree

    rng = random.Random(7)
    leaves = ["<f>SUM(A1:A2)</f>", "<f/>", '<f t="shared" si="0">A1&amp;B1</f>', "<v>3</v>", "<v></v>", "<cols/>",
              "<cf/>", '<c r="C3"/>', "x"]

    def element(depth: int = 0) -> str:
        k = rng.random()
        if k < 0.35 and depth < 3:
            return "<c" + rng.choice(["", ' r="D4"', ' r="E5" a="x>y"', ' s="/"']) + ">" + "".join(
                element(depth + 1) for _ in range(rng.randint(0, 3))) + "</c>"
        if k < 0.6 and depth < 3:
            return "<row>" + "".join(element(depth + 1) for _ in range(rng.randint(0, 4))) + "</row>"
        return rng.choice(leaves)

    def scan_every_cell(data: bytes) -> dict:
        found = {}
        for m in xlsx_reader._CELL_RE.finditer(data):
            body = m.group(2)
            fm, vm = xlsx_reader._FORMULA_RE.search(body), xlsx_reader._VALUE_RE.search(body)
            if b"<f" not in body or fm is None or not fm.group(1) or (vm is not None and vm.group(1)):
                continue
            ref = xlsx_reader._REF_RE.search(m.group(1))
            if ref is not None:
                found[(int(ref.group(2)), xlsx_reader.col_index(ref.group(1).decode()))] = \
                    __import__("html").unescape(fm.group(1).decode())
        return found

    checked = 0
    for _ in range(3000):
        data = ("<?xml version='1.0'?>\n<root>" + "".join(element() for _ in range(rng.randint(0, 8))) + "</root>").encode()
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        checked += 1
        assert xlsx_reader._formulas_in(data, well_formed=True) == scan_every_cell(data) == xlsx_reader._formulas_in(data)
    assert checked > 1000


def test_a_formula_parsed_once_reads_each_sheets_own_cells():
    from jixiao.readers.formula import evaluate

    assert evaluate("=A1*2", lambda r, c: Decimal(3)) == Decimal(6)
    assert evaluate("=A1*2", lambda r, c: Decimal(5)) == Decimal(10)
    inner = []

    def get(r, c):  # a formula evaluated inside its own evaluation, with another reader of cells
        if not inner:
            inner.append(evaluate("=A1*2", lambda r, c: Decimal(7)))
        return Decimal(1)
    assert evaluate("=A1*2", get) == Decimal(2) and inner == [Decimal(14)]
    assert evaluate("=NOSUCH(1)", get) is None and evaluate("=1/0", get) == "#DIV/0!"
