"""W001, W002 (weights, rules.md §1) and T001, T002 (taxonomy, rules.md §2)."""

from __future__ import annotations

from jixiao.rules import load_ruleset

from .conftest import INDICATORS, form_text


# -- W001: funds weight + Σ indicator weights = 100 = the printed total weight ---------------
def test_w001_weights_do_not_add_up_to_100(findings):
    indicators = """
     | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 45 | 45 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
     | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    # 10 + 45 + 30 + 10 = 95, and the total row still says 100.
    [f] = findings(form_text(indicators=indicators, total="100 | 95"), rule="W001")
    assert (f.severity, f.field, f.expected, f.printed, f.difference) == ("error", "total.weight", "100", "95", "-5")
    assert findings(form_text(indicators=INDICATORS), rule="W001") == []


def test_w001_printed_total_weight_differs_from_the_sum(findings):
    # The weights add up to 100 but the 总分 row prints 90.
    [f] = findings(form_text(total="90 | 100"), rule="W001")
    assert (f.field, f.expected, f.printed) == ("total.weight", "100", "90")
    assert findings(form_text(total="100 | 100"), rule="W001") == []


# -- W002: 一级 weights differ from 50 / 30 / 10 ----------------------------------------------
def test_w002_level1_split(findings):
    indicators = """
     | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 40 | 40 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 40 | 40 |
     | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    fs = findings(form_text(indicators=indicators), rule="W002")
    assert [(f.severity, f.indicator, f.field, f.expected, f.printed) for f in fs] == [
        ("warning", "系统建设完成率", "indicators[0].level1", "50", "40"),
        ("warning", "管理制度健全性", "indicators[1].level1", "30", "40"),
    ]
    assert "产出指标" in fs[0].message
    assert findings(form_text(indicators=INDICATORS), rule="W002") == []


def test_w002_uses_the_rule_sets_split(findings):
    # Under cn-2021-central (产出 40, 成本 10, 效益 30, 满意度 10) the cn-2020 split is off.
    central = load_ruleset("cn-2021-central")
    fs = findings(form_text(), rule="W002", rules=central)
    assert [(f.expected, f.printed) for f in fs] == [("40", "50")]


# -- T001: 二级 allowed under its 一级 --------------------------------------------------------
def test_t001_level2_under_the_wrong_level1(findings):
    indicators = """
     | 产出指标 | 社会效益指标 | 系统建设完成率 | =100% | 100% | 50 | 50 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
     | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    [f] = findings(form_text(indicators=indicators), rule="T001")
    assert (f.severity, f.indicator, f.field) == ("error", "系统建设完成率", "indicators[0].level2")
    assert "社会效益指标" in f.message and "数量指标" in f.message
    assert findings(form_text(indicators=INDICATORS), rule="T001") == []


def test_t001_level1_cost_is_a_level1_only_in_the_central_rule_set(findings):
    indicators = """
     | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 40 | 40 |
     | 成本指标 | 经济成本指标 | 单位成本控制率 | <=100% | 98% | 10 | 10 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
     | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    [f] = findings(form_text(indicators=indicators), rule="T001")
    assert (f.indicator, f.field) == ("单位成本控制率", "indicators[1].level1")
    assert findings(form_text(indicators=indicators), rule="T001", rules=load_ruleset("cn-2021-central")) == []


def test_t001_suffix_and_satisfaction_alias(findings):
    # '数量' means 数量指标; '满意度指标' as a 二级 means 服务对象满意度指标 (rules.md §2).
    indicators = """
     | 产出指标 | 数量 | 系统建设完成率 | =100% | 100% | 50 | 50 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
     | 满意度指标 | 满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    assert findings(form_text(indicators=indicators), rule="T001") == []


# -- T002: every 一级 block has an indicator --------------------------------------------------
def test_t002_missing_block(findings):
    indicators = """
     | 产出指标 | 数量指标 | 系统建设完成率 | =100% | 100% | 60 | 60 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
    """
    [f] = findings(form_text(indicators=indicators), rule="T002")
    assert f.severity == "warning" and "满意度指标" in f.message and f.field is None
    assert findings(form_text(indicators=INDICATORS), rule="T002") == []


# -- W003: a parent row's points against its children's -------------------------------------------
def test_w003_parent_differs_from_its_children(findings, read):
    from .conftest import form_text

    rows = """
     | 产出指标 | 数量指标 | 一、系统建设 | =100% | 100% | 50 | 50 |
     | | | 1、系统建设完成率 | =100% | 100% | 30 | 30 |
     | | | 2、功能上线率 | =100% | 100% | 15 | 15 |
     | 效益指标 | 社会效益指标 | 管理制度健全性 | 健全 | 健全 | 30 | 30 |
     | 满意度指标 | 服务对象满意度指标 | 群众满意度 | >=90% | 95% | 10 | 10 |
    """
    text = form_text(indicators=rows, total="100 | 95")
    [form] = read(text)
    assert [i.name.text for i in form.indicators][:2] == ["1、系统建设完成率", "2、功能上线率"]
    assert [i.parent for i in form.indicators][:3] == ["一、系统建设", "一、系统建设", None]
    got = findings(text, rule="W003")
    assert [(f.severity, f.expected, f.printed) for f in got] == [("error", "45", "50"), ("error", "45", "50")]
    assert "一、系统建设" in got[0].message and "分值" in got[0].message and "得分" in got[1].message
    # children that add up: a heading with subtotals, no finding
    fine = rows.replace("| 30 | 30 |\n     | | | 2、功能上线率 | =100% | 100% | 15 | 15 |",
                        "| 30 | 30 |\n     | | | 2、功能上线率 | =100% | 100% | 20 | 20 |")
    assert findings(form_text(indicators=fine), rule="W003") == []


def test_t001_not_for_the_templates_own_satisfaction_label(findings, read):
    from .conftest import form_text

    text = form_text().replace("服务对象满意度指标", "服务对象满意度指标等")
    [form] = read(text)
    assert form.indicators[-1].level2.text == "服务对象满意度指标"
    assert findings(text, rule="T001") == []
