"""The department-wide form headed 履职效能 / 管理效率 / 服务对象满意度: its own rule set
(dept-performance, data only), picked by itself when a department-wide form's 一级指标 fit its
taxonomy; no T001 against its labels, the other checks as under cn-2020 (issue 14)."""

from __future__ import annotations

import random

import pytest

from jixiao.checks import check_form
from jixiao.model import PROJECT, Text
from jixiao.rules import bundled_rulesets, load_ruleset
from jixiao.rules.pick import ruleset_for
from jixiao.synth.kinds import department_form
from jixiao.values import amount

CN2020 = load_ruleset("cn-2020")
PROVINCE = load_ruleset("dept-performance")


def rules_of(form, ruleset=CN2020) -> set[str]:
    return {f.rule for f in check_form(form, ruleset) if f.severity != "info"}


def test_the_rule_set_is_bundled_data_for_department_forms():
    assert "dept-performance" in bundled_rulesets()
    assert PROVINCE.for_kinds == ("department",) and CN2020.for_kinds == ()
    assert list(PROVINCE.taxonomy) == ["履职效能", "管理效率", "服务对象满意度"]
    assert PROVINCE.level1_weights == {"履职效能": 50, "管理效率": 30, "服务对象满意度": 10}


@pytest.mark.parametrize("seed", range(6))
def test_a_province_form_is_picked_and_has_no_finding(seed):
    form = department_form(random.Random(seed), "province")
    assert {i.level1.text for i in form.indicators} <= set(PROVINCE.taxonomy)
    assert ruleset_for(form, CN2020) is PROVINCE
    assert rules_of(form) == set()
    assert rules_of(form, PROVINCE) == set()


def test_the_other_checks_still_run_under_it():
    form = department_form(random.Random(1), "province")
    ind = next(i for i in form.indicators if i.level1.text == "管理效率")
    ind.weight = amount(str(ind.weight.value + 1))  # 管理效率 no longer 30 points, the total not 100
    found = {f.rule: f for f in check_form(form, CN2020)}
    assert {"W001", "W002"} <= set(found)
    # 管理效率 has its 30 points only in dept-performance: cn-2020 would say T001 instead
    assert "T001" not in found and "管理效率" in found["W002"].message and found["W002"].expected == "30"


def test_a_label_outside_both_taxonomies_is_still_t001():
    form = department_form(random.Random(2), "province")
    form.indicators[0].level1 = Text("产出效能")
    assert ruleset_for(form, CN2020) is CN2020
    assert "T001" in rules_of(form)


def test_only_forms_of_its_kind_pick_it():
    form = department_form(random.Random(3), "province")
    form.kind = PROJECT
    assert ruleset_for(form, CN2020) is CN2020
    assert "T001" in rules_of(form)


def test_a_form_that_fits_the_asked_rule_set_keeps_it():
    form = department_form(random.Random(4), "levels")
    assert ruleset_for(form, CN2020) is CN2020
    assert ruleset_for(department_form(random.Random(4), "flat"), CN2020) is CN2020  # no 一级 at all
