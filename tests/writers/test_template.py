"""`jixiao template`: the blank form a unit fills in, with drop-down lists and number checks; a
filled-in template reads back as the form the unit meant."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

from jixiao.readers import read_forms

from ..readers.office import office  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    d = tmp_path_factory.mktemp("template")
    out = d / "模板.xlsx"
    r = subprocess.run([sys.executable, "-m", "jixiao.cli", "template", "--xlsx", str(out), "--docx", str(d / "模板.docx")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"已写出 {out}" in r.stdout
    return out


def test_drop_down_lists_come_from_the_taxonomy(template):
    wb = openpyxl.load_workbook(template)
    ws, lists = wb["自评表"], wb["指标体系"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists[1] if c.value] == ["产出指标", "效益指标", "满意度指标"]
    assert [c.value for c in lists["A"][1:] if c.value] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert wb.defined_names["效益指标"].attr_text == "指标体系!$B$2:$B$5"
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    level1 = by_range["B13:B27"]
    assert (level1.type, level1.formula1) == ("list", "指标体系!$A$1:$C$1")
    level2 = by_range["C13:C27"]
    assert (level2.type, level2.formula1) == ("list", "INDIRECT(B13)")
    scores = next(dv for dv in ws.data_validations.dataValidation if "G13:H27" in str(dv.sqref))
    assert (scores.type, scores.operator, scores.formula1, scores.formula2) == ("decimal", "between", "0", "100")
    assert "G6" in str(scores.sqref)
    money = by_range["D6:F9"]
    assert (money.type, money.operator, money.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert scores.error and scores.showErrorMessage


def test_rate_score_and_total_are_formulas(template):
    ws = openpyxl.load_workbook(template)["自评表"]
    assert (ws["H6"].value, ws["H6"].number_format) == ("=IFERROR(F6/E6,0)", "0.00%")
    assert ws["I6"].value == "=IFERROR(ROUND(MIN(F6/E6,1)*G6,2),0)"
    assert ws["G28"].value == "=G6+SUM(G13:G27)"
    assert ws["H28"].value == "=ROUND(I6+SUM(H13:H27),2)"
    assert ws["A28"].value == "总分"


def test_the_blank_template_is_not_a_form_yet(template):
    forms, errors = read_forms(template)
    assert forms == []
    assert len(errors) == 1 and "项目名称" in errors[0].message and "不完整" in errors[0].message


FILLED = {
    "C3": "社区养老服务补贴", "C4": "某市民政局", "H4": "某区养老服务中心", "A2": "（2022年度）",
    "D6": 1200000, "E6": 1000000, "F6": 950000,
    "D7": 1200000, "E7": 1000000, "F7": 950000,
    "B11": "为辖区老人提供助餐、助浴服务。", "F11": "全年服务老人12,000人次。",
    "B13": "产出指标", "C13": "数量指标", "D13": "服务人次", "E13": "≥10000人次", "F13": "12000人次", "G13": 50, "H13": 50,
    "B14": "效益指标", "C14": "社会效益指标", "D14": "老人生活质量", "E14": "提升", "F14": "提升", "G14": 30, "H14": 27,
    "I14": "个别社区服务未覆盖。",
    "B15": "满意度指标", "C15": "服务对象满意度指标", "D15": "老人满意度", "E15": "≥90%", "F15": "93%", "G15": 10, "H15": 10,
}


@pytest.fixture(scope="module")
def filled(template, tmp_path_factory):
    wb = openpyxl.load_workbook(template)
    ws = wb["自评表"]
    for ref, value in FILLED.items():
        ws[ref] = value
    path = tmp_path_factory.mktemp("filled") / "已填写.xlsx"
    wb.save(path)
    return path


def check_filled(form) -> None:
    assert (form.project.text, form.year, form.department.text, form.unit.text) == (
        "社区养老服务补贴", 2022, "某市民政局", "某区养老服务中心")
    t = form.funds.total
    assert (t.annual_budget.value, t.executed.value, t.weight.text, t.rate.text, t.score.text) == (
        Decimal(1000000), Decimal(950000), "10", "95.00%", "9.5")
    assert [(i.level1.text, i.level2.text, i.name.text, i.weight.text, i.score.text) for i in form.indicators] == [
        ("产出指标", "数量指标", "服务人次", "50", "50"),
        ("效益指标", "社会效益指标", "老人生活质量", "30", "27"),
        ("满意度指标", "服务对象满意度指标", "老人满意度", "10", "10"),
    ]
    assert (form.total.weight.text, form.total.score.text) == ("100", "96.5")


def test_a_filled_in_template_reads_back(filled):
    """Saved by a program, the formulas have no results yet: the reader computes them."""
    forms, errors = read_forms(filled)
    assert errors == []
    check_filled(forms[0])


def test_a_filled_in_template_recalculated_by_libreoffice(filled, office, tmp_path):
    (recalculated,) = office.convert(filled, "xlsx", tmp_path)
    ws = openpyxl.load_workbook(recalculated, data_only=True)["自评表"]
    assert (ws["H6"].value, ws["I6"].value, ws["G28"].value, ws["H28"].value) == (0.95, 9.5, 100, 96.5)
    forms, errors = read_forms(recalculated)
    assert errors == []
    check_filled(forms[0])


def test_the_word_template(template):
    import docx

    doc = docx.Document(str(template.with_name("模板.docx")))
    assert [p.text for p in doc.paragraphs[:2]] == ["财政项目支出绩效自评表", "（    年度）"]
    table = doc.tables[0]
    assert len(table.columns) == 9
    assert [c.text for c in table.rows[9].cells] == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                                      "分值", "得分", "偏差原因分析及改进措施"]
