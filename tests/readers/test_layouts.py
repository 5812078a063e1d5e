"""Every layout variant of layouts.md, written as a workbook, a Word document, an HTML table and a
markdown table, reads into the same facts.

Each test writes one form inline (`<` merges a cell with the one on its left, `^` with the one
above) and states what must be read from it.
"""

from __future__ import annotations

import pytest

from .build import indicator_facts
from .conftest import FORMATS

HEAD = """
财政项目支出绩效自评表 | < | < | < | < | < | < | < | <
（2022年度） | < | < | < | < | < | < | < | <
项目名称 | < | 社区养老服务补贴 | < | < | < | < | < | <
主管部门 | < | 某市民政局 | < | < | 实施单位 | < | 某区养老服务中心 | <
"""
FUNDS = """
项目资金（元） |  | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | 10 | 95.00% | 9.5
^ | 其中：当年财政拨款 | < | 1,200,000.00 | 1,000,000.00 | 950,000.00 | — | |
^ | 上年结转资金 | < | 0 | 0 | 0 | — | |
^ | 其他资金 | < | 0 | 0 | 0 | — | |
"""
GOALS = """
年度总体目标 | 预算目标 | < | < | < | 实际完成情况 | < | < | <
^ | 为辖区老人提供助餐、助浴服务。 | < | < | < | 全年服务老人12,000人次。 | < | < | <
"""
INDICATORS = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | 12000人次 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
"""
BASE = HEAD + FUNDS + GOALS + INDICATORS

EXPECTED = [
    ("产出指标", "数量指标", "服务人次", ">=10000人次", "12000人次", "20", "20", ""),
    ("产出指标", "数量指标", "覆盖社区数", ">=20个", "18个", "10", "9", "两个社区场地未落实，明年补齐。"),
    ("产出指标", "质量指标", "服务合格率", ">=95%", "98%", "10", "10", ""),
    ("产出指标", "时效指标", "补贴发放及时率", "=100%", "100%", "10", "10", ""),
    ("效益指标", "社会效益指标", "老人生活质量", "提升", "提升", "15", "15", ""),
    ("效益指标", "可持续影响指标", "长效机制", "健全", "基本健全", "15", "12", "制度尚待完善。"),
    ("满意度指标", "服务对象满意度指标", "老人满意度", ">=90%", "93%", "10", "10", ""),
]


def check_base(form, unit: str = "元") -> None:
    assert form.project.text == "社区养老服务补贴"
    assert form.year == 2022
    assert (form.department.text, form.unit.text) == ("某市民政局", "某区养老服务中心")
    assert form.amount_unit == unit
    assert form.goals.planned.text == "为辖区老人提供助餐、助浴服务。"
    assert form.goals.achieved.text == "全年服务老人12,000人次。"
    assert indicator_facts(form) == EXPECTED
    assert (form.total.weight.text, form.total.score.text) == ("100", "95.5")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_standard_layout(read_as, fmt):
    form = read_as(fmt, BASE)
    check_base(form)
    t = form.funds.total
    assert [t.initial_budget.value, t.annual_budget.value, t.executed.value] == [1200000, 1000000, 950000]
    assert (t.weight.text, t.rate.text, t.score.text) == ("10", "95.00%", "9.5")
    assert [r.label for r in form.funds.rows] == ["当年财政拨款", "上年结转资金", "其他资金"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("old,new", [
    ("| 分值 | 得分 | 偏差", "| 权重 | 得分 | 偏差"),
    ("| 分值 | 得分 | 偏差", "| 指标分值权重 | 得分 | 偏差"),
    ("| 分值 | 得分 | 偏差", "| 分值（分） | 自评得分 | 偏差"),
    ("年度指标值 | 实际完成值", "年初目标值(A) | 全年实际值(B)"),
    ("年度指标值 | 实际完成值", "年度指标值（A） | 实际完成值（B）"),
    ("偏差原因分析及改进措施", "未完成原因分析"),
])
def test_indicator_column_names(read_as, fmt, old, new):
    assert old in BASE
    check_base(read_as(fmt, BASE.replace(old, new)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_funds_and_goals_names(read_as, fmt):
    """调整后预算数 for 全年预算数, 本年财政拨款 / 单位资金 for the 其中 rows, 预期目标 for 预算目标."""
    table = (BASE.replace("全年预算数", "调整后预算数").replace("其中：当年财政拨款", "其中：本年财政拨款")
             .replace("其他资金", "单位资金").replace("预算目标", "预期目标"))
    form = read_as(fmt, table)
    check_base(form)
    assert form.funds.total.annual_budget.value == 1000000
    assert [r.label for r in form.funds.rows] == ["本年财政拨款", "上年结转资金", "单位资金"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_amounts_in_wan_yuan_with_four_decimals(read_as, fmt):
    funds = """
项目资金（万元） |  | < | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
^ | 年度资金总额 | < | 120.0000 | 100.0000 | 95.1234 | 10 | 95.12% | 9.51
^ | 其中：财政资金 | < | 120.0000 | 100.0000 | 95.1234 | — | |
"""
    form = read_as(fmt, HEAD + funds + GOALS + INDICATORS.replace("| 100 | 95.5 |", "| 100 | 95.51 |"))
    assert form.amount_unit == "万元"
    assert str(form.funds.total.executed.value) == "95.1234"
    assert form.funds.rows[0].label == "财政资金"
    assert indicator_facts(form) == EXPECTED


SPLIT_TARGET = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | < | < | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | ^ | ^ | ^ | 指标性质 | 指标值 | 度量单位 | ^ | ^ | ^ | ^
^ | 产出指标 | 数量指标 | 服务人次 | ≥ | 10000 | 人次 | 12000 | 20 | 20 |
^ | ^ | ^ | 覆盖社区数 | ≥ | 20 | 个 | 18 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥ | 95 | % | 98 | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | = | 100 | % | 100 | 10 | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 定性 | 提升 | | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 定性 | 健全 | | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥ | 90 | % | 93 | 10 | 10 |
总分 | < | < | < | < | < | < | < | 100 | 95.5 |
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_target_split_into_nature_value_and_unit(read_as, fmt):
    """年度指标值 over three columns, 指标性质 | 指标值 | 度量单位, on a second header row."""
    form = read_as(fmt, widen(HEAD + FUNDS + GOALS, 11) + SPLIT_TARGET)
    check_base(form)
    assert any(r.kind == "join-header" for r in form.repairs)


WEIGHT_FIRST = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | 20 | ≥10000人次 | 12000人次 | 20 |
^ | ^ | ^ | 覆盖社区数 | 10 | ≥20个 | 18个 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | 10 | ≥95% | 98% | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | 10 | =100% | 100% | 10 |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 15 | 提升 | 提升 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 15 | 健全 | 基本健全 | 12 | 制度尚待完善。
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | 10 | ≥90% | 93% | 10 |
总分 | < | < | < | 100 | | | 95.5 |
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_weight_before_the_target(read_as, fmt):
    """Some counties print 分值 before 年度指标值 and 实际完成值."""
    check_base(read_as(fmt, HEAD + FUNDS + GOALS + WEIGHT_FIRST))


EXTRA_COLUMNS = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值设置依据 | 上年完成值 | 年度指标值 | 实际完成值 | 完成率 | 分值 | 得分系数(%) | 得分 | 指标赋分规则 | 偏差原因分析及改进措施 | 佐证资料 | 是否核心指标
^ | 产出指标 | 数量指标 | 服务人次 | 计划标准 | 9800人次 | ≥10000人次 | 12000人次 | 120% | 20 | 100 | 20 | 完成得满分 | | 台账 | 是
^ | ^ | ^ | 覆盖社区数 | 计划标准 | 17个 | ≥20个 | 18个 | 90% | 10 | 90 | 9 | 按比例 | 两个社区场地未落实，明年补齐。 | 名单 | 否
^ | ^ | 质量指标 | 服务合格率 | 行业标准 | 96% | ≥95% | 98% | 103% | 10 | 100 | 10 | 达标得满分 | | 抽查记录 | 否
^ | ^ | 时效指标 | 补贴发放及时率 | 制度要求 | 100% | =100% | 100% | 100% | 10 | 100 | 10 | 达标得满分 | | 发放记录 | 否
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 规划 | 提升 | 提升 | 提升 | | 15 | 100 | 15 | 定性 | | 回访 | 否
^ | ^ | 可持续影响指标 | 长效机制 | 规划 | 健全 | 健全 | 基本健全 | | 15 | 80 | 12 | 定性 | 制度尚待完善。 | 制度文件 | 否
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | 惯例 | 91% | ≥90% | 93% | 103% | 10 | 100 | 10 | 达标得满分 | | 问卷 | 是
总分 | < | < | < | < | < | < | < | < | 100 | < | 95.5 | | | |
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_extra_columns_are_kept_but_not_required(read_as, fmt):
    form = read_as(fmt, widen(HEAD + FUNDS + GOALS, 16) + EXTRA_COLUMNS)
    check_base(form)
    extra = form.extra["indicator_columns"]
    assert extra[0] == {"指标值设置依据": "计划标准", "上年完成值": "9800人次", "完成率": "120%", "得分系数": "100",
                        "指标赋分规则": "完成得满分", "佐证资料": "台账", "是否核心指标": "是"}
    assert extra[5]["得分系数"] == "80"


PARENTS = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标(50分) | 数量指标 | 一、服务总量 | ≥10000人次 | 12000人次 | 30 | 29 |
^ | ^ | ^ | 1、服务人次 | ≥10000人次 | 12000人次 | 20 | 20 |
^ | ^ | ^ | 2、覆盖社区数 | ≥20个 | 18个 | 10 | 9 | 两个社区场地未落实，明年补齐。
^ | ^ | 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | 100% | 10 | 10 |
^ | 效益指标(30分) | 社会效益指标 | ★老人生活 | 提升 | 提升 | 15 | 15 |
^ | ^ | ^ | 其中：老人生活质量 | 提升 | 提升 | 15 | 15 |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | 基本健全 | 15 | 12 | 制度尚待完善。
^ | 满意度指标(10分) | 服务对象满意度指标 | 老人满意度 | ≥90% | 93% | 10 | 10 |
总分 | < | < | < | < | < | 100 | 95.5 |
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_parent_rows_are_not_counted(read_as, fmt):
    """一、 parents over 1、 children, and ★ over 其中: a parent's weight is its children's sum."""
    form = read_as(fmt, HEAD + FUNDS + GOALS + PARENTS)
    facts = indicator_facts(form)
    assert [f[2] for f in facts] == ["1、服务人次", "2、覆盖社区数", "服务合格率", "补贴发放及时率", "老人生活质量",
                                    "长效机制", "老人满意度"]
    assert [f[:2] + f[3:] for f in facts] == [e[:2] + e[3:] for e in EXPECTED]
    assert [r.message for r in form.repairs if r.kind == "parent-row"] == [
        "“★老人生活”的分值 15 等于其下 1 行之和，是汇总行，不计为指标",
        "“一、服务总量”的分值 30 等于其下 2 行之和，是汇总行，不计为指标",
    ]
    assert form.extra["level1_points"] == {"产出指标": "50", "效益指标": "30", "满意度指标": "10"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_numbered_indicators_are_not_parents(read_as, fmt):
    """1、 2、 3、 numbering every row, with equal weights, is a list, not parents and children."""
    table = BASE.replace("| 服务人次 |", "| 1、服务人次 |").replace("| 覆盖社区数 |", "| 2、覆盖社区数 |")
    table = table.replace("| 20 | 20 |", "| 10 | 10 |").replace("| 质量指标 | 服务合格率 | ≥95% | 98% | 10 | 10 |",
                                                               "| 质量指标 | 服务合格率 | ≥95% | 98% | 20 | 20 |")
    form = read_as(fmt, table)
    assert len(form.indicators) == 7
    assert not any(r.kind == "parent-row" for r in form.repairs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_subtotal_rows_of_level1_blocks(read_as, fmt):
    indicators = INDICATORS.replace(
        "^ | 产出指标 | 数量指标 | 服务人次", "^ | 一、产出指标 | | | | | 50 | 49 |\n^ | ^ | 数量指标 | 服务人次"
    )
    form = read_as(fmt, HEAD + FUNDS + GOALS + indicators)
    assert indicator_facts(form) == EXPECTED
    assert [r.kind for r in form.repairs if r.kind == "subtotal-row"] == ["subtotal-row"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_framework_labels_are_kept_by_column(read_as, fmt):
    """一级/二级 the taxonomy does not know (项目产出 / 产出数量) are read from their columns."""
    table = BASE.replace("| 产出指标 | 数量指标 |", "| 项目产出 | 产出数量 |").replace("| 质量指标 |", "| 产出质量 |")
    form = read_as(fmt, table)
    assert [(i.level1.text, i.level2.text) for i in form.indicators[:4]] == [
        ("项目产出", "产出数量"), ("项目产出", "产出数量"), ("项目产出", "产出质量"), ("产出指标", "时效指标"),
    ]


def widen(table: str, width: int) -> str:
    """The rows of a 9-column form stretched to `width` columns: each row's last cell spans the rest."""
    return "\n".join(line + " | <" * (width - len(line.split(" | "))) for line in table.strip().splitlines()) + "\n"


BLANK_ACTUALS = """
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
^ | 产出指标 | 数量指标 | 服务人次 | ≥10000人次 | | 20 | |
^ | ^ | ^ | 覆盖社区数 | ≥20个 | | 10 | |
^ | ^ | 质量指标 | 服务合格率 | ≥95% | | 10 | |
^ | ^ | 时效指标 | 补贴发放及时率 | =100% | | 10 | |
^ | 效益指标 | 社会效益指标 | 老人生活质量 | 提升 | | 15 | |
^ | ^ | 可持续影响指标 | 长效机制 | 健全 | | 15 | |
^ | 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | | 10 | |
总分 | < | < | < | < | < | 100 | |
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_published_with_every_actual_and_score_blank(read_as, fmt):
    """Some departments publish the targets and weights only: a blank 得分 is not a shifted row."""
    form = read_as(fmt, HEAD + FUNDS + GOALS + BLANK_ACTUALS)
    assert [(f[2], f[3], f[4], f[5], f[6]) for f in indicator_facts(form)] == [
        (e[2], e[3], "", e[5], "") for e in EXPECTED]
    assert not any(r.kind == "shift-row" for r in form.repairs)
    assert (form.total.weight.text, form.total.score.text) == ("100", "")
