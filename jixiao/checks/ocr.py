"""P003: a cell read by OCR that a person should check (rules.md §6).

A form read from a scan or a photo keeps, for every number and text cell the recogniser used, the
engine's confidence (`Form.extra["ocr"]`, readers/ocr/: the lowest character probability of the
cell's lines). A cell is uncertain when it was read below the rule set's threshold — a number, or a
text (a name, an indicator's label, the goals, a 偏差原因) — and a number also when the form's own
arithmetic contradicts it: the checks that compare
printed numbers with each other (the 其中 rows and the total, the rate and B/A, the execution
score, the weights and the scores and their totals, a row's score and its target and actual) are
run, and the cells each contradiction involves are named. And when a row's weight or score did not
read as a number while most rows' did, every number and label of that row is named: a rule the scan lost
or a misread cell has moved its cells. A misread digit there is as likely as a
unit's mistake; the finding asks a person to look at the cell, and is info, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..readers.ocr import numbers, texts
from .finding import Finding
from .registry import CHECKS, Context, check

_THRESHOLD = Decimal("0.9")  # when the rule set gives none
_SHOWN = 30  # characters of a long text (the goals) quoted in the message


def _involved(rule: str, finding: Finding, ctx: Context) -> list[str]:
    """The number cells a contradiction found by `rule` rests on."""
    f = ctx.form
    if rule == "F001":  # a column of the funds: the total and its 其中 rows
        col = (finding.field or "").split(".", 1)[-1]
        return [f"funds.{col}"] + [f"funds.rows[{k}].{col}" for k in range(len(f.funds.rows))]
    if rule == "F003":
        return ["funds.rate", "funds.executed", "funds.annual_budget"]
    if rule == "F004":
        return ["funds.score", "funds.weight", "funds.rate", "funds.executed", "funds.annual_budget"]
    if rule == "W001":
        return ["total.weight", "funds.weight"] + [f"indicators[{k}].weight" for k in range(len(f.indicators))]
    if rule == "S006":
        return ["total.score", "funds.score"] + [f"indicators[{k}].score" for k in range(len(f.indicators))]
    if finding.index is not None:  # S001, S002, S003: one row's target, actual, weight and score
        k = finding.index
        return [f"indicators[{k}].{part}" for part in ("target", "actual", "weight", "score")]
    return []


# the checks whose findings are contradictions between printed numbers
_ARITHMETIC = ("F001", "F003", "F004", "W001", "S001", "S002", "S003", "S006")


@check("P003")
def uncertain_cells(ctx: Context) -> Iterator[Finding]:
    cells = ctx.form.extra.get("ocr") if ctx.form.extra else None
    if not cells:
        return
    threshold = Decimal(str(ctx.ruleset.param("P003", "threshold", _THRESHOLD)))
    # a cell a person has corrected since (its text is no longer what was read) is theirs now
    values = dict(numbers(ctx.form))
    now = {field: value.text for field, value in [*values.items(), *texts(ctx.form)]}
    cells = {field: cell for field, cell in cells.items() if now.get(field) == cell["text"]}
    reasons: dict[str, list[str]] = {}
    for field, cell in cells.items():
        if Decimal(cell["confidence"]) < threshold:
            reasons.setdefault(field, []).append(f"识别置信度 {cell['confidence']}，低于 {threshold}")
        value = values.get(field)
        if (value is not None and any(ch.isdigit() for ch in cell["text"])
                and getattr(value, "value", None) is None and getattr(value, "number", None) is None):
            reasons.setdefault(field, []).append("读到的不是一个数（如多出的小数点）")
    if len(ctx.assessment.indicators) == len(ctx.form.indicators):  # the form was scored
        for rule in _ARITHMETIC:
            fn = CHECKS.get(rule)
            if fn is None:
                continue
            for finding in fn(ctx):
                for field in _involved(rule, finding, ctx):
                    if field in cells:
                        reasons.setdefault(field, []).append(f"与本表的算术不符（{rule}）")
    # a row whose weight or score did not read as a number while other rows' did: a rule the scan
    # lost, or a misread cell, has moved its cells; all its numbers and its labels are suspect
    inds = ctx.form.indicators
    scored = sum(1 for i in inds if i.weight.value is not None and i.score.value is not None)
    if scored * 2 > len(inds):
        for k, ind in enumerate(inds):
            if ind.weight.value is None or ind.score.value is None:
                for part in ("level2", "name", "target", "actual", "weight", "score"):
                    reasons.setdefault(f"indicators[{k}].{part}", []).append("本行的分值或得分没有读成数字，可能有单元格读错或错位")
    for field, why in reasons.items():
        cell = cells.get(field)
        index = int(field.split("[", 1)[1].split("]", 1)[0]) if field.startswith("indicators[") else None
        text = cell["text"] if cell else now.get(field, "")
        if len(text) > _SHOWN:
            text = text[:_SHOWN] + "…"
        yield ctx.finding(
            "P003",
            f"识别不确定，请核对：“{text}”（{'；'.join(dict.fromkeys(why))}）",
            index=index, field=field, location=_loc(cell) if cell else None,
        )


def _loc(cell: dict):
    from ..model import Loc

    return Loc.from_dict(cell.get("loc"))
