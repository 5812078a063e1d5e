"""The scoring engine (rules.md §3–§5), one rule at a time, on indicators built in the test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.model import Form, FundsRow, Indicator, Text, Total
from jixiao.rules import load_ruleset
from jixiao.score import qualitative_level, score_form, score_indicator
from jixiao.values import amount, decimal_text, measure, rate

RULES = load_ruleset()
D = Decimal


def ind(target: str, actual: str, weight: str = "10", score: str = "10") -> Indicator:
    return Indicator(name=Text("指标"), target=measure(target), actual=measure(actual),
                     weight=amount(weight), score=amount(score))


def assess(target: str, actual: str, weight: str = "10", score: str = "10", rules=RULES):
    return score_indicator(0, ind(target, actual, weight, score), rules)


# -- §4 quantitative achievement -----------------------------------------------------------------
@pytest.mark.parametrize("target,actual,achievement", [
    (">=90%", "90%", "met"),
    (">=90%", "89.99%", "not_met"),
    (">90%", "90%", "met"),            # rules.md: '>' is met when B ≥ A as well
    ("=100%", "100%", "met"),          # '=100%' means reach 100%
    ("=100%", "120%", "met"),
    ("=100%", "96.78%", "not_met"),
    ("<=5毫秒", "5毫秒", "met"),       # reverse
    ("<=5毫秒", "6毫秒", "not_met"),
    ("=0次", "0次", "met"),            # zero target needs B = 0
    ("=0次", "1次", "not_met"),
    ("=0%", "=0%", "met"),             # '=' on the actual is dropped
    ("<=5毫秒", "<=5毫秒", "met"),     # a bound that guarantees the target
    (">=90%", ">=95%", "met"),
    ("<=5毫秒", "<=8毫秒", "unknown"), # a bound that does not
    ("=100%", "", "blank"),
])
def test_quantitative_achievement(target, actual, achievement):
    assert assess(target, actual).achievement == achievement


# -- §5 quantitative expected scores -------------------------------------------------------------
@pytest.mark.parametrize("target,actual,weight,expected", [
    ("=100%", "96.78%", "20", "19.36"),   # 19.356 → 19.36, half up
    ("=100%", "89.5%", "20", "17.90"),
    (">=1000人", "125人", "10", "1.25"),   # 1.25 exactly
    (">=3次", "1次", "10", "3.33"),        # 3.333…
    ("=100%", "150%", "20", "20"),         # no bonus for over-achievement
    ("<=5毫秒", "8毫秒", "8", "5.00"),     # reverse ratio: A/B × w
    ("=0次", "2次", "10", "0"),
    ("<=0起", "1起", "10", "0"),
])
def test_quantitative_expected(target, actual, weight, expected):
    assert assess(target, actual, weight).expected == D(expected)


def test_reverse_linear_is_a_rule_set_option(tmp_path):
    p = tmp_path / "linear.toml"
    p.write_text('extends = "cn-2020"\n[scoring]\nreverse = "linear"\n', encoding="utf-8")
    linear = load_ruleset(p)
    # (2 − 6/5) × 10 = 8; 0 from B ≥ 2A
    assert assess("<=5毫秒", "6毫秒", rules=linear).expected == D("8.00")
    assert assess("<=5毫秒", "12毫秒", rules=linear).expected == D("0")


def test_units_must_agree():
    ia = assess(">=100人次", "95个")
    assert (ia.achievement, ia.unit_mismatch, ia.expected, ia.rescored) == ("unknown", True, None, D(10))
    assert assess("=0次", "0").achievement == "met"  # a bare number takes the target's unit
    assert assess("=100%", "100百分比").achievement == "met"


# -- §4 qualitative achievement ------------------------------------------------------------------
@pytest.mark.parametrize("target,actual,level", [
    ("健全", "健全", "achieved"),
    ("健全", "达成年度指标", "achieved"),
    ("健全", "已完成", "achieved"),
    ("健全", "是", "achieved"),
    ("提升", "提升", "achieved"),
    ("提升", "明显提高", "achieved"),      # same direction
    ("下降", "降低", "achieved"),
    ("健全", "基本健全", "partial"),
    ("完善", "较完善", "partial"),
    ("健全", "部分达成年度指标", "partial"),
    ("健全", "基本达成", "partial"),
    ("健全", "不健全", "not_achieved"),
    ("完善", "未完善", "not_achieved"),
    ("健全", "无", "not_achieved"),
    ("健全", "未达成", "not_achieved"),
    ("健全", "未完成", "not_achieved"),
    ("提升", "下降", "not_achieved"),      # opposite direction
    ("提升", "未提升", "not_achieved"),
    ("健全", "正在修订", "unknown"),       # never guess
    ("提升", "持平", "unknown"),
    ("与相关部门实现信息共享", "与相关部门实现信息共享。", "achieved"),
])
def test_qualitative_level(target, actual, level):
    assert qualitative_level(target, actual, RULES)[0] == level


@pytest.mark.parametrize("actual,score,expected,band", [
    ("基本健全", "2.5", "3.00", ("3.00", "4.00")),   # below partial band → its low edge
    ("基本健全", "3.5", "3.5", ("3.00", "4.00")),    # inside: accepted
    ("达成", "3", "5", ("4.00", "5.00")),            # achieved below its band → w
    ("不健全", "4", "2.99", ("0.00", "3.00")),       # not achieved above [0, 3) → 2.99
    ("健全", "2", "5", ("4.00", "5.00")),            # identical text: w
])
def test_qualitative_expected_and_band(actual, score, expected, band):
    ia = assess("健全", actual, "5", score)
    assert ia.expected == D(expected)
    assert ia.band == (D(band[0]), D(band[1]))


def test_unknown_wording_keeps_the_printed_score():
    ia = assess("健全", "正在修订", "5", "2")
    assert (ia.achievement, ia.expected, ia.rescored) == ("unknown", None, D(2))
    assert "正在修订" in ia.reason


# -- §5 execution and totals ---------------------------------------------------------------------
def form(budget: str, executed: str, rows: list[Indicator], total: str = "", initial: str | None = None) -> Form:
    f = Form(project=Text("示例"))
    f.funds.total = FundsRow(label="年度资金总额", initial_budget=amount(initial or budget), annual_budget=amount(budget),
                             executed=amount(executed), weight=amount("10"), rate=rate(""), score=amount("10"))
    f.indicators = rows
    f.total = Total(weight=amount("100"), score=amount(total))
    return f


def test_execution_rate_and_score():
    a = score_form(form("1454161", "1410000", []), RULES)
    assert a.rate == D("96.96")  # 96.9631…% half up
    assert a.execution_score == D("9.70")
    assert score_form(form("1000", "1200", []), RULES).execution_score == D("10.00")  # min(r, 1)


def test_execution_uses_the_annual_budget():
    a = score_form(form("1000", "900", [], initial="800"), RULES)
    assert a.rate == D("90.00")


def test_execution_without_budget():
    a = score_form(form("", "900", []), RULES)
    assert a.rate is None and a.execution_score is None and a.notes


def test_totals_and_grades():
    rows = [ind("=100%", "96.78%", "20", "19.4"), ind("健全", "基本健全", "5", "2.5"), ind("健全", "健全", "65", "65")]
    a = score_form(form("1000", "1000", rows, total="96.9"), RULES)
    # 10 + 19.36 + 3 + 65: each row rounded first
    assert (a.self_total, a.rescored_total) == (D("96.9"), D("97.36"))
    assert (a.self_grade, a.rescored_grade) == ("优", "优")
    assert [ia.rescored for ia in a.indicators] == [D("19.36"), D("3.00"), D("65")]


def test_rescored_total_is_unknown_when_a_score_is_missing_and_cannot_be_computed():
    rows = [ind("健全", "正在修订", "5", ""), ind("=100%", "100%", "85", "85")]
    a = score_form(form("1000", "1000", rows, total=""), RULES)
    assert a.rescored_total is None and a.rescored_grade is None
    assert any("无法得出" in n for n in a.notes)


_DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10 ** 9, max_value=10 ** 9),
    st.integers(min_value=-40, max_value=40).map(lambda e: Decimal(1).scaleb(e)),
    st.sampled_from([Decimal("-0"), Decimal("-0.00"), Decimal("0E-7"), Decimal("100"), Decimal("1E+2"), Decimal("2.50"),
                     Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"),
                     Decimal("1234567890123456789012345678.9"), Decimal("0.1000000000000000000000000001")]),
)


@settings(max_examples=3000, deadline=None)
@given(_DECIMALS)
def test_decimal_text_prints_as_normalize_and_a_fixed_point_format(d):
    """decimal_text's quick path (str() less its trailing zeros) prints every Decimal as the
    normalised fixed-point text it stands for."""
    assert decimal_text(d) == decimal_text(d.normalize(), exact=True) == format(d.normalize(), "f")


def test_the_rate_is_taken_against_the_initial_budget_when_no_other_is_printed():
    """年初预算数(A) | 全年执行数(B) | 执行率(B/A): the form prints no 全年预算数 (criteria-funds-ab)."""
    rs = load_ruleset("cn-2020")
    form = Form()
    form.funds.total = FundsRow(label="年度资金总额", initial_budget=amount("1,000,000.00"), executed=amount("950,000.00"),
                                weight=amount("10"), rate=rate("95.00%"), score=amount("10"))
    a = score_form(form, rs)
    assert (a.rate, a.execution_score) == (Decimal("95.00"), Decimal("9.50"))
    form.funds.total.annual_budget = amount("950,000.00")  # printed: the rate is taken against it
    assert score_form(form, rs).rate == Decimal("100.00")


def test_the_funds_checks_name_the_budget_the_rate_is_taken_against():
    """F002/F003 name 年初预算数 when it is the budget the rate is taken against."""
    from jixiao.checks import check_form

    form = Form()
    form.funds.total = FundsRow(label="年度资金总额", initial_budget=amount("1,000,000.00"), executed=amount("1,100,000.00"),
                                weight=amount("10"), rate=rate("90.00%"), score=amount("10"))
    found = {f.rule: f.message for f in check_form(form, load_ruleset("cn-2020"))}
    assert "大于年初预算数 1000000" in found["F002"]
    assert "全年执行数÷年初预算数 = 1100000÷1000000" in found["F003"]
