"""Checks of targets and actuals: V001–V004 (rules.md §3–§4)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..score import BLANK, POSITIVE, UNKNOWN, reread
from ..values import decimal_text as n
from .finding import Finding
from .registry import Context, check

OP_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "=": "="}

_ZERO = Decimal(0)
_RATIO = Decimal("1.3")  # V003 when the rule set gives none


@check("V001")
def actual_with_operator(ctx: Context) -> Iterator[Finding]:
    rs = ctx.ruleset
    for k, (ind, ia) in enumerate(zip(ctx.form.indicators, ctx.assessment.indicators)):
        if ia.kind != "quant":
            continue
        a = reread(ind.actual, rs)
        if not a.op:
            continue
        sign = OP_SIGNS[a.op]
        if a.op == "=":
            msg = (f"实际完成值“{ind.actual.text}”带有“=”号：实际完成值应填实测数，不是目标；"
                   f"“=”已去掉，按 {n(a.number)}{a.unit} 读取")
        else:
            msg = f"实际完成值“{ind.actual.text}”带有“{sign}”号，是一个界限，不是实测值；"
            if ia.achievement == UNKNOWN:
                msg += f"它不能说明是否达到指标值“{ind.target.text}”，无法重新评分"
            else:
                msg += f"它已保证达到指标值“{ind.target.text}”，按达到计分；请填写实测数"
        yield ctx.finding("V001", msg, index=k, field=f"indicators[{k}].actual", location=ind.actual.loc or ind.loc)


@check("V002")
def units_and_numbers(ctx: Context) -> Iterator[Finding]:
    for k, (ind, ia) in enumerate(zip(ctx.form.indicators, ctx.assessment.indicators)):
        if not (ia.unit_mismatch or ia.non_numeric_actual):
            continue
        kept = f"，重新评分沿用填报得分 {n(ind.score.value)}" if ind.score.value is not None else ""
        yield ctx.finding(
            "V002", f"{ia.reason}{kept}",
            index=k, field=f"indicators[{k}].actual", location=ind.actual.loc or ind.loc,
        )


@check("V003")
def target_too_low(ctx: Context) -> Iterator[Finding]:
    ratio = Decimal(ctx.ruleset.param("V003", "ratio", _RATIO))
    for k, (ind, ia) in enumerate(zip(ctx.form.indicators, ctx.assessment.indicators)):
        if ia.kind != "quant" or ia.direction != POSITIVE or ia.bound:
            continue
        A, B = ia.target, ia.actual
        if A is None or B is None or A <= _ZERO:
            continue
        if ia.unit_mismatch or B < ratio * A:
            continue
        yield ctx.finding(
            "V003",
            f"实际完成值 {ind.actual.text} 是指标值 {ind.target.text} 的 {n(ctx.ruleset.round(B / A * 100))}%，"
            f"达到或超过 {n(ratio * 100)}%：指标值可能定得偏低（财预〔2020〕10号要求对此类情况酌情扣分）；"
            f"超额完成不加分",
            index=k, field=f"indicators[{k}].target", expected=ratio * A, printed=B,
            difference=B - ratio * A, location=ind.target.loc or ind.loc,
        )


@check("V004")
def cannot_rescore(ctx: Context) -> Iterator[Finding]:
    f = ctx.form
    blank_rows = []
    for k, (ind, ia) in enumerate(zip(f.indicators, ctx.assessment.indicators)):
        if ia.achievement == BLANK:
            blank_rows.append(k)
            continue
        if ia.achievement != UNKNOWN or ia.unit_mismatch or ia.non_numeric_actual:
            continue  # V002 already says why
        kept = (f"重新评分沿用填报得分 {n(ind.score.value)}" if ind.score.value is not None
                else "得分也未填写，重新评分无法计入这一项")
        yield ctx.finding(
            "V004", f"无法自动重新评分：{ia.reason}；{kept}，请人工判断",
            index=k, field=f"indicators[{k}].actual", location=ind.actual.loc or ind.loc,
        )
    if len(blank_rows) == 1:
        k = blank_rows[0]
        ind = f.indicators[k]
        yield ctx.finding(
            "V004", f"无法自动重新评分：{ctx.assessment.indicators[k].reason}",
            index=k, field=f"indicators[{k}].actual", location=ind.loc,
        )
    elif blank_rows:
        names = "、".join(f.indicators[k].name.text or f"第{k + 1}项" for k in blank_rows[:5])
        more = f"等 {len(blank_rows)} 项" if len(blank_rows) > 5 else f"共 {len(blank_rows)} 项"
        yield ctx.finding(
            "V004",
            f"无法自动重新评分：{names}{more}指标的实际完成值（或指标值）未填写",
            location=f.indicators[blank_rows[0]].loc,
        )
