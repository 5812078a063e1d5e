"""`jixiao export` and `jixiao template` for the department-wide and transfer-payment forms:
their standard layouts, with live formulas, read back to the same facts."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from jixiao.readers import read_forms
from jixiao.writers import write_docx, write_template_docx, write_template_xlsx, write_xlsx
from jixiao.writers.layout import blank_form, plan_form, ref

from .test_read_back import CASES, facts, generated, read_one

TAXONOMY = {"产出指标": ("数量指标", "质量指标"), "效益指标": ("社会效益指标",), "满意度指标": ("服务对象满意度指标",)}


@pytest.mark.parametrize("fmt", ("xlsx", "docx"))
@pytest.mark.parametrize("kind,variant,seed", CASES)
def test_an_exported_form_reads_back_to_the_same_facts(tmp_path, kind, variant, seed, fmt):
    form, _ = generated(kind, variant, seed)
    path = tmp_path / f"out.{fmt}"
    (write_xlsx if fmt == "xlsx" else write_docx)([form], path)
    got = read_one(path)
    assert facts(got) == facts(form)
    assert got.repairs == []


def test_rates_scores_and_totals_are_live_formulas(tmp_path):
    form, _ = generated("transfer", "points", 1)
    path = tmp_path / "t.xlsx"
    write_xlsx([form], path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    p = plan_form(form)
    f = p.funds_total
    assert ws[ref(7, f)].value == f'=IFERROR({ref(5, f)}/{ref(4, f)},"")'
    assert ws[ref(8, f)].value == f"=IFERROR(ROUND(MIN({ref(5, f)}/{ref(4, f)},1)*{ref(6, f)},2),0)"
    assert ws[ref(7, f + 1)].value == f'=IFERROR({ref(5, f + 1)}/{ref(4, f + 1)},"")'  # 中央财政资金
    assert ws[ref(7, p.total)].value == f"=ROUND({ref(8, f)}+SUM({ref(7, p.first_indicator)}:{ref(7, p.last_indicator)}),2)"
    flat, _ = generated("department", "flat", 1)
    write_xlsx([flat], path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    r = plan_form(flat).first_indicator
    assert ws[ref(7, r)].value == f"=ROUND({ref(6, r)}*{ref(5, r)}/100,2)"  # 指标得分 = 权重 × 得分系数


@pytest.mark.parametrize("kind,label", [("department", "部门（单位）名称"), ("transfer", "转移支付（项目）名称")])
def test_a_blank_template_of_each_kind_says_what_is_missing(tmp_path, kind, label):
    for path, write in ((tmp_path / "t.xlsx", lambda p: write_template_xlsx(p, TAXONOMY, kind=kind)),
                        (tmp_path / "t.docx", lambda p: write_template_docx(p, kind=kind))):
        write(path)
        forms, errors = read_forms(path)
        assert forms == [] and len(errors) == 1
        assert label in errors[0].message and "不完整" in errors[0].message


def test_a_filled_in_transfer_template_is_scored_by_its_formulas(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template_xlsx(path, TAXONOMY, blank_rows=3, kind="transfer")
    p = plan_form(blank_form("transfer"), blank_rows=3)
    f, first = p.funds_total, p.first_indicator
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cells = {ref(2, 2): "农村饮水安全转移支付", ref(2, 3): "水利部", ref(7, 3): "某市水利局", ref(2, 4): "某县水务局",
             ref(4, f): 800, ref(5, f): 760, ref(4, f + 1): 600, ref(5, f + 1): 600, ref(4, f + 2): 200, ref(5, f + 2): 160,
             ref(1, p.indicator_header - 1): "解决农村人口饮水安全问题", ref(5, p.indicator_header - 1): "已全部完成",
             ref(1, first): "产出指标", ref(2, first): "数量指标", ref(3, first): "受益人口", ref(4, first): "≥5000人",
             ref(5, first): "5200人", ref(6, first): 90, ref(7, first): 90}
    for k, row in enumerate(range(f + 5, f + 12)):
        cells[ref(3, row)] = f"第{k + 1}项情况良好"
    for at, value in cells.items():
        ws[at] = value
    wb.save(path)
    form = read_one(path)
    assert form.kind == "transfer" and form.local_department.text == "某市水利局"
    t = form.funds.total
    assert (t.rate.value, t.score.value, form.total.score.value) == (Decimal(95), Decimal("9.5"), Decimal("99.5"))
    assert [r.rate.value for r in form.funds.rows] == [Decimal(100), Decimal(80), None]
    assert [m.text.text for m in form.management][:2] == ["第1项情况良好", "第2项情况良好"]
