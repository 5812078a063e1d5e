"""The ten seed forms go out in the standard layout and come back with the same facts:
text → model → xlsx → model, → docx → model, and → PDF (LibreOffice prints the exported xlsx and
docx) → model. Among the PDFs, forms whose indicator table breaks across a page.

And LibreOffice, recalculating the exported workbook, gets the same 执行率, execution score and
total as jixiao."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.readers import read_forms
from jixiao.rules import load_ruleset
from jixiao.score import score_form
from jixiao.values import decimal_text
from jixiao.writers import write_docx, write_xlsx
from jixiao.writers.review import review_forms

from ..readers.office import office  # noqa: F401 - a fixture
from ..conftest import facts



@pytest.fixture(scope="module")
def seed_forms(seed_path):
    forms, errors = read_forms(seed_path)
    assert errors == [] and len(forms) == 10
    return forms


@pytest.fixture(scope="module")
def exported(seed_forms, tmp_path_factory, office) -> dict[str, Path]:
    """The seed exported as xlsx and docx (with the re-score beside it), and both printed to PDF
    by one LibreOffice run. In copies of both, two forms are made too tall for one page (rows
    two and a half times as high in the workbook, a deep top margin in the document), so that
    their indicator tables break across pages."""
    import docx
    from docx.shared import Cm

    d = tmp_path_factory.mktemp("export")
    reviews = review_forms(seed_forms)
    files = {"xlsx": d / "seed.xlsx", "docx": d / "seed.docx", "tall": d / "tall.docx", "tall-xlsx": d / "tall.xlsx"}
    write_xlsx(seed_forms, files["xlsx"], reviews)
    write_docx(seed_forms, files["docx"], reviews)
    wb = openpyxl.load_workbook(files["xlsx"])
    for ws in (wb.worksheets[3], wb.worksheets[5]):
        for r in range(1, ws.max_row + 1):
            ws.row_dimensions[r].height = (ws.row_dimensions[r].height or 15) * 2.5
    wb.save(files["tall-xlsx"])
    document = docx.Document(str(files["docx"]))
    for k in (0, 3):
        document.sections[k].top_margin = Cm(8)
    document.save(str(files["tall"]))
    pdf_xlsx, pdf_docx, pdf_tall, pdf_tall_xlsx = office.convert(
        [files["xlsx"], files["docx"], files["tall"], files["tall-xlsx"]], "pdf", d / "pdf")
    (recalculated,) = office.convert(files["xlsx"], "xlsx", d / "recalculated")
    files.update({"pdf-from-xlsx": pdf_xlsx, "pdf-from-docx": pdf_docx, "pdf-tall": pdf_tall, "pdf-tall-xlsx": pdf_tall_xlsx,
                  "recalculated": recalculated})
    return files


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf-from-xlsx", "pdf-from-docx", "pdf-tall", "pdf-tall-xlsx",
                                  "recalculated"])
def test_the_same_facts_come_back(seed_forms, exported, kind):
    forms, errors = read_forms(exported[kind])
    assert errors == []
    assert len(forms) == 10
    for original, back in zip(seed_forms, forms):
        assert facts(back) == facts(original), original.project.text


@pytest.mark.parametrize("kind", ["pdf-tall-xlsx", "pdf-tall"])
def test_some_indicator_tables_break_across_a_page(exported, kind):
    forms, _ = read_forms(exported[kind])
    broken = [f.project.text for f in forms if len({i.loc.sheet for i in f.indicators}) > 1]
    assert broken, "no form's indicator table runs onto a second page"


def test_libreoffice_recalculates_what_jixiao_computes(seed_forms, exported):
    """Beside each form stand live formulas for 执行率 (K), the execution score (L) and the
    re-scored total (K of the 总分 row); LibreOffice's results equal jixiao's re-score. Inside
    the form, the formula cells LibreOffice computed print what the form printed."""
    ruleset = load_ruleset()
    wb = openpyxl.load_workbook(exported["recalculated"], data_only=True)
    formulas = openpyxl.load_workbook(exported["xlsx"])
    for form, ws, wf in zip(seed_forms, wb.worksheets, formulas.worksheets):
        a = score_form(form, ruleset)
        funds_row = next(r for r in range(1, 40) if ws.cell(r, 2).value == "年度资金总额")
        total_row = next(r for r in range(funds_row, 80) if ws.cell(r, 1).value == "总分")
        assert wf.cell(funds_row, 11).value.startswith("=") and wf.cell(total_row, 11).value.startswith("=")
        rate = Decimal(repr(ws.cell(funds_row, 11).value)) * 100
        assert rate.quantize(Decimal("0.01")) == a.rate, form.project.text
        assert Decimal(repr(ws.cell(funds_row, 12).value)) == a.execution_score
        assert Decimal(repr(ws.cell(total_row, 11).value)) == a.rescored_total
        # the form's own formula cells (where the unit's numbers agree with the formula)
        for row, col, printed in ((funds_row, 9, form.funds.total.score), (total_row, 8, form.total.score)):
            if str(wf.cell(row, col).value).startswith("="):
                assert decimal_text(Decimal(repr(ws.cell(row, col).value))) == decimal_text(printed.value)


def test_a_form_the_formulas_disagree_with_keeps_what_it_printed(seed_forms, exported):
    """上海市社会保障卡服务中心信息系统(2021升级改造) printed 96.97% for 1410000 ÷ 1454161 = 96.96%:
    the form keeps 96.97% as a value, and the 复核 column beside it computes 96.96%."""
    wf = openpyxl.load_workbook(exported["xlsx"])
    k = next(n for n, f in enumerate(seed_forms) if f.funds.total.rate.text == "96.97%")
    ws = wf.worksheets[k]
    assert round(ws["H6"].value, 4) == 0.9697 and ws["H6"].number_format == "0.00%"
    assert ws["K6"].value == "=IFERROR(F6/E6,0)"
    recalculated = openpyxl.load_workbook(exported["recalculated"], data_only=True).worksheets[k]
    assert round(recalculated["K6"].value, 4) == 0.9696
