"""G001 (年度总体目标) and D001/D002 (repeated 偏差原因)."""

from __future__ import annotations

from .conftest import GOALS, form_text

SATISFACTION = " | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |"
REASON = "计划制卡量与实际需求存在差异。今后将加强测算。"


# -- G001: 预算目标 and 实际完成情况 are filled in ------------------------------------------------
def test_g001_achieved_text_missing(findings):
    [f] = findings(form_text(goals=" | 保障系统正常运行。 | | | "), rule="G001")
    assert (f.severity, f.field) == ("error", "goals.achieved")
    assert "实际完成情况" in f.message
    assert findings(form_text(goals=GOALS), rule="G001") == []


def test_g001_planned_text_missing(findings):
    [f] = findings(form_text(goals=" | | | | 保障了系统正常运行。"), rule="G001")
    assert f.field == "goals.planned"


# -- D001: the same 偏差原因 on two indicators of one form ------------------------------------
def test_d001_same_text_twice_in_a_form(findings):
    # 正式居住证制作费 in the seed: one text explains both a missed quantity and a 基本健全.
    indicators = "\n".join([
        f" | 产出指标 | 数量指标 | 制发卡数量完成率 | =100% | 90% | 50 | 45 | {REASON}",
        f" | 效益指标 | 可持续影响指标 | 长效管理机制健全性 | 健全 | 基本健全 | 30 | 20 | {REASON}",
        SATISFACTION,
    ])
    text = form_text(indicators=indicators, total="100 | 85")
    [f] = findings(text, rule="D001")
    assert (f.severity, f.indicator, f.field) == ("info", "长效管理机制健全性", "indicators[1].deviation")
    assert "制发卡数量完成率" in f.message
    fixed = text.replace(f"20\t{REASON}", "20\t考评机制尚需完善。")
    assert findings(fixed, rule="D001") == []


def test_d001_ignores_spacing_and_punctuation(findings):
    indicators = "\n".join([
        f" | 产出指标 | 数量指标 | 制发卡数量完成率 | =100% | 90% | 50 | 45 | {REASON}",
        f" | 效益指标 | 可持续影响指标 | 长效管理机制健全性 | 健全 | 基本健全 | 30 | 20 | {REASON.replace('。', '，')}",
        SATISFACTION,
    ])
    assert len(findings(form_text(indicators=indicators, total="100 | 85"), rule="D001")) == 1


# -- D002: the same 偏差原因 in two forms checked together -------------------------------------
def test_d002_same_text_in_two_forms(findings):
    def form(project: str, reason: str) -> str:
        indicators = "\n".join([
            " | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |",
            f" | 效益指标 | 可持续影响指标 | 长效管理机制健全性 | 健全 | 基本健全 | 30 | 20 | {reason}",
            SATISFACTION,
        ])
        return form_text(indicators=indicators, total="100 | 90", project=project)

    shared = "建设方考评机制尚需完善。今后将根据项目需求完善建设方考评机制。"
    fs = findings(form("甲项目", shared), form("乙项目", shared), rule="D002")
    assert [(f.severity, f.indicator) for f in fs] == [("info", "长效管理机制健全性")] * 2
    assert "《乙项目》" in fs[0].message and "《甲项目》" in fs[1].message
    assert findings(form("甲项目", shared), form("乙项目", "运维方考评机制尚需完善。"), rule="D002") == []
    # one form alone has nobody to repeat
    assert findings(form("甲项目", shared), rule="D002") == []
