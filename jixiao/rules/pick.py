"""Which bundled rule set fits a batch of forms when the user names none (`jixiao check`).

A rule set fits a form when the form's 一级 labels are its taxonomy's and the execution points
the form prints are its funds weight; the rule set that fits most forms is used (cn-2020 when
none fits better), and the user is told which one and why.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Form
from ..taxonomy import strip_label
from .load import bundled_rulesets, load_ruleset
from .model import RuleSet

DEFAULT = "cn-2020"


def _fit(form: Form, rs: RuleSet) -> int:
    """How well a rule set fits a form: 2 when every 一级 label is its taxonomy's (0 when any is
    not), plus 1 when the execution points printed are its funds weight."""
    level1 = {strip_label(i.level1.text)[0] for i in form.indicators if i.level1.text}
    known = {*rs.taxonomy, *(k.removesuffix("指标") for k in rs.taxonomy)}
    fit = 2 if level1 and level1 <= known else 0
    weight = form.funds.total.weight.value
    if weight is not None and weight == rs.funds_weight or (weight is None and rs.funds_weight == Decimal(0)):
        fit += 1
    return fit


def pick_ruleset(forms: list[Form]) -> tuple[RuleSet, str]:
    """The bundled rule set that fits the forms best, and a sentence (Chinese) saying why."""
    default = load_ruleset(DEFAULT)
    if not forms:
        return default, f"未指定规则集，使用默认的“{default.name}”"
    best, best_fit = default, sum(_fit(f, default) for f in forms)
    for rid in bundled_rulesets():
        if rid == DEFAULT:
            continue
        rs = load_ruleset(rid)
        fit = sum(_fit(f, rs) for f in forms)
        if fit > best_fit:
            best, best_fit = rs, fit
    if best is default:
        return best, f"未指定规则集，使用默认的“{default.name}”"
    return best, f"未指定规则集，按表的指标体系和执行率分值选用“{best.name}”（{best.id}）"
