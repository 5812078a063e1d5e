"""V001–V004: targets and actuals (rules.md §3–§4)."""

from __future__ import annotations

from .conftest import form_text

SATISFACTION = " | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |"


def rows(*lines: str) -> str:
    return "\n".join(lines)


def two_rows(first: str) -> str:
    """A form whose first 效益指标 row is `first` (weight 10) and the rest stays consistent."""
    return form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        first,
        " | | | 管理制度健全性 | 健全 | 健全 | 20 | 20 |",
        SATISFACTION,
    ))


# -- V001: an actual with an operator is a bound, not a measurement ---------------------------
def test_v001_actual_with_equals_sign(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 系统运行正常率 | =100% | =100% | 10 | 10 |")
    [f] = findings(text, rule="V001")
    assert (f.severity, f.indicator, f.field) == ("info", "系统运行正常率", "indicators[1].actual")
    assert "“=”" in f.message
    assert findings(text.replace("=100%\t=100%", "=100%\t100%"), rule="V001") == []


def test_v001_bound_that_satisfies_the_target_is_met(findings):
    # 居住证一网通办 in the seed: target ≤5毫秒, actual ≤5毫秒: a bound that guarantees the target.
    text = two_rows(" | 效益指标 | 社会效益指标 | 系统平均响应时间 | ≤5毫秒 | ≤5毫秒 | 10 | 10 |")
    [f] = findings(text, rule="V001")
    assert "界限" in f.message and "按达到计分" in f.message
    assert findings(text, rule="S002") == findings(text, rule="S003") == findings(text, rule="V004") == []
    assert findings(text.replace("≤5毫秒\t≤5毫秒", "≤5毫秒\t4毫秒"), rule="V001") == []


def test_v001_bound_that_does_not_settle_the_target(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 系统平均响应时间 | ≤5毫秒 | ≤8毫秒 | 10 | 6 | 高峰期变慢")
    [v1] = findings(text, rule="V001")
    assert "不能说明" in v1.message
    [v4] = findings(text, rule="V004")
    assert "沿用填报得分 6" in v4.message


# -- V002: units differ, or a quantitative target with words as the actual -------------------
def test_v002_units_differ(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 培训人次 | >=100人次 | 95个 | 10 | 9.5 | 部分人员缺训")
    [f] = findings(text, rule="V002")
    assert (f.severity, f.indicator, f.field) == ("error", "培训人次", "indicators[1].actual")
    assert "人次" in f.message and "个" in f.message and "沿用填报得分 9.5" in f.message
    # the re-score cannot compare the numbers, so there is no S002 either
    assert findings(text, rule="S002") == []
    assert findings(text.replace("95个", "95人次"), rule="V002") == []


def test_v002_bare_number_takes_the_targets_unit(findings):
    # units.allow_missing: '0' against '=0次' is 0次.
    text = two_rows(" | 效益指标 | 社会效益指标 | 安全事故发生数 | =0次 | 0 | 10 | 10 |")
    assert findings(text, rule="V002") == []


def test_v002_words_for_a_quantitative_target(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 系统运行正常率 | =100% | 正常 | 10 | 10 |")
    [f] = findings(text, rule="V002")
    assert "不是数值" in f.message
    assert findings(text.replace("正常\t", "100%\t"), rule="V002") == []


# -- V003: B ≥ 1.3 × A on a positive indicator -----------------------------------------------
def test_v003_target_probably_too_low(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 培训人次 | >=100人次 | 130人次 | 10 | 10 |")
    [f] = findings(text, rule="V003")
    assert (f.severity, f.field, f.expected, f.printed) == ("warning", "indicators[1].target", "130", "130")
    assert "130%" in f.message
    # over-achievement never gives a bonus: the score stays w
    assert findings(text, rule="S001") == findings(text, rule="S002") == []
    assert findings(text.replace("130人次", "129人次"), rule="V003") == []


def test_v003_not_for_reverse_indicators(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 投诉次数 | <=10次 | 2次 | 10 | 10 |")
    assert findings(text, rule="V003") == []


# -- V004: cannot be re-scored automatically (unknown wording) --------------------------------
def test_v004_unknown_qualitative_wording(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 服务质量 | 提升 | 有待观察 | 10 | 7 | 效果需长期观察")
    [f] = findings(text, rule="V004")
    assert (f.severity, f.indicator, f.field) == ("info", "服务质量", "indicators[1].actual")
    assert "有待观察" in f.message and "沿用填报得分 7" in f.message
    # no guess: no S004 for an unknown level
    assert findings(text, rule="S004") == []
    assert findings(text.replace("有待观察", "明显提升").replace("10\t7\t", "10\t10\t"), rule="V004") == []


def test_v004_blank_actual(findings):
    text = two_rows(" | 效益指标 | 社会效益指标 | 服务质量 | 提升 | | 10 | 10 |")
    [f] = findings(text, rule="V004")
    assert "未填写" in f.message
