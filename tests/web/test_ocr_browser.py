"""A scanned form through the web application: an administrator uploads a scanned PDF (the first
seed form exported to Word, printed to PDF by LibreOffice and "scanned" as bench/ocr.py scans),
sees the numbers the OCR was unsure of marked on the form page (P003 识别不确定，请核对), corrects
one, and sees the change in the audit log, the finding gone and the re-score changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.ocr import scan_pdf
from jixiao.readers import read_forms
from jixiao.writers import write_docx

from ..readers.office import office  # noqa: F401 - a fixture
from .test_browser import browser, log_in, server, server_db  # noqa: F401 - fixtures

PROJECT = "2021年(社保卡中心)交换平台运行费"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, office, seed_path):  # noqa: F811
    d = tmp_path_factory.mktemp("scan")
    forms, _ = read_forms(seed_path)
    write_docx(forms[:1], d / "one.docx")
    (pdf,) = office.convert(d / "one.docx", "pdf", d)
    out = d / "scanned-form.pdf"
    scan_pdf(pdf, out, 200, seed=3)
    return out


def test_a_scanned_form_is_uploaded_checked_by_eye_and_corrected(server, browser, scanned):  # noqa: F811
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    log_in(page, server, "admin")
    page.goto(server + "/upload")
    page.set_input_files("#upload-files", str(scanned))
    page.click("#upload-submit")
    expect(page.locator("#upload-results .result-line")).to_have_text("scanned-form.pdf：导入 1 张自评表",
                                                                       timeout=120_000)
    page.goto(server + "/forms")
    page.click(f"text={PROJECT}")
    expect(page.locator("h1")).to_have_text(PROJECT)

    # the uncertain numbers are listed and marked on their cells
    uncertain = page.locator("#findings tr", has_text="P003")
    assert uncertain.count() >= 1
    expect(uncertain.first).to_contain_text("识别不确定，请核对")
    before = page.locator("#rescored-total").inner_text()

    # the 全年执行数 is one of them here (446,048 read at 0.8x); a person reads the paper and
    # types what it says — here a different amount, so that the re-score must change
    cell = page.locator("#cell-funds-executed")
    expect(cell.locator("a.mark")).not_to_have_count(0)
    page.click("#edit-link")
    page.fill('input[name="funds.executed"]', "400000")
    page.click("#save-form")
    expect(page.locator(".flash")).to_contain_text("已保存（第 2 版）")
    expect(page.locator("#audit")).to_contain_text("400000")
    after = page.locator("#rescored-total").inner_text()
    assert after != before
    # the corrected cell is the person's now: no P003 on it
    expect(page.locator("#findings tr", has_text="P003").filter(has_text="446")).to_have_count(0)
    page.close()
