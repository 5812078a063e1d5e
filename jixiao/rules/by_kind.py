"""The rule set a form is checked under: the one asked for, unless the form is of a kind a
bundled rule set is made for (`[ruleset] for_kinds`) and its 一级指标 fit that rule set's
taxonomy but not the one asked for — a department-wide form headed 履职效能 / 管理效率 /
服务对象满意度 is checked under dept-performance, not accused of T001 under cn-2020."""

from __future__ import annotations

from functools import lru_cache

from ..model import Form
from .model import RuleSet


@lru_cache(maxsize=1)
def _candidates() -> tuple[RuleSet, ...]:
    from .load import bundled_rulesets, load_ruleset

    return tuple(rs for rs in map(load_ruleset, bundled_rulesets()) if rs.for_kinds)


def _fits(ruleset: RuleSet, labels: set[str]) -> bool:
    return all(ruleset.canonical_level1(label) in ruleset.taxonomy for label in labels)


def ruleset_for(form: Form, ruleset: RuleSet) -> RuleSet:
    """`ruleset`, or the bundled rule set made for the form's kind whose taxonomy its 一级指标 fit."""
    labels = {ind.level1.text for ind in form.indicators if ind.level1.text}
    if not labels or _fits(ruleset, labels):
        return ruleset
    for candidate in _candidates():
        if form.kind in candidate.for_kinds and _fits(candidate, labels):
            return candidate
    return ruleset
