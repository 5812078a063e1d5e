""".xlsx through openpyxl and .docx read from its body's XML: what a cell can hold, merged cells,
formulas without stored results, Word tables of every shape, and files the readers cannot read
(a read error naming the file and the sheet or table, never a silent fallback)."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.readers import read_forms
from jixiao.readers.docx import read_docx
from jixiao.readers.xlsx import read_xlsx

from ..conftest import SEED
from . import build
from .test_layouts import BASE, check_base


def shown(grids) -> list:
    """Per grid (sheet, problems, rows); per row (line, blank_before, cells); a cell as its text,
    or (text, merged, span) when it is merged or spans others; empty cells left out."""
    out = []
    for g in grids:
        rows = []
        for row in g.rows:
            cells = [(c.loc.col, c.text) if not c.merged and c.span == (1, 1) else (c.loc.col, c.text, c.merged, c.span)
                     for c in row.cells if c.text or c.merged or c.span != (1, 1)]
            rows.append((row.loc.line, row.blank_before, cells))
        out.append((g.sheet, [e.message for e in g.problems], rows))
    return out


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
    ws["D2"] = "=Sheet9!A1"  # another sheet: outside the subset, blank
    ws["E2"] = "=1/0"
    ws["F2"] = "=E3"
    ws["E3"] = "=F2"  # a reference cycle: blank
    ws["A3"] = "  padded  "
    ws.merge_cells("A4:C5")
    ws["A4"] = "merged"
    ws.merge_cells("E4:E7")
    ws["E4"] = 5
    ws["A6"] = "=E4*2"
    ws["CV8"] = "column 100"
    ws["CW8"] = "column 101"
    ws["A9"] = dt.datetime(2021, 3, 4, 5, 6, 7)
    ws["A20001"] = "row 20001"
    ws.merge_cells("CU10:CX11")
    ws["CU10"] = "merged over the column limit"
    ws["D1048576"] = "the last row"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "a hidden sheet"
    hidden.sheet_state = "hidden"
    wb.create_sheet("空白")
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    covered = ("", True, (1, 1))
    assert shown(read_xlsx(path)) == [
        ("数据", ["工作表“数据”中超出读取范围（前 20000 行、前 100 列）的 3 个单元格未读取"], [
            (1, False, [(1, "财政项目支出绩效自评表"), (2, "TRUE"), (3, "0.3"), (4, "1,234,567.89"), (5, "100.00%"),
                        (6, "(5.50)"), (7, "12")]),
            (2, False, [(1, "1234568.191"), (2, "是"), (3, "411522.63"), (5, "#DIV/0!")]),
            (3, False, [(1, "padded")]),
            (4, False, [(1, "merged", False, (2, 3)), (2, *covered), (3, *covered), (5, "5", False, (4, 1))]),
            (6, True, [(1, "10"), (5, *covered)]),
            (8, True, [(100, "column 100")]),
            (9, False, [(1, "2021-03-04 05:06:07")]),
            (10, False, [(99, "merged over the column limit", False, (2, 4)), (100, *covered)]),
        ]),
        ("隐藏", [], [(1, False, [(1, "a hidden sheet")])]),
        ("空白", [], []),
    ]


def test_merged_ranges_and_formulas_in_prefixed_xml(tmp_path):
    """Some producers write the sheet XML with a namespace prefix (`<x:c>`, `<x:mergeCell>`):
    merges and formulas without results are still found."""
    path = tmp_path / "form.xlsx"
    wb = build.to_xlsx(BASE, path)
    wb.active["I6"] = "=IFERROR(ROUND(MIN(F6/E6,1)*G6,2),0)"
    wb.save(path)
    main = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def prefixed(data: bytes) -> bytes:
        data = data.replace(b"xmlns=" + main, b"xmlns:x=" + main)
        return re.sub(rb"<(/?)(?=[a-zA-Z])", rb"<\1x:", data)

    odd = build.rewrite(path, tmp_path / "prefixed.xlsx", "xl/worksheets/sheet1.xml", prefixed)
    with zipfile.ZipFile(odd) as zf:
        assert b"<x:mergeCell " in zf.read("xl/worksheets/sheet1.xml")
    assert shown(read_xlsx(odd)) == shown(read_xlsx(path))
    forms, errors = read_forms(odd)
    assert errors == []
    check_base(forms[0])
    assert forms[0].funds.total.score.text == "9.5"


def test_shared_strings_rich_text_and_saved_results(tmp_path, office):
    """A workbook saved by LibreOffice: shared strings, formulas with stored results, its own
    styles; then its first shared strings made rich text (runs, a phonetic guide)."""
    src = tmp_path / "form.xlsx"
    build.to_xlsx(BASE, src)
    [saved] = office.convert(src, "xlsx", tmp_path / "lo")
    forms, errors = read_forms(saved)
    assert errors == []
    check_base(forms[0])
    rich = build.rewrite(saved, tmp_path / "rich.xlsx", "xl/sharedStrings.xml", lambda d: re.sub(
        rb"<si><t([^>]*)>([^<]*)</t></si>", rb"<si><r><t>A</t></r><r><rPr><b/></rPr><t\1>\2</t></r><rPh sb='0' eb='1'><t>p</t></rPh></si>", d, count=3))

    def texts(path):
        return [c.text for g in read_xlsx(path) for r in g.rows for c in r.cells]
    changed = {(a, b) for a, b in zip(texts(saved), texts(rich)) if a != b}
    assert len({a for a, _ in changed}) == 3 and all(b == "A" + a for a, b in changed)  # runs joined, no phonetics


def test_exported_forms_and_the_template_read_back(tmp_path):
    """jixiao's own export (formulas without stored results, review columns, the findings sheet)
    and the blank template (drop-down lists, defined names, a hidden sheet) read as workbooks."""
    from jixiao.rules import load_ruleset
    from jixiao.writers import write_template_xlsx, write_xlsx
    from jixiao.writers.review import review_forms

    forms, errors = read_forms(SEED)
    assert forms and not errors
    write_xlsx(forms, tmp_path / "seed.xlsx", review_forms(forms))
    back, errors = read_forms(tmp_path / "seed.xlsx")
    assert errors == []
    assert [(f.project.text, f.total.score.text) for f in back] == [(f.project.text, f.total.score.text) for f in forms]
    write_template_xlsx(tmp_path / "template.xlsx", dict(load_ruleset("cn-2020").taxonomy))
    grids = read_xlsx(tmp_path / "template.xlsx")
    assert "指标体系" in [g.sheet for g in grids]
    assert any("财政项目支出绩效自评表" in c.text for c in grids[0].rows[0].cells)


def word_shapes(path: Path) -> Path:
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
    d.save(str(path))
    return path


COVERED = ("", True, (1, 1))
SHAPES = [
    (1, False, [(1, "财政项目支出绩效自评表")]),
    (2, False, [(1, "tab\thereafter a break\nnext line")]),
    (1, True, [(1, "merged down", False, (2, 1)), (2, "merged across", False, (1, 2)), (3, *COVERED)]),
    (3, False, [(2, "a block", False, (2, 2)), (3, *COVERED), (4, "two\nparagraphs")]),
    (4, False, [(2, *COVERED), (3, *COVERED), (4, "nested\n\n\ntable")]),
    (2, True, [(3, "a second table")]),
]


def test_word_tables_of_every_shape(tmp_path):
    grids = read_docx(word_shapes(tmp_path / "shapes.docx"))
    assert shown(grids) == [(None, [], SHAPES)]
    assert [r.loc.sheet for r in grids[0].rows] == ["正文段落"] * 2 + ["表1"] * 3 + ["表2"]


W = b"<w:tr>"


@pytest.mark.parametrize("name,change,expected", [
    ("bookmark-in-row", lambda x: x.replace(b"<w:tc>", b'<w:bookmarkStart w:id="0" w:name="x"/><w:tc>', 1), SHAPES),
    ("props-after-text", lambda x: re.sub(rb"<w:tc>(<w:tcPr>.*?</w:tcPr>)(.*?)</w:tc>", rb"<w:tc>\2\1</w:tc>", x, count=2),
     SHAPES),
    ("tab-stops", lambda x: x.replace(b"<w:p>", b'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>', 5),
     SHAPES),
    # a repeating-section content control wraps table rows; a control can wrap a cell
    ("rows-in-sdt", lambda x: x.replace(W, b"<w:sdt><w:sdtContent>" + W, 1).replace(
        b"</w:tr>", b"</w:tr></w:sdtContent></w:sdt>", 1), SHAPES),
    ("tc-in-sdt", lambda x: x.replace(b"<w:tc>", b"<w:sdt><w:sdtContent><w:tc>", 1).replace(
        b"</w:tc>", b"</w:tc></w:sdtContent></w:sdt>", 1), SHAPES),
    ("comment-in-text", lambda x: x.replace(b"<w:t>", b"<w:t>a<!--c-->b", 1),
     [(1, False, [(1, "ab财政项目支出绩效自评表")])] + SHAPES[1:]),
    ("sdt-paragraph", lambda x: x.replace(b"<w:body>", b"<w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>in a control</w:t></w:r></w:p></w:sdtContent></w:sdt>", 1),
     [(1, False, [(1, "in a control")])] + [((n + 1, b, c) if k < 2 else (n, b, c)) for k, (n, b, c) in enumerate(SHAPES)]),
    ("grid-before", lambda x: x.replace(W, b'<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>', 1),
     SHAPES[:2] + [(1, True, [(3, "merged down"), (4, "merged across", False, (1, 2)), (5, *COVERED)])] + SHAPES[3:]),
    ("vmerge-without-val", lambda x: x.replace(b"<w:tcPr>", b"<w:tcPr><w:vMerge/>", 2),  # continues: the first row is covered
     SHAPES[:2] + [(3, True, SHAPES[3][2])] + SHAPES[4:]),
])
def test_word_table_markup(tmp_path, name, change, expected):
    path = build.rewrite(word_shapes(tmp_path / "shapes.docx"), tmp_path / f"{name}.docx", "word/document.xml", change)
    assert shown(read_docx(path)) == [(None, [], expected)]


def test_a_macro_enabled_document_reads(tmp_path):
    """The package says .docm; its body is a Word body like any other."""
    good = tmp_path / "good.docx"
    build.to_docx(BASE, good)
    path = build.rewrite(good, tmp_path / "macro.docx", "[Content_Types].xml",
                         lambda d: d.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"))
    forms, errors = read_forms(path)
    assert errors == []
    check_base(forms[0])


def test_odd_workbooks_read(tmp_path):
    """What openpyxl reads that a form never needs: hyperlinks, a sheet name Excel refuses."""
    good = tmp_path / "good.xlsx"
    build.to_xlsx(BASE, good)
    for k, (part, change) in enumerate([
        ("xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", b'</sheetData><hyperlinks><hyperlink ref="A1" location="A2"/></hyperlinks>')),
        ("xl/workbook.xml", lambda d: d.replace(b'name="Sheet1"', b'name="a/b"')),
    ]):
        forms, errors = read_forms(build.rewrite(good, tmp_path / f"odd{k}.xlsx", part, change))
        assert errors == []
        check_base(forms[0])


@pytest.mark.parametrize("ending,part,change,message", [
    ("xlsx", "xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2], "Excel 文件中的工作表“Sheet1”已损坏（XMLSyntaxError"),
    ("xlsx", "xl/styles.xml", lambda d: re.sub(rb"<cellXfs.*?</cellXfs>", b"", d), "Excel 文件中的工作表“Sheet1”已损坏"),
    ("xlsx", "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<mergeCell ref="', b'<mergeCell ref="1:1 ', 1),
     "Excel 文件中的工作表“Sheet1”已损坏"),
    ("docx", "word/document.xml", lambda d: d.replace(b'<w:gridSpan w:val="', b'<w:gridSpan w:x="', 1),
     "Word 文件中的表格结构损坏（ValueError: gridSpan 的 w:val 不是数字（None））"),
    ("docx", "word/document.xml", lambda d: re.sub(rb"<w:body>.*</w:body>", b"", d, flags=re.S),
     "Word 文件已损坏：文档部件 word/document.xml 中没有正文（w:body）"),
    ("docx", "_rels/.rels", lambda d: d.replace(b"/officeDocument", b"/somethingElse"), "Word 文件已损坏：找不到文档正文部件"),
    ("docx", "_rels/.rels", lambda d: d.replace(b'Target="word/document.xml"', b'Target="word/gone.xml"'),
     "Word 文件已损坏：找不到文档正文部件（KeyError"),
])
def test_what_cannot_be_read_is_a_read_error(tmp_path, ending, part, change, message):
    good = tmp_path / f"good.{ending}"
    (build.to_xlsx if ending == "xlsx" else build.to_docx)(BASE, good)
    path = build.rewrite(good, tmp_path / f"odd.{ending}", part, change)
    forms, errors = read_forms(path)
    assert forms == [] and len(errors) == 1
    assert errors[0].message.startswith(message), errors[0].message
    assert errors[0].loc.file == str(path)
    if ending == "xlsx":
        assert errors[0].loc.sheet == "Sheet1"
    elif "表格" in message:
        assert (errors[0].loc.sheet, errors[0].loc.line) == ("表1", 1)  # the first row has a grid span


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
