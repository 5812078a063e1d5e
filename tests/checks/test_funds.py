"""F001–F006: the 项目资金 block (rules.md §5 execution rate and score)."""

from __future__ import annotations

from jixiao.rules import load_ruleset

from .conftest import FUNDS, SUBROWS, form_text


# -- F001: 其中 rows add up to 年度资金总额, per column -----------------------------------------
def test_f001_subrows_do_not_add_up(findings):
    subrows = """
     | 其中：当年财政拨款 | 800.00 | 1000.00 | | — | |
     | 上年结转资金 | 100.00 | 0 | | — | |
     | 其他资金 | 0 | 0 | | — | |
    """
    # 年初预算数: 800 + 100 + 0 = 900, but the total row says 1000; 全年预算数 adds up.
    [f] = findings(form_text(subrows=subrows), rule="F001")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("error", "funds.initial_budget", "900", "1000", "100")
    assert "年初预算数" in f.message and "当年财政拨款 800" in f.message
    assert f.location.line == 6
    assert findings(form_text(subrows=SUBROWS), rule="F001") == []


def test_f001_ignores_a_column_no_subrow_fills_in(findings):
    # The seed leaves 全年执行数 blank on every 其中 row: that is not a claim that they add up to 0.
    assert findings(form_text(), rule="F001") == []


# -- F002: 全年执行数 > 全年预算数 ----------------------------------------------------------------
def test_f002_executed_above_budget(findings):
    funds = " | 年度资金总额 | 1000.00 | 1000.00 | 1,050 | 10 | 105.00% | 10"
    [f] = findings(form_text(funds=funds), rule="F002")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("warning", "funds.executed", "1000", "1050", "50")
    assert findings(form_text(funds=FUNDS), rule="F002") == []


def test_f002_over_execution_still_scores_at_most_the_weight(findings):
    funds = " | 年度资金总额 | 1000.00 | 1000.00 | 1,050 | 10 | 105.00% | 10"
    # min(r, 1) × 10 = 10: the score is right, so no F004.
    assert findings(form_text(funds=funds), rule="F004") == []


# -- F003: printed 执行率 ≠ round2(r × 100) -------------------------------------------------------
def test_f003_rate_rounded_up_instead_of_half_up(findings):
    # 敬老卡 in the seed: 2557145 ÷ 2564000 = 99.7326…% → 99.73%; printed 99.74% (rounded up).
    funds = " | 年度资金总额 | 2564000.00 | 2564000.00 | 2,557,145 | 10 | 99.74% | 9.97"
    subrows = " | 其中：当年财政拨款 | 2564000.00 | 2564000.00 | | — | |"
    [f] = findings(form_text(funds=funds, subrows=subrows), rule="F003")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("warning", "funds.rate", "99.73", "99.74", "0.01")
    assert "向上进位" in f.message
    fixed = funds.replace("99.74%", "99.73%")
    assert findings(form_text(funds=fixed, subrows=subrows), rule="F003") == []


def test_f003_uses_the_annual_budget_not_the_initial_one(findings):
    # 年初预算数 800 was adjusted to 全年预算数 1000: 900 ÷ 1000 = 90.00%, not 900 ÷ 800.
    funds = " | 年度资金总额 | 800.00 | 1000.00 | 900 | 10 | 90.00% | 9"
    subrows = " | 其中：当年财政拨款 | 800.00 | 1000.00 | | — | |"
    assert findings(form_text(funds=funds, subrows=subrows), rule="F003") == []
    assert findings(form_text(funds=funds.replace("90.00%", "112.50%"), subrows=subrows), rule="F003") != []


def test_f003_says_when_the_rate_is_neither_rounded_nor_rounded_up(findings):
    funds = " | 年度资金总额 | 1000.00 | 1000.00 | 955 | 10 | 96.00% | 9.55"
    [f] = findings(form_text(funds=funds), rule="F003")
    assert (f.expected, f.printed) == ("95.5", "96")
    assert "既不是四舍五入" in f.message


# -- F004: printed execution score ≠ round2(min(r, 1) × funds weight) -------------------------
def test_f004_execution_score(findings):
    # 1454341.54 ÷ 1480000 = 98.2663…% → 0.982663 × 10 = 9.8266… → 9.83 (half up); printed 9.82.
    funds = " | 年度资金总额 | 1480000.00 | 1480000.00 | 1,454,341.54 | 10 | 98.27% | 9.82"
    subrows = " | 其中：当年财政拨款 | 1480000.00 | 1480000.00 | | — | |"
    [f] = findings(form_text(funds=funds, subrows=subrows), rule="F004")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("error", "funds.score", "9.83", "9.82", "-0.01")
    assert findings(form_text(funds=funds.replace("9.82", "9.83"), subrows=subrows), rule="F004") == []


def test_f004_rounds_half_up_not_to_even(findings):
    # 9125 ÷ 10000 = 91.25% → × 10 = 9.125 → 9.13 half up (banker's rounding would give 9.12).
    funds = " | 年度资金总额 | 10000.00 | 10000.00 | 9,125 | 10 | 91.25% | 9.12"
    subrows = " | 其中：当年财政拨款 | 10000.00 | 10000.00 | | — | |"
    [f] = findings(form_text(funds=funds, subrows=subrows), rule="F004")
    assert f.expected == "9.13"
    assert findings(form_text(funds=funds.replace("9.12", "9.13"), subrows=subrows), rule="F004") == []


def test_f004_uses_the_printed_funds_weight(findings):
    # Some counties weigh execution 20: 95% × 20 = 19 (F005 says the weight differs).
    funds = " | 年度资金总额 | 1000.00 | 1000.00 | 950 | 20 | 95.00% | 19"
    assert findings(form_text(funds=funds), rule="F004") == []
    [f] = findings(form_text(funds=funds.replace("| 19", "| 9.5")), rule="F004")
    assert f.expected == "19"


# -- F005: funds weight ≠ the rule set's default ----------------------------------------------
def test_f005_funds_weight(findings):
    funds = " | 年度资金总额 | 1000.00 | 1000.00 | 1,000 | 20 | 100.00% | 20"
    [f] = findings(form_text(funds=funds), rule="F005")
    assert (f.severity, f.field, f.expected, f.printed) == ("warning", "funds.weight", "10", "20")
    assert findings(form_text(funds=FUNDS), rule="F005") == []


# -- F006: 执行率 below 90% -------------------------------------------------------------------
def test_f006_low_rate(findings):
    # 信息系统(运维) in the seed: 3503794.7 ÷ 4104326 = 85.37%.
    funds = " | 年度资金总额 | 4104326.00 | 4104326.00 | 3,503,794.70 | 10 | 85.37% | 8.54"
    subrows = " | 其中：当年财政拨款 | 4104326.00 | 4104326.00 | | — | |"
    [f] = findings(form_text(funds=funds, subrows=subrows), rule="F006")
    assert (f.severity, f.field) == ("info", "funds.rate")
    assert "85.37%" in f.message and "90%" in f.message
    assert findings(form_text(), rule="F006") == []


def test_f006_threshold_is_a_rule_set_parameter(findings, tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text('extends = "cn-2020"\n[checks.F006]\nthreshold = 80\n', encoding="utf-8")
    funds = " | 年度资金总额 | 4104326.00 | 4104326.00 | 3,503,794.70 | 10 | 85.37% | 8.54"
    subrows = " | 其中：当年财政拨款 | 4104326.00 | 4104326.00 | | — | |"
    assert findings(form_text(funds=funds, subrows=subrows), rule="F006", rules=load_ruleset(rules)) == []


# -- F008: an amount whose unit disagrees with its block ------------------------------------------
def test_f007_unit_and_number_disagree(findings, read):
    # 1000万 in a block in 元 is 10,000,000, ten thousand times its row's other amounts: the number
    # was typed in 元 and the 万 is a slip, or the reverse; which cannot be told.
    funds = " | 年度资金总额 | 1000.00 | 1000万 | 1,000 | 10 | 100.00% | 10"
    [f] = findings(form_text(funds=funds, subrows=""), rule="F008")
    assert (f.severity, f.field, f.printed) == ("warning", "funds.annual_budget", "10000000")
    assert "1000万" in f.message and f.location.line == 6
    # 0.1万 beside 1000 (元) is the same amount, converted: clear, only the P002 repair says so
    funds = " | 年度资金总额 | 1000.00 | 0.1万 | 1,000 | 10 | 100.00% | 10"
    assert findings(form_text(funds=funds, subrows=""), rule="F008") == []
    [form] = read(form_text(funds=funds, subrows=""))
    assert form.funds.total.annual_budget.value == 1000 and form.funds.total.annual_budget.unit == "万"
    assert any(r.kind == "convert-unit" and "“0.1万”→1000" in r.message for r in form.repairs)
