"""Which rule set a form is checked under when the user names none, or names one the form does not
fit. One test of fit serves both questions: a rule set fits a form when every 一级 label the form
prints is in its taxonomy.

- `pick_ruleset` (`jixiao check` without `--rules`): the bundled rule set that fits most forms of
  the run, counting also the execution points the forms print against its funds weight (cn-2020
  when none fits better); the user is told which one and why.
- `ruleset_for` (every form, in `check_form`): the rule set asked for, unless the form is of a
  kind a bundled rule set is made for (`[ruleset] for_kinds`) and its 一级指标 fit that rule set's
  taxonomy but not the one asked for: a department-wide form headed 履职效能 / 管理效率 /
  服务对象满意度 is checked under dept-performance, not accused of T001 under cn-2020.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ..model import Form
from .load import bundled_rulesets, load_ruleset
from .model import RuleSet

DEFAULT = "cn-2020"


def _level1_labels(form: Form) -> set[str]:
    return {i.level1.text for i in form.indicators if i.level1.text}


def fits(rs: RuleSet, labels: set[str]) -> bool:
    """Every 一级 label is one of the rule set's taxonomy ('产出' and '产出指标(50分)' included)."""
    return all(rs.canonical_level1(label) in rs.taxonomy for label in labels)


def _fit(form: Form, rs: RuleSet) -> int:
    """How well a rule set fits a form: 2 when every 一级 label is its taxonomy's (0 when any is
    not, or there is none), plus 1 when the execution points printed are its funds weight."""
    labels = _level1_labels(form)
    fit = 2 if labels and fits(rs, labels) else 0
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


@lru_cache(maxsize=1)
def _for_kinds() -> tuple[RuleSet, ...]:
    return tuple(rs for rs in map(load_ruleset, bundled_rulesets()) if rs.for_kinds)


def ruleset_for(form: Form, ruleset: RuleSet) -> RuleSet:
    """`ruleset`, or the bundled rule set made for the form's kind whose taxonomy its 一级指标 fit."""
    labels = _level1_labels(form)
    if not labels or fits(ruleset, labels):
        return ruleset
    for candidate in _for_kinds():
        if form.kind in candidate.for_kinds and fits(candidate, labels):
            return candidate
    return ruleset
