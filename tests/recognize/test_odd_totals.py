"""Totals in odd places (layouts.md): a funds 年度资金总额 row of zeros above filled 其中 rows,
and the form's total typed into the funds row's 分值/得分 cells when there is no 总分 row."""

from __future__ import annotations

from decimal import Decimal

from jixiao.readers.text import grid_from_text
from jixiao.recognize import recognize

from ..conftest import tsv

HEAD = """
项目支出绩效自评表
项目名称 | 乡村道路养护
主管部门 | 某县交通局 | 实施单位 | 某县公路站
项目资金（元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分"""
TABLE = """
年度总体目标 | 预期目标 | | | 实际完成情况
| 养护道路50公里。 | | | 养护道路48公里。
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
产出指标 | 数量指标 | 养护里程 | 50公里 | 48公里 | 45 | 43 | 两段路面待验收
效益指标 | 社会效益指标 | 通行条件 | 改善 | 改善 | 45 | 45 |
"""


def _read(text: str):
    forms, errors = recognize(grid_from_text(tsv(text), "x.txt"))
    assert errors == []
    (form,) = forms
    return form


def test_a_zero_funds_total_is_the_sum_of_its_rows():
    form = _read(HEAD + """
| 年度资金总额 | 0 | 0 | 0 | 10 | 90% | 9
| 其中：当年财政拨款 | 100 | 80 | 70 | | |
| 上年结转资金 | 20 | 20 | 20 | | |""" + TABLE + "总分 | | | | | 100 | 97 |\n")
    t = form.funds.total
    assert (t.initial_budget.value, t.annual_budget.value, t.executed.value) == (Decimal(120), Decimal(100),
                                                                                  Decimal(90))
    assert (t.weight.value, t.score.value) == (Decimal(10), Decimal(9))
    (rep,) = [r for r in form.repairs if r.kind == "funds-total-from-rows"]
    assert "年初预算数 120、全年预算数 100、全年执行数 90" in rep.message
    assert [loc.line for loc in rep.locs] == [5, 5, 5]


def test_a_zero_funds_total_over_zero_rows_stays_zero():
    form = _read(HEAD + """
| 年度资金总额 | 0 | 0 | 0 | 10 | 0% | 0
| 其中：当年财政拨款 | 0 | 0 | 0 | | |""" + TABLE + "总分 | | | | | 100 | 88 |\n")
    assert form.funds.total.annual_budget.value == 0
    assert not [r for r in form.repairs if r.kind == "funds-total-from-rows"]


def test_the_total_in_the_funds_row_is_the_forms_total():
    form = _read(HEAD + """
| 年度资金总额 | 120 | 100 | 90 | 100 | 90% | 97""" + TABLE)
    t = form.funds.total
    assert (t.weight.value, t.score.value, t.rate.value) == (None, None, Decimal(90))
    assert (form.total.weight.value, form.total.score.value, form.total.inferred) == (Decimal(100), Decimal(97), False)
    (rep,) = [r for r in form.repairs if r.kind == "total-in-funds-row"]
    assert "分值 100、得分 97" in rep.message
    assert [loc.line for loc in rep.locs] == [5, 5]
    assert not [r for r in form.repairs if r.kind in ("infer-total", "missing-total")]


def test_execution_points_in_the_funds_row_stay_there():
    form = _read(HEAD + """
| 年度资金总额 | 120 | 100 | 90 | 10 | 90% | 9""" + TABLE)
    assert (form.funds.total.weight.value, form.funds.total.score.value) == (Decimal(10), Decimal(9))
    assert form.total.inferred and form.total.score.value == Decimal(97)
    assert not [r for r in form.repairs if r.kind == "total-in-funds-row"]


def test_a_total_from_the_funds_row_implies_the_execution_points():
    """The funds row held the total, so its own 分值/得分 are not printed: W001 and S006 count
    the rule set's 10 points and the re-scored execution score (90 % × 10 = 9), not 0."""
    from jixiao.checks import check_forms
    from jixiao.rules import load_ruleset

    rs = load_ruleset("cn-2020")
    right = _read(HEAD + """
| 年度资金总额 | 120 | 100 | 90 | 100 | 90% | 97""" + TABLE)
    wrong = _read(HEAD + """
| 年度资金总额 | 120 | 100 | 90 | 100 | 90% | 96""" + TABLE)
    rules = [[f.rule for f in r.findings if f.rule in ("W001", "S006")] for r in check_forms([right, wrong], rs)]
    assert rules == [[], ["S006"]]
