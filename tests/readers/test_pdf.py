"""PDFs made by LibreOffice from small workbooks: merged cells rebuilt from the cell geometry,
text that overflows the table, a table continued on the next page, the title above the table,
and scans, which go to OCR."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from jixiao.readers import read_forms
from jixiao.readers.pdf import read_pdf

from . import build
from .test_layouts import (BASE, EXPECTED, EXTRA_COLUMNS, FUNDS, GOALS, HEAD, PARENTS, SPLIT_TARGET, WEIGHT_FIRST,
                           check_base, widen)

VARIANTS = {
    "split-target": widen(HEAD + FUNDS + GOALS, 11) + SPLIT_TARGET,
    "weight-first": HEAD + FUNDS + GOALS + WEIGHT_FIRST,
    "extra-columns": widen(HEAD + FUNDS + GOALS, 16) + EXTRA_COLUMNS,
    "wan-yuan": BASE.replace("项目资金（元）", "项目资金（万元）"),
}

LONG_DEVIATION = "两个社区场地未落实，已与街道协调，明年一季度补齐并完成验收"
LONG_NAME = "老人生活质量（含助餐、助浴、上门照护、精神慰藉等服务）"


def _long_form(n: int) -> str:
    """A form with n indicators under 产出指标/数量指标 (long enough to run onto a second page)."""
    rows = ["绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施"]
    rows.append(f"^ | 产出指标 | 数量指标 | 指标1 | ≥1次 | 1次 | {90 - (n - 1)} | {90 - (n - 1)} |")
    rows += [f"^ | ^ | ^ | 指标{k} | ≥{k}次 | {k}次 | 1 | 1 |" for k in range(2, n + 1)]
    rows.append("总分 | < | < | < | < | < | 100 | 99.5 |")
    return HEAD + FUNDS + GOALS + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, office) -> dict[str, Path]:
    """All workbooks of this module, converted by one LibreOffice run."""
    d = tmp_path_factory.mktemp("pdf")
    sources = {}
    sources["base"] = d / "base.xlsx"
    build.to_xlsx(BASE, sources["base"], unbordered=2)

    sources["overflow"] = d / "overflow.xlsx"
    wb = build.to_xlsx(BASE.replace("两个社区场地未落实，明年补齐。", LONG_DEVIATION), sources["overflow"], unbordered=2)
    ws = wb.active
    ws.column_dimensions["I"].width = 12  # too narrow: the text runs on past the table's right edge
    ws.print_area = "A1:P25"
    wb.save(sources["overflow"])

    sources["runover"] = d / "runover.xlsx"  # a long name runs on into the empty target cell beside it
    build.to_xlsx(BASE.replace("| 老人生活质量 | 提升 |", f"| {LONG_NAME} | |"), sources["runover"], unbordered=2)

    sources["long"] = d / "long.xlsx"
    build.to_xlsx(_long_form(40), sources["long"], unbordered=2)

    for name, table in VARIANTS.items():
        sources[name] = d / f"{name}.xlsx"
        build.to_xlsx(table, sources[name], unbordered=2)
    sources["parents"] = d / "parents.xlsx"
    build.to_xlsx(HEAD + FUNDS + GOALS + PARENTS, sources["parents"], unbordered=2)
    paths = office.convert(list(sources.values()), "pdf", d / "out")
    return dict(zip(sources, paths))


def test_merged_cells_are_rebuilt_from_the_cell_geometry(pdfs):
    forms, errors = read_forms(pdfs["base"])
    assert errors == []
    check_base(forms[0])
    grid = read_pdf(pdfs["base"])[0]
    funds = next(r for r in grid.rows if r.cells[0].text == "项目资金（元）")
    assert funds.cells[0].span == (5, 1) and funds.cells[0].bbox is not None
    below = grid.rows[grid.rows.index(funds) + 1]
    assert below.cells[0].merged and below.cells[1].text == "年度资金总额" and below.cells[2].merged


def test_title_above_the_table_becomes_rows(pdfs):
    grid = read_pdf(pdfs["base"])[0]
    assert [r.cells[0].text for r in grid.rows[:2]] == ["财政项目支出绩效自评表", "（2022年度）"]
    assert grid.rows[0].cells[0].bbox[2] - grid.rows[0].cells[0].bbox[0] < 200  # a text line, not a table cell


def test_text_overflowing_the_table_belongs_to_its_row(pdfs):
    forms, errors = read_forms(pdfs["overflow"])
    assert errors == []
    assert forms[0].indicators[1].deviation.text == LONG_DEVIATION
    grid = read_pdf(pdfs["overflow"])[0]
    cell = next(c for r in grid.rows for c in r.cells if c.text == LONG_DEVIATION)
    import pdfplumber

    with pdfplumber.open(pdfs["overflow"]) as pdf:
        (table,) = pdf.pages[0].find_tables()
        outside = [ch for ch in pdf.pages[0].chars if ch["x0"] > table.bbox[2]]
    assert outside, "the test needs text printed beyond the table's right edge"
    assert cell.bbox[2] <= table.bbox[2] + 1


def test_text_running_into_the_empty_cell_beside_it(pdfs):
    grid = read_pdf(pdfs["runover"])[0]
    row = next(r for r in grid.rows if any(c.text.startswith("老人生活质量") for c in r.cells))
    texts = [c.text for c in row.cells]
    assert texts[3] == LONG_NAME and texts[4] == ""
    import pdfplumber

    with pdfplumber.open(pdfs["runover"]) as pdf:
        spill = [ch for ch in pdf.pages[0].chars if ch["text"] == "藉" and ch["x0"] > row.cells[3].bbox[2]]
    assert spill, "the test needs the name printed into the next cell"
    forms, errors = read_forms(pdfs["runover"])
    assert errors == []
    ind = forms[0].indicators[4]
    assert (ind.name.text, ind.target.text, ind.actual.text) == (LONG_NAME, "", "提升")


def test_a_table_continued_on_the_next_page(pdfs):
    grid = read_pdf(pdfs["long"])[0]
    pages = {r.loc.sheet for r in grid.rows}
    assert {"第1页", "第2页"} <= pages
    first_on_2 = next(r for r in grid.rows if r.loc.sheet == "第2页")
    assert first_on_2.blank_before and first_on_2.loc.line == 1
    forms, errors = read_forms(pdfs["long"])
    assert errors == []
    assert [i.name.text for i in forms[0].indicators] == [f"指标{k}" for k in range(1, 41)]
    # the labels, centred in cells merged over both pages, print in the middle of page 1: the
    # cells the page break left open (side rules, no bottom border) are rebuilt, so the labels
    # are their cells' text, on the group's first row, and need no repair
    assert {(i.level1.text, i.level2.text) for i in forms[0].indicators} == {("产出指标", "数量指标")}
    first = next(r for r in grid.rows if len(r.cells) > 3 and r.cells[3].text == "指标1")
    assert [(c.text, c.span[0]) for c in first.cells[1:3]] == [("产出指标", 31), ("数量指标", 31)]
    # page 2's table takes the columns of page 1's (its merged leading columns are not drawn
    # there): its rows stand in their columns as printed, no shift to repair
    assert not {"label-after-rows", "shift-row"} & {r.kind for r in forms[0].repairs}
    assert forms[0].total.score.text == "99.5"


def _scan(path: Path, pages: int = 1) -> Path:
    images = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:])
    return path


def test_scanned_pages_are_read_by_ocr(tmp_path):
    # pages without a text layer go to OCR (readers/ocr.py; tests/readers/test_ocr.py reads real
    # scans): these two are blank, and each is reported with its page
    forms, errors = read_forms(_scan(tmp_path / "scan.pdf", pages=2))
    assert forms == []
    assert [e.message for e in errors] == ["第1页是空白页，没有可识别的内容；该页未读取",
                                           "第2页是空白页，没有可识别的内容；该页未读取"]


def test_a_read_pages_streams_are_not_kept(tmp_path):
    """pdfminer's document caches every object it resolves, a scanned page's JPEG included (0.4 MB
    a page at 200 dpi, kept until the file was closed): read_pdf drops the streams after each
    page. Seeing one cached before the drop also says pdfminer still caches where the drop looks."""
    import pdfplumber
    from pdfminer.pdftypes import PDFStream

    from jixiao.readers.pdf import _drop_streams

    def streams(pdf) -> int:
        return sum(isinstance(obj, PDFStream) for obj, _ in pdf.doc._cached_objs.values())

    with pdfplumber.open(_scan(tmp_path / "scan.pdf", pages=3)) as pdf:
        for page in pdf.pages:
            assert page.images
            page.close()
            assert streams(pdf) >= 1
            _drop_streams(pdf)
            assert streams(pdf) == 0


def test_a_scanned_page_among_text_pages(tmp_path, pdfs):
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(pdfs["base"]))
    merged.import_pages(pdfium.PdfDocument(_scan(tmp_path / "scan.pdf")))
    path = tmp_path / "mixed.pdf"
    merged.save(path)
    forms, errors = read_forms(path)
    assert [f.project.text for f in forms] == ["社区养老服务补贴"]
    assert build.indicator_facts(forms[0]) == EXPECTED
    assert [e.message for e in errors] == ["第2页是空白页，没有可识别的内容；该页未读取"]


def test_a_pdf_with_no_form(tmp_path, office):
    src = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "会议纪要：讨论了明年的预算编制"
    wb.save(src)
    (pdf,) = office.convert(src, "pdf", tmp_path / "out")
    forms, errors = read_forms(pdf)
    assert forms == [] and len(errors) == 1
    assert errors[0].message.startswith("文件中没有找到自评表") and "第1页" in errors[0].message


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_layout_variants_printed_to_pdf(pdfs, variant):
    """Split target columns under a two-row header, 分值 first, extra columns, 万元: from the
    cell geometry of a printed form as from the workbook itself."""
    forms, errors = read_forms(pdfs[variant])
    assert errors == []
    check_base(forms[0], unit="万元" if variant == "wan-yuan" else "元")


def test_parent_rows_printed_to_pdf(pdfs):
    forms, errors = read_forms(pdfs["parents"])
    assert errors == []
    assert [f[:2] + f[3:] for f in build.indicator_facts(forms[0])] == [e[:2] + e[3:] for e in EXPECTED]
    assert sum(r.kind == "parent-row" for r in forms[0].repairs) == 2


@pytest.mark.parametrize("lines,joined", [
    (["97.2", "9%"], "97.29%"),  # a rate a narrow cell broke inside (the flat list's 得分系数, 执行率)
    (["12,345.", "67"], "12,345.67"),
    (["1000", "0"], "10000"),
    (["97.2", "9% 以上"], "97.29% 以上"),
    (["达到 95", "9% 以上"], "达到 95 9% 以上"),  # not a number alone on its line: a word break
    (["2021", "年度"], "2021年度"),  # CJK joins without a space anyway
    (["phase", "two"], "phase two"),  # two Latin words keep their space
    (["100", "people"], "100 people"),
])
def test_wrapped_lines_of_a_cell_join(lines, joined):
    from jixiao.readers.pdf_geometry import join_lines

    assert join_lines(lines) == joined
