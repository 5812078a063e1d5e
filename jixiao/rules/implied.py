"""Implied weights (layouts.md "Execution weighted 20"): a form that prints no 分值 column (the
20/80 family) still gives each 一级 block the points of the rule set's `[weights.level1]`; each
row of a block is implied an equal share of them, rounded as the rule set rounds scores.

The share is an estimate (a unit may weight its rows unequally within the block), so a score
above it is a warning (S009), while a block whose scores add up to more than its points is an
error (S007). The recogniser implies the weights of a 20/80 form under the bundled rule set that
fits it (what `jixiao parse` prints and the form JSON keeps); `check_form` implies them again
under the rule set it checks with.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ..model import Form
from .model import RuleSet


def imply_weights(form: Form, ruleset: RuleSet) -> None:
    """Set each indicator's `implied_weight`: its block's points shared equally over the block's
    rows, when no row prints a 分值 and some row prints a 得分 (None for every row otherwise: a
    table without points, such as a transfer-payment form's, implies none; and None for rows
    whose 一级 the rule set gives no points)."""
    rows = form.indicators
    if any(i.weight.value is not None for i in rows) or all(i.score.value is None for i in rows):
        for i in rows:
            i.implied_weight = None
        return
    blocks = [ruleset.canonical_level1(i.level1.text) for i in rows]
    counts = Counter(blocks)
    for i, block in zip(rows, blocks, strict=True):
        points = ruleset.level1_weights.get(block)
        i.implied_weight = None if points is None else ruleset.round(points / Decimal(counts[block]))
