"""S001–S009: indicator scores and the total (rules.md §4–§5)."""

from __future__ import annotations

from decimal import Decimal

from .conftest import form_text

SATISFACTION = " | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |"


def rows(*lines: str) -> str:
    return "\n".join(lines)


# -- S001: 0 ≤ s ≤ w ----------------------------------------------------------------------------
def test_s001_score_above_weight(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 55 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ))
    [f] = findings(text, rule="S001")
    assert (f.severity, f.indicator, f.field, f.expected, f.printed, f.difference) == (
        "error", "系统建设完成率", "indicators[0].score", "50", "55", "5")
    assert f.location.line == 13 and f.location.col == 8
    assert findings(text.replace("50\t55", "50\t50"), rule="S001") == []


def test_s001_negative_score(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 40% | 50 | -5 | 进度滞后",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ))
    [f] = findings(text, rule="S001")
    assert (f.expected, f.printed) == ("0", "-5")
    # the score a missed target gets is 40 ÷ 100 × 50 = 20
    assert findings(text.replace("-5", "20"), rule="S001") == []


# -- S002: quantitative s = expected (tolerance 0.005), both directions -----------------------
def test_s002_score_rounded_to_one_decimal(findings):
    # 社会保障卡 in the seed: 96.78 ÷ 100 × 20 = 19.356 → 19.36 (half up, 2 decimals); printed 19.4.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 制发卡数量完成率 | =100% | 96.78% | 20 | 19.4 | 计划制卡量与实际需求存在差异",
        " | | 质量指标 | 产品一次合格率 | >=98% | 98.44% | 30 | 30 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ), total="100 | 99.4")
    [f] = findings(text, rule="S002")
    assert (f.severity, f.indicator, f.field, f.expected, f.printed, f.difference) == (
        "error", "制发卡数量完成率", "indicators[0].score", "19.36", "19.4", "0.04")
    assert "19.356" in f.message and "一位小数" in f.message
    assert findings(text.replace("19.4", "19.36"), rule="S002") == []


def test_s002_correct_one_decimal_score_is_accepted(findings):
    # 正式居住证 in the seed: 89.5 ÷ 100 × 20 = 17.9 exactly, so 17.9 is right.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 制发卡数量完成率 | =100% | 89.5% | 20 | 17.9 | 计划制卡量与实际需求存在差异",
        " | | 质量指标 | 产品一次合格率 | >=98% | 98.2% | 30 | 30 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ), total="100 | 97.9")
    assert findings(text, rule="S002") == []


def test_s002_full_points_although_the_target_was_missed(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 80% | 50 | 50 | 部分模块延期",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ))
    [f] = findings(text, rule="S002")
    assert (f.expected, f.printed, f.difference) == ("40", "50", "10")
    assert "满分" in f.message
    assert findings(text.replace("50\t50", "50\t40"), rule="S002") == []


def test_s002_reverse_indicator_ratio(findings):
    # ≤5毫秒 missed with 8毫秒: reverse ratio A ÷ B × w = 5 ÷ 8 × 8 = 5.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 社会效益指标 | 系统平均响应时间 | ≤5毫秒 | 8毫秒 | 8 | 2 | 高峰期响应变慢",
        " | | | 管理制度健全性 | 健全 | 健全 | 22 | 22 |",
        SATISFACTION,
    ), total="100 | 94")
    [f] = findings(text, rule="S002")
    assert (f.indicator, f.expected, f.printed) == ("系统平均响应时间", "5", "2")
    assert findings(text.replace("8\t2\t", "8\t5\t"), rule="S002") == []


def test_s002_zero_target_missed_scores_zero(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 社会效益指标 | 安全事故发生数 | =0次 | 1次 | 10 | 5 | 发生一次断电",
        " | | | 管理制度健全性 | 健全 | 健全 | 20 | 20 |",
        SATISFACTION,
    ), total="100 | 95")
    [f] = findings(text, rule="S002")
    assert (f.expected, f.printed) == ("0", "5")
    assert findings(text.replace("10\t5\t", "10\t0\t"), rule="S002") == []


# -- S003: target met (or actual identical to target) but s < w -------------------------------
def test_s003_qualitative_actual_equals_target(findings):
    # 公务车辆购置费 in the seed: 管理人员责任制度 完善 / 完善 scored 2 of 4.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 可持续影响指标 | 管理人员责任制度 | 完善 | 完善 | 4 | 2 | 管理人员责任制度还需进一步完善",
        " | | | 车辆使用管理制度 | 完善 | 完善 | 26 | 26 |",
        SATISFACTION,
    ), total="100 | 98")
    [f] = findings(text, rule="S003")
    assert (f.severity, f.indicator, f.field, f.expected, f.printed, f.difference) == (
        "error", "管理人员责任制度", "indicators[1].score", "4", "2", "-2")
    # one finding per cell: the score is also below the achieved band, but S003 says it all
    assert findings(text, rule="S004") == []
    assert findings(text.replace("4\t2\t", "4\t4\t"), rule="S003") == []


def test_s003_quantitative_target_met(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | >=95% | 98% | 50 | 45 | 扣分",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ), total="100 | 95")
    [f] = findings(text, rule="S003")
    assert (f.expected, f.printed) == ("50", "45")
    assert findings(text.replace("50\t45", "50\t50"), rule="S003") == []


# -- S004: qualitative s inside the band of its achievement level -----------------------------
def test_s004_partial_scored_below_its_band(findings):
    # 长效管理制度健全性 in the seed: 健全 / 基本健全 (partial, [0.6, 0.8) of 5 = [3, 4)) scored 2.5.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 可持续影响指标 | 长效管理制度健全性 | 健全 | 基本健全 | 5 | 2.5 | 项目指标不够完善",
        " | | | 管理制度完善性 | 完善 | 完善 | 25 | 25 |",
        SATISFACTION,
    ), total="100 | 97.5")
    [f] = findings(text, rule="S004")
    assert (f.severity, f.indicator, f.field, f.expected, f.printed, f.difference) == (
        "warning", "长效管理制度健全性", "indicators[1].score", "3", "2.5", "-0.5")
    assert "[3, 4)" in f.message and "部分达成" in f.message
    for inside in ("3", "3.5", "3.99"):
        assert findings(text.replace("5\t2.5", f"5\t{inside}"), rule="S004") == []
    # 4 is the lower edge of the achieved band, above the partial band [3, 4): the nearest score
    # inside it, at 2 decimals, is 3.99
    [f] = findings(text.replace("5\t2.5", "5\t4"), rule="S004")
    assert (f.expected, f.printed, f.difference) == ("3.99", "4", "0.01")


def test_s004_achieved_by_a_synonym_below_the_band(findings):
    # 达成年度指标 is achieved: band [0.8, 1.0] of 10 = [8, 10]; 6 is below it, re-scored to w.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 社会效益指标 | 服务水平 | 提升 | 达成年度指标 | 10 | 6 | 仍需提升",
        " | | | 管理制度健全性 | 健全 | 健全 | 20 | 20 |",
        SATISFACTION,
    ), total="100 | 96")
    [f] = findings(text, rule="S004")
    assert (f.expected, f.printed) == ("10", "6")
    assert findings(text.replace("10\t6\t", "10\t8\t"), rule="S004") == []


def test_s004_not_achieved_scored_too_high(findings):
    # 不健全 is not achieved: [0, 0.6) of 10 = [0, 6); 8 is above it. 6 itself belongs to the
    # partial band, so the nearest score inside, at 2 decimals, is 5.99.
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 不健全 | 10 | 8 | 制度尚未建立",
        " | | | 档案管理完整性 | 完整 | 完整 | 20 | 20 |",
        SATISFACTION,
    ), total="100 | 98")
    [f] = findings(text, rule="S004")
    assert (f.expected, f.printed) == ("5.99", "8")
    assert findings(text.replace("10\t8\t", "10\t5\t"), rule="S004") == []


def test_s004_silent_for_unknown_wording(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 正在修订 | 10 | 2 | 制度修订中",
        " | | | 档案管理完整性 | 完整 | 完整 | 20 | 20 |",
        SATISFACTION,
    ), total="100 | 92")
    assert findings(text, rule="S004") == []
    assert [f.indicator for f in findings(text, rule="V004")] == ["管理制度健全性"]


# -- S005: points lost need a 偏差原因 ----------------------------------------------------------
def test_s005_points_lost_without_explanation(findings):
    text = form_text(indicators=rows(
        " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 90% | 50 | 45 |",
        " | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |",
        SATISFACTION,
    ), total="100 | 95")
    [f] = findings(text, rule="S005")
    assert (f.severity, f.indicator, f.field) == ("error", "系统建设完成率", "indicators[0].deviation")
    assert "45" in f.message and "50" in f.message
    fixed = text.replace("50\t45\t", "50\t45\t部分模块验收延期，明年一季度完成")
    assert findings(fixed, rule="S005") == []


# -- S006: printed total = execution score + Σ printed row scores -----------------------------
def test_s006_total_does_not_add_up(findings):
    # 10 + 50 + 30 + 10 = 100, printed 99.
    [f] = findings(form_text(total="100 | 99"), rule="S006")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("error", "total.score", "100", "99", "-1")
    assert findings(form_text(total="100 | 100"), rule="S006") == []


def test_s006_never_compares_a_total_the_reader_inferred(read, findings, tmp_path):
    # Without a 总分 row the reader sums the scores itself (form.total.inferred): nothing to check.
    text = "\n".join(line for line in form_text().splitlines() if not line.startswith("总分"))
    form, = read(text)
    assert form.total.inferred
    assert findings(text, rule="S006") == []


# -- S007: scores above the weights a rule set implies (no 分值 printed) ---------------------------
TWENTY_EIGHTY = """
项目支出绩效自评表
(2022 年度)
项目名称 | 示例项目
主管部门 | 示例局 | | | 实施单位 | 示例中心
项目资金 (元) | | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 得分 (20分*执行率)
 | 年度资金总额 | 1000.00 | 1000.00 | 1,000 | 100.00% | 20
年度总体目标 | 预期目标 | | | 实际完成情况
 | 保障系统正常运行。 | | | 保障了系统正常运行。
年度绩效目标 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分
 | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | {a}
 | ^ | 质量指标 | 验收合格率 | =100% | 100% | {b}
 | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30
 | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10
总分 | | | | | | {total}
偏差原因分析及改进措施 | 无
"""


def test_s007_block_scores_above_the_implied_weight(findings):
    from jixiao.rules import load_ruleset

    from ..conftest import tsv

    rs = load_ruleset("cn-2020-80")  # 产出指标 40 of the 80 points
    over = tsv(TWENTY_EIGHTY.format(a=25, b=20, total=105).replace("| ^ |", "| |"))
    [f] = findings(over, rule="S007", rules=rs)
    assert (f.severity, f.field, f.expected, f.printed) == ("error", "indicators[0].score", "40", "45")
    assert "产出指标" in f.message
    ok = tsv(TWENTY_EIGHTY.format(a=20, b=20, total=100).replace("| ^ |", "| |"))
    assert findings(ok, rule="S007", rules=rs) == []


def test_the_20_80_form_reads_with_its_execution_points_and_form_deviation(read):
    from ..conftest import tsv

    [form] = read(tsv(TWENTY_EIGHTY.format(a=20, b=20, total=100).replace("| ^ |", "| |")))
    assert form.layout == "twenty-eighty" and form.funds.total.weight.value == 20
    assert [i.weight.value for i in form.indicators] == [None] * 4
    assert (form.total.weight.value, form.total.score.value) == (None, 100)
    assert form.deviation is not None and form.deviation.text == "无"


# -- S009: a row scored above its implied weight (no 分值 printed) -----------------------------------
def test_s009_row_scored_above_its_share_of_the_block(findings, read):
    """产出指标's 40 points over its two rows imply 20 each: 25 is above it (a warning, since the
    equal share is an estimate), 20 is not; the block check S007 is the error."""
    from jixiao.rules import load_ruleset

    from ..conftest import tsv

    rs = load_ruleset("cn-2020-80")
    text = tsv(TWENTY_EIGHTY.format(a=25, b=15, total=100).replace("| ^ |", "| |"))
    [f] = findings(text, rule="S009", rules=rs)
    assert (f.severity, f.field, f.expected, f.printed) == ("warning", "indicators[0].score", "20", "25")
    assert "产出指标的分值 40 由其下 2 项平分" in f.message
    assert findings(text, rule="S007", rules=rs) == []  # the block's 40 is not exceeded
    assert findings(tsv(TWENTY_EIGHTY.format(a=20, b=20, total=100).replace("| ^ |", "| |")), rule="S009", rules=rs) == []
    # the same form under cn-2020 (产出指标 50): 25 each, nothing above
    assert findings(text, rule="S009") == []
    # weights printed: nothing is implied, S001 is the check
    assert findings(form_text(), rule="S009") == []


def test_implied_weights_are_read_kept_in_json_and_printed(read, tmp_path):
    """The recogniser implies a 20/80 form's weights under the rule set that fits it (cn-2020-80:
    产出 40, 效益 30, 满意度 10 over 2, 1 and 1 rows); the JSON keeps them and reads them back;
    `jixiao parse` prints them marked as implied. A form with 分值 has none."""
    import json

    from jixiao.cli_parse import summary
    from jixiao.readers import read_forms
    from jixiao.readers.jsonio import dumps

    from ..conftest import tsv

    [form] = read(tsv(TWENTY_EIGHTY.format(a=20, b=20, total=100).replace("| ^ |", "| |")))
    assert [i.implied_weight for i in form.indicators] == [Decimal(20), Decimal(20), Decimal(30), Decimal(10)]
    assert "分值 20（隐含）  得分 20" in summary(form)
    path = tmp_path / "form.json"
    path.write_text(dumps([form]), encoding="utf-8")
    assert [i["implied_weight"] for i in json.loads(path.read_text(encoding="utf-8"))[0]["indicators"]] == \
        ["20", "20", "30", "10"]
    [back], errors = read_forms(path)
    assert errors == [] and [i.implied_weight for i in back.indicators] == [i.implied_weight for i in form.indicators]
    [plain] = read(form_text())
    assert all(i.implied_weight is None for i in plain.indicators)
    assert "implied_weight" not in json.loads(dumps([plain]))[0]["indicators"][0]


# -- S008: a header self-score or a total the rows cannot give --------------------------------------
def test_s008_header_total_differs_from_the_total_row(findings):
    text = form_text()
    text = text.replace("主管部门", "自评得分\t98\n主管部门", 1)
    [f] = findings(text, rule="S008")
    assert (f.severity, f.expected, f.printed) == ("error", "100", "98")
    assert findings(form_text().replace("主管部门", "自评得分\t100\n主管部门", 1), rule="S008") == []


def test_s008_header_total_above_every_point_the_rows_carry(findings):
    # weights 50 + 30 + 10 and 10 for execution: at most 100; a self-score of 101 cannot be reached
    text = form_text().replace("主管部门", "自评得分\t101\n主管部门", 1)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("总分")) + "\n"
    [f] = findings(text, rule="S008")
    assert (f.expected, f.printed) == ("100", "101")
    assert findings(text.replace("自评得分\t101", "自评得分\t100"), rule="S008") == []
