"""`jixiao export`: the standard layout as a person gets it in Excel and Word — merged cells, number
formats, print set-up, one sheet or section per form, the re-score and findings beside the form."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from jixiao.checks import check_forms
from jixiao.readers import read_forms
from jixiao.rules import load_ruleset

from ..conftest import SEED


def export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", "export", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("export")
    r = export(str(SEED), "--xlsx", str(d / "seed.xlsx"), "--docx", str(d / "seed.docx"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"已写出 {d / 'seed.xlsx'}（10 张自评表）", f"已写出 {d / 'seed.docx'}（10 张自评表）"]
    return d


@pytest.fixture(scope="module")
def workbook(out):
    return openpyxl.load_workbook(out / "seed.xlsx")


def test_one_sheet_per_form_and_the_findings_sheet(workbook):
    names = workbook.sheetnames
    assert len(names) == 11 and names[-1] == "复核结果"
    assert names[0] == "2021年(社保卡中心)交换平台运行费"


def test_the_findings_sheet_lists_every_finding(workbook):
    forms, _ = read_forms(SEED)
    expected = sum(len(r.findings) for r in check_forms(forms, load_ruleset()))
    ws = workbook["复核结果"]
    assert [c.value for c in ws[1]] == ["序号", "工作表", "项目", "规则", "级别", "说明", "应为", "填报"]
    assert ws.max_row - 1 == expected
    rules = {ws.cell(r, 4).value for r in range(2, ws.max_row + 1)}
    assert {"F003", "S004"} <= rules


def test_merged_cells_of_the_standard_layout(workbook):
    ws = workbook["2021年(社保卡中心)公务车辆购置费"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:I1", "A2:I2", "A3:B3", "C3:I3", "A5:A9", "B6:C6", "A10:A11", "B11:E11", "F11:I11"} <= merged
    # 一级 merged down its rows, 二级 down its own; the total row's label across A:F
    assert {"B13:B18", "C13:C14", "B19:B25", "C19:C20", "A12:A26", "A27:F27"} <= merged
    assert ws["B13"].value == "产出指标" and ws["C13"].value == "数量指标"


def test_numbers_keep_how_the_form_printed_them(workbook):
    ws = workbook["2021年(社保卡中心)交换平台运行费"]
    assert (ws["D6"].value, ws["D6"].number_format) == (446048, "0.00")  # printed 446048.00
    assert (ws["F6"].value, ws["F6"].number_format) == (446048, "#,##0")  # printed 446,048
    assert ws["H6"].value == "=IFERROR(F6/E6,0)" and ws["H6"].number_format == "0.00%"
    assert ws["G7"].value == "—"


def test_printed_targets_stay_text(workbook):
    ws = workbook["2021年(社保卡中心)交换平台运行费"]
    cell = ws["E13"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=100%", "s", True)
    assert ws["E19"].value == "≥90%"


def test_print_set_up(workbook):
    ws = workbook.worksheets[0]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_area == "'2021年(社保卡中心)交换平台运行费'!$A$1:$I$20"
    assert [ws.column_dimensions[c].width for c in "ABCDEFGHI"] == [8, 12, 19, 20, 12, 12, 7, 9, 28]
    # the row of the long goal texts is tall enough for them
    long_goal = workbook.worksheets[5]
    assert long_goal.row_dimensions[11].height > 3 * long_goal.row_dimensions[13].height


def test_the_review_beside_the_form(workbook):
    ws = workbook["上海市社会保障卡服务中心信息系统(2021升级改造)"]
    assert [ws.cell(5, c).value for c in (11, 12, 13)] == ["复核：执行率", "复核：得分", "复核：检查结果"]
    assert ws["K6"].value == "=IFERROR(F6/E6,0)" and ws["L6"].value == "=IFERROR(ROUND(MIN(F6/E6,1)*G6,2),0)"
    assert ws["M6"].value.startswith("【F003 警告】执行率应为")
    assert not str(ws["H6"].value).startswith("=")  # printed 96.97%, which the formula would not give
    row = next(r for r in range(13, 30) if ws.cell(r, 4).value == "长效管理机制健全性")
    assert (ws.cell(row, 11).value, ws.cell(row, 12).value) == (3, "部分达成")
    assert ws.cell(row, 13).value.startswith("【S004 警告】")


def test_without_review(tmp_path):
    r = export(str(SEED), "--xlsx", str(tmp_path / "plain.xlsx"), "--no-review")
    assert r.returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "plain.xlsx")
    assert "复核结果" not in wb.sheetnames and wb.worksheets[0].max_column == 9


def test_word_document(out):
    import docx
    from docx.enum.section import WD_ORIENT

    doc = docx.Document(str(out / "seed.docx"))
    assert len(doc.sections) == 10 and all(s.orientation == WD_ORIENT.LANDSCAPE for s in doc.sections)
    assert len(doc.tables) == 10
    table = doc.tables[0]
    tr = table.rows[10]._tr
    assert tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
    # 一级 产出指标 merged down three rows: the first starts the merge, the others continue it
    first = table.rows[10].cells[1]._tc
    assert first.vMerge == "restart" and table.rows[11]._tr.tc_lst[1].vMerge == "continue"
    assert any(p.text.startswith("复核结果（jixiao，规则集 cn-2020）") for p in doc.paragraphs)


def test_sheet_names_are_valid_and_unique(tmp_path):
    forms, _ = read_forms(SEED)
    forms = forms[:2]
    forms[0].project.text = forms[1].project.text = "项目/名称:[2021]*?很长很长很长很长很长很长很长很长很长很长很长的名称"
    from jixiao.writers import write_xlsx

    write_xlsx(forms, tmp_path / "x.xlsx")
    names = openpyxl.load_workbook(tmp_path / "x.xlsx").sheetnames
    assert len(set(names)) == 2 and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_usage_and_bad_input(tmp_path):
    r = export(str(SEED))
    assert r.returncode == 2 and "请至少指定 --xlsx 或 --docx 之一" in r.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = export(str(empty), str(SEED), "--xlsx", str(tmp_path / "x.xlsx"))
    assert r.returncode == 2 and "文件为空" in r.stderr
    assert len(openpyxl.load_workbook(tmp_path / "x.xlsx").sheetnames) == 11  # the good forms are written
    r = export(str(empty), "--xlsx", str(tmp_path / "y.xlsx"))
    assert r.returncode == 2 and "没有读到任何自评表，未写出文件" in r.stderr
    assert not (tmp_path / "y.xlsx").exists()
