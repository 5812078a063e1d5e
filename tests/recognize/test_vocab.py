"""The header vocabularies are data: every spelling they list names its field, and a form headed
with other spellings of the same fields reads as the standard one."""

from __future__ import annotations

import pytest

from jixiao.readers.text import grid_from_text
from jixiao.recognize import recognize
from jixiao.recognize.vocab import FUNDS, INDICATORS, Heading, HeadingKind, match_header

from ..conftest import tsv


@pytest.mark.parametrize("vocab", [INDICATORS, FUNDS], ids=["indicators", "funds"])
def test_every_spelling_names_its_field(vocab):
    for name, spellings in vocab.fields:
        for sp in spellings:
            assert match_header(sp, vocab) == Heading(HeadingKind.FIELD, name), sp
            assert match_header(f"{sp}（分）", vocab) == Heading(HeadingKind.FIELD, name), sp
    for name, spellings in vocab.extras:
        for sp in spellings:
            assert match_header(sp, vocab) == Heading(HeadingKind.EXTRA, name), sp


def test_review_columns_and_unknown_headers():
    assert match_header("复核得分", INDICATORS).kind is HeadingKind.IGNORED
    assert match_header("联系人", INDICATORS) is None


FORM = tsv("""
财政项目支出绩效自评表
（2023年度）
项目名称 | 乡村道路养护
主管部门 | 某县交通局 | 实施单位 | 某县公路站
项目资金（万元） | | 年初预算 | 调整后预算数 | 实际执行数 | 权重 | 执行率 | 得分
| 年度资金总额 | 120 | 100 | 90 | 10 | 90% | 9
年度总体目标 | 预期目标 | | | 实际完成情况
| 养护道路50公里。 | | | 养护道路48公里。
一级指标 | 二级指标 | 指标名称 | 指标性质 | 指标值 | 计量单位 | 全年实际值 | 权重 | 得分 | 未完成原因分析 | 佐证材料
产出指标 | 数量指标 | 养护里程 | ≥ | 50 | 公里 | 48 | 45 | 43 | 两段路面待验收 | 验收单
效益指标 | 社会效益指标 | 通行条件 | 定性 | 改善 | | 改善 | 45 | 45 | | 照片
合计 | | | | | | | 100 | 97
""")


def test_a_form_headed_with_other_spellings():
    forms, errors = recognize(grid_from_text(FORM, "x.txt"))
    assert errors == []
    (form,) = forms
    assert form.amount_unit == "万元"
    assert (form.project.text, form.department.text, form.unit.text) == ("乡村道路养护", "某县交通局", "某县公路站")
    t = form.funds.total
    assert (t.initial_budget.text, t.annual_budget.text, t.executed.text, t.rate.text) == ("120", "100", "90", "90%")
    got = [(i.level1.text, i.level2.text, i.name.text, i.target.norm, i.actual.text, i.weight.text, i.score.text,
            i.deviation.text) for i in form.indicators]
    assert got == [("产出指标", "数量指标", "养护里程", ">=50公里", "48公里", "45", "43", "两段路面待验收"),
                   ("效益指标", "社会效益指标", "通行条件", "改善", "改善", "45", "45", "")]
    assert form.extra["indicator_columns"] == [{"佐证资料": "验收单"}, {"佐证资料": "照片"}]
    assert (form.total.weight.text, form.total.score.text) == ("100", "97")
