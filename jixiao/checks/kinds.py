"""Checks of what the department-wide and transfer-payment forms add (issue 14): F007 (the rate
of every funds row), K001–K003 (the flat list's 得分系数 and 核心指标), K004–K005 (a transfer
payment's central money and 资金管理情况) and K006 (an unmet indicator of a form without points).

Each check reads only what its form prints: a project form has no 得分系数, 核心指标 or 资金管理情况,
so K001–K005 find nothing on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model import TRANSFER
from ..score import ACHIEVED, MET, NOT_ACHIEVED, NOT_MET, PARTIAL
from ..values import decimal_text as n
from .finding import Finding
from .registry import Context, check

_HUNDRED = Decimal(100)
_CENTRAL = ("中央财政资金", "中央资金")
# words that explain money left unspent, in a 资金管理情况 text or the goals
_EXPLAINS = ("未执行", "未支出", "未拨付", "未下达", "结转", "结余", "收回")


@check("F007")
def row_rates(ctx: Context) -> Iterator[Finding]:
    """Every 其中 row's printed rate equals its 全年执行数 ÷ 全年预算数 (rounded as the rule set says)."""
    rs = ctx.ruleset
    for k, r in enumerate(ctx.form.funds.rows):
        a, b, printed = r.annual_budget.value, r.executed.value, r.rate.value
        if printed is None or a is None or b is None or a == 0:
            continue
        expected = rs.round(b / a * _HUNDRED)
        if printed != expected:
            yield ctx.finding(
                "F007",
                f"“{r.label}”的执行率应为 全年执行数÷全年预算数 = {n(b)}÷{n(a)} = {n(expected)}%，填报 {n(printed)}%",
                field=f"funds.rows[{k}].rate", expected=expected, printed=printed, location=r.rate.loc or r.loc,
            )


@check("K001")
def coefficient_score(ctx: Context) -> Iterator[Finding]:
    """得分 = 指标权重 × 得分系数 where a 得分系数 is printed."""
    rs = ctx.ruleset
    for k, ind in enumerate(ctx.form.indicators):
        c, w, s = ind.coefficient.value, ind.weight.value, ind.score.value
        if c is None or w is None or s is None:
            continue
        expected = rs.round(w * c / _HUNDRED)
        if s != expected:
            yield ctx.finding(
                "K001",
                f"指标得分应为 指标权重 {n(w)} × 得分系数 {n(c)}% = {n(expected)}，填报 {n(s)}",
                index=k, field=f"indicators[{k}].score", expected=expected, printed=s,
                location=ind.score.loc or ind.loc,
            )


@check("K002")
def coefficient_matches_achievement(ctx: Context) -> Iterator[Finding]:
    """A met target scored with a 得分系数 below 100 %, or a missed one at 100 %."""
    for k, ind in enumerate(ctx.form.indicators):
        c = ind.coefficient.value
        if c is None or k >= len(ctx.assessment.indicators):
            continue
        achieved = ctx.assessment.indicators[k].achievement
        if achieved in (MET, ACHIEVED) and c < _HUNDRED:
            what = f"实际完成值 {ind.actual.text} 已达到指标值 {ind.target.text}，得分系数却为 {n(c)}%"
        elif achieved in (NOT_MET, PARTIAL, NOT_ACHIEVED) and c >= _HUNDRED:
            what = f"实际完成值 {ind.actual.text} 未达到指标值 {ind.target.text}，得分系数却为 {n(c)}%"
        else:
            continue
        yield ctx.finding("K002", what + "；得分系数应与完成情况一致", index=k, field=f"indicators[{k}].score",
                          printed=c, location=ind.coefficient.loc or ind.loc)


@check("K003")
def core_indicators_scored(ctx: Context) -> Iterator[Finding]:
    """Every indicator marked 是 under 是否核心指标 has its actual, weight and score printed."""
    for k, ind in enumerate(ctx.form.indicators):
        if ind.core.text.strip() != "是":
            continue
        missing = [what for what, blank in (("全年完成值", not ind.actual.text.strip()),
                                            ("指标权重", ind.weight.value is None),
                                            ("指标得分", ind.score.value is None)) if blank]
        if missing:
            yield ctx.finding("K003", f"核心指标“{ind.name.text}”缺少{'、'.join(missing)}；核心指标必须完成评分",
                              index=k, field=f"indicators[{k}]", location=ind.loc)


def _explained(ctx: Context) -> bool:
    f = ctx.form
    texts = [m.text.text for m in f.management] + [f.goals.achieved.text]
    return any(w in t for t in texts for w in _EXPLAINS)


@check("K004")
def central_money_unspent(ctx: Context) -> Iterator[Finding]:
    """A transfer payment's 中央财政资金 with a budget and nothing executed, and no word on why."""
    f = ctx.form
    if f.kind != TRANSFER:
        return
    for k, r in enumerate(f.funds.rows):
        if not r.label.startswith(_CENTRAL):
            continue
        a, b = r.annual_budget.value, r.executed.value
        if a and a > 0 and not b and not _explained(ctx):
            yield ctx.finding(
                "K004",
                f"中央财政资金全年预算数 {n(a)}，全年执行数为 {r.executed.text or '空'}，资金管理情况和实际完成情况都没有说明未执行的原因",
                field=f"funds.rows[{k}].executed", location=r.executed.loc or r.loc,
            )


@check("K005")
def management_filled(ctx: Context) -> Iterator[Finding]:
    """Every item of the 资金管理情况 block has its 自评情况."""
    for k, m in enumerate(ctx.form.management):
        if not m.text.text.strip("—-　 /无"):
            yield ctx.finding("K005", f"资金管理情况“{m.name.text}”的自评情况为空",
                              field=f"management[{k}].text", location=m.text.loc or m.name.loc)


@check("K006")
def unmet_explained(ctx: Context) -> Iterator[Finding]:
    """An indicator of a form without points that misses its target has a 未完成原因 (a form
    with points: S005)."""
    for k, ind in enumerate(ctx.form.indicators):
        if ind.weight.value is not None or ind.score.value is not None or k >= len(ctx.assessment.indicators):
            continue
        achieved = ctx.assessment.indicators[k].achievement
        if achieved in (NOT_MET, PARTIAL, NOT_ACHIEVED) and not ind.deviation.text.strip():
            yield ctx.finding(
                "K006",
                f"实际完成值 {ind.actual.text} 未达到指标值 {ind.target.text}，但“未完成原因和改进措施”为空",
                index=k, field=f"indicators[{k}].deviation", location=ind.deviation.loc or ind.loc,
            )
