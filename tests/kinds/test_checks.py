"""The checks of the department-wide and transfer-payment forms (F007, K001–K006, F001 per
breakdown): each finds what was injected, on the cell it is about, and nothing on a clean form."""

from __future__ import annotations

import random

import pytest

from jixiao.checks import check_form
from jixiao.rules import load_ruleset
from jixiao.synth.generate import FormMaker
from jixiao.synth.kinds import INJECTORS, KIND_RULES, VARIANTS, department_form, draw_kind, transfer_form
from jixiao.values import amount, decimal_text

RULES = load_ruleset("cn-2020")


def not_info(form) -> set[str]:
    return {f.rule for f in check_form(form, RULES) if f.severity != "info"}


@pytest.mark.parametrize("seed", range(6))
def test_clean_forms_of_every_kind_and_variant_have_no_finding(seed):
    rng = random.Random(seed)
    for variant in VARIANTS["department"]:
        assert not_info(department_form(rng, variant)) == set()
    for variant in VARIANTS["transfer"]:
        assert not_info(transfer_form(rng, variant)) == set()


@pytest.mark.parametrize("rule", KIND_RULES)
@pytest.mark.parametrize("seed", range(4))
def test_each_injection_is_found_and_nothing_else(rule, seed):
    rng = random.Random(seed)
    form, _, carries, _ = draw_kind(rng, FormMaker(rng), rule)
    assert form.kind == INJECTORS[rule][0]
    assert not_info(form) == set(carries)
    assert carries[0] == rule


def test_each_breakdown_of_a_department_form_adds_up_on_its_own():
    form = department_form(random.Random(7), "levels")
    assert not_info(form) == set()  # source rows and use rows both add up: not counted twice
    use = [r for r in form.funds.rows if r.group == "use"]
    use[-1].executed = amount(decimal_text(use[-1].executed.value + 1))
    found = [f for f in check_form(form, RULES) if f.rule == "F001"]
    assert len(found) == 1
    assert "按支出性质" in found[0].message and found[0].field == "funds.executed"


def test_central_money_unspent_is_quiet_when_explained():
    rng = random.Random(3)
    form, _, carries, _ = draw_kind(rng, FormMaker(rng), "K004")
    assert "K004" in not_info(form)
    form.management[4].text.text = "中央财政资金因项目审批延迟未执行，已申请结转下年使用"
    assert "K004" not in not_info(form)


def test_k001_names_the_score_cell_with_the_formula():
    rng = random.Random(5)
    form, _, _, _ = draw_kind(rng, FormMaker(rng), "K001")
    f = next(f for f in check_form(form, RULES) if f.rule == "K001")
    ind = form.indicators[f.index]
    assert f.field == f"indicators[{f.index}].score"
    assert f"指标权重 {ind.weight.text} × 得分系数 90%" in f.message


def test_project_forms_never_carry_the_kinds_rules():
    rng = random.Random(1)
    maker = FormMaker(rng)
    for _ in range(30):
        form = maker.make()
        assert not (not_info(form) & set(KIND_RULES)), form.project.text
