"""The checks as functions, one per rule id, and the context they run in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Form, Loc
from ..rules import RuleSet
from ..score import Assessment
from ..rules.catalogue import RULES, SEVERITY_RANK
from ..values import decimal_text
from .finding import Finding


def add_up(values) -> tuple[int, Decimal]:
    """(how many of the values are blank (None), the sum of the others), added from 0 in order as
    sum() adds them: what W001 and S006 count a column as."""
    blanks, total = 0, Decimal(0)
    for v in values:
        if v is None:
            blanks += 1
        else:
            total = total + v
    return blanks, total


@dataclass(slots=True)
class Context:
    form: Form
    ruleset: RuleSet
    assessment: Assessment
    # Facts about the form that several checks read, worked out once by the first that needs them:
    # the rows with a printed score and weight (the five score checks; scores.py), and the
    # canonical 一级 of every indicator (W002, T001, T002; weights.py).
    scored: list | None = field(default=None, repr=False, compare=False)
    level1s: list[str] | None = field(default=None, repr=False, compare=False)

    def finding(
        self,
        rule: str,
        message: str,
        *,
        index: int | None = None,
        field: str | None = None,
        expected: Decimal | None = None,
        printed: Decimal | None = None,
        difference: Decimal | None = None,
        location: Loc | None = None,
    ) -> Finding:
        """A finding at the rule set's severity; difference defaults to printed − expected."""
        if difference is None and expected is not None and printed is not None:
            difference = printed - expected
        ind = self.form.indicators[index] if index is not None else None
        if location is None and ind is not None:
            location = ind.loc
        return Finding(
            rule=rule,
            severity=self.ruleset.check(rule).severity,
            message=message,
            indicator=ind.name.text if ind is not None else None,
            index=index,
            field=field,
            expected=None if expected is None else decimal_text(expected),
            printed=None if printed is None else decimal_text(printed),
            difference=None if difference is None else decimal_text(difference),
            location=location or self.form.source,
        )


CheckFn = Callable[[Context], Iterator[Finding]]
CHECKS: dict[str, CheckFn] = {}


def check(rule: str) -> Callable[[CheckFn], CheckFn]:
    """Register the function that implements a rule of the catalogue."""
    if rule not in RULES:
        raise KeyError(f"rule {rule} is not in the catalogue")

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[rule] = fn
        return fn

    return register


_ORDER = {rule: k for k, rule in enumerate(RULES)}


def finding_order(f: Finding) -> tuple[int, int, int]:
    """The sort key of a finding: errors first, then warnings, then info; within a severity by
    rule (in the catalogue's order), then by indicator."""
    return SEVERITY_RANK.get(f.severity, 9), _ORDER.get(f.rule, -1), -1 if f.index is None else f.index


def total_moved_from_funds(form) -> bool:
    """The reader took the form's total from the funds row's 分值/得分 cells (recognize/totals.py):
    the execution's own points are then not printed, and the rule set's are implied."""
    return any(r.kind == "total-in-funds-row" for r in form.repairs)
