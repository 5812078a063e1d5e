"""Checks of the scores: S001–S009 (rules.md §4–§5).

Each indicator's score gets at most one of S001/S002/S003/S004: S001 when the score is outside
[0, w]; otherwise S003 when the target was met (or the actual is printed as the target) but
points were lost, S002 when a missed quantitative target is scored differently from the formula,
S004 when a qualitative score is outside the band of its achievement level.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from ..score import ACHIEVED, ACHIEVEMENT_NAMES, MET, NOT_ACHIEVED, NOT_MET, PARTIAL
from ..values import decimal_text as n
from .finding import Finding
from .registry import Context, add_up, check, total_moved_from_funds

_ZERO = Decimal(0)
_TOLERANCE = Decimal("0.005")  # S002, S006 when the rule set gives none
_QUALITATIVE = (ACHIEVED, PARTIAL, NOT_ACHIEVED)


def _scored_rows(ctx: Context) -> list:
    """(index, indicator, assessment, score, weight) of rows with both score and weight printed."""
    if ctx.scored is None:
        ctx.scored = [
            (k, ind, ia, ind.score.value, ind.weight.value)
            for k, (ind, ia) in enumerate(zip(ctx.form.indicators, ctx.assessment.indicators))
            if ind.score.value is not None and ind.weight.value is not None
        ]
    return ctx.scored


@check("S001")
def score_range(ctx: Context) -> Iterator[Finding]:
    for k, ind, _, s, w in _scored_rows(ctx):
        if s < _ZERO or s > w:
            edge = Decimal(0) if s < _ZERO else w
            yield ctx.finding(
                "S001", f"得分 {n(s)} 超出范围：得分应在 0 到分值 {n(w)} 之间，相差 {n(s - edge)}",
                index=k, field=f"indicators[{k}].score", expected=edge, printed=s, location=ind.score.loc,
            )


@check("S002")
def quantitative_score(ctx: Context) -> Iterator[Finding]:
    tol = ctx.ruleset.param("S002", "tolerance", _TOLERANCE)
    for k, ind, ia, s, w in _scored_rows(ctx):
        if ia.achievement != NOT_MET or ia.expected is None or not _ZERO <= s <= w:
            continue
        if abs(s - ia.expected) <= tol:
            continue
        if s == w:
            head = f"未达到指标值却得满分 {n(w)}"
        elif s > ia.expected:
            head = "定量指标得分高于按规则计算的得分"
        else:
            head = "定量指标扣分多于规则"
        hint = ""
        if ia.raw is not None:
            for places, name in ((1, "一位小数"), (0, "整数")):
                if places < ctx.ruleset.decimals and s == ia.raw.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
                    hint = f"；填报值是把 {n(ia.raw)} 保留{name}的结果，应保留{ctx.ruleset.decimals}位小数"
                    break
        yield ctx.finding(
            "S002",
            f"{head}：{ia.reason}；填报 {n(s)}，相差 {n(s - ia.expected)}{hint}",
            index=k, field=f"indicators[{k}].score", expected=ia.expected, printed=s, location=ind.score.loc,
        )


@check("S003")
def full_marks_when_met(ctx: Context) -> Iterator[Finding]:
    for k, ind, ia, s, w in _scored_rows(ctx):
        if not _ZERO <= s < w:
            continue
        if ia.achievement == MET:
            why = f"实际完成值 {ind.actual.text} 已达到指标值 {ind.target.text}"
        elif ia.identical:
            why = f"实际完成值“{ind.actual.text}”与指标值“{ind.target.text}”相同"
        else:
            continue
        yield ctx.finding(
            "S003",
            f"{why}，应得满分 {n(w)}，填报 {n(s)}，少计 {n(w - s)} 分",
            index=k, field=f"indicators[{k}].score", expected=w, printed=s, location=ind.score.loc,
        )


@check("S004")
def qualitative_band(ctx: Context) -> Iterator[Finding]:
    for k, ind, ia, s, w in _scored_rows(ctx):
        if ia.kind != "qual" or ia.identical or ia.achievement not in _QUALITATIVE:
            continue
        if ia.band is None or w == _ZERO or not _ZERO <= s <= w:
            continue
        band = ctx.ruleset.bands[ia.achievement]
        share = s / w
        if band.contains(share):
            continue
        closing = "]" if band.high >= 1 else ")"
        side = "低于" if share < band.low else "高于"
        yield ctx.finding(
            "S004",
            f"实际完成值“{ind.actual.text}”相对指标值“{ind.target.text}”属于{ACHIEVEMENT_NAMES[ia.achievement]}，"
            f"得分应在分值 {n(w)} 的 {n(band.low * 100)}%–{n(band.high * 100)}% 之间，即 [{n(ia.band[0])}, "
            f"{n(ia.band[1])}{closing}；填报 {n(s)}（{n(ctx.ruleset.round(share * 100))}%），{side}区间，"
            f"重新评分取 {n(ia.expected)}",
            index=k, field=f"indicators[{k}].score", expected=ia.expected, printed=s, location=ind.score.loc,
        )


@check("S005")
def deviation_explained(ctx: Context) -> Iterator[Finding]:
    for k, ind, _, s, w in _scored_rows(ctx):
        if s < w and not ind.deviation.text.strip():
            yield ctx.finding(
                "S005",
                f"得分 {n(s)} 低于分值 {n(w)}（扣 {n(w - s)} 分），但“偏差原因分析及改进措施”为空；扣分的指标必须说明原因和改进措施",
                index=k, field=f"indicators[{k}].deviation", location=ind.deviation.loc or ind.loc,
            )


@check("S006")
def total_adds_up(ctx: Context) -> Iterator[Finding]:
    f = ctx.form
    printed = f.total.score.value
    # A total the reader inferred is our own sum, not a claim of the form (rules.md S006).
    if printed is None or f.total.inferred:
        return
    funds = f.funds.total.score.value
    if funds is None and total_moved_from_funds(f):
        funds = ctx.assessment.execution_score  # not printed: the funds row's cells held the total
    row_blanks, row_sum = add_up(i.score.value for i in f.indicators)
    blanks = row_blanks + (funds is None)
    if blanks == 1 + len(f.indicators):
        return  # not one score printed
    expected = (funds or _ZERO) + row_sum
    tol = ctx.ruleset.param("S006", "tolerance", _TOLERANCE)
    if abs(printed - expected) <= tol:
        return
    note = f"（{blanks} 处得分未填写，按 0 计）" if blanks else ""
    yield ctx.finding(
        "S006",
        f"总分应为 预算执行率得分 {n(funds)} + 各项指标得分之和 {n(row_sum)} = {n(expected)}{note}；"
        f"填报 {n(printed)}，相差 {n(printed - expected)}",
        field="total.score", expected=expected, printed=printed, location=f.total.score.loc or f.total.loc,
    )


@check("S007")
def within_implied_weights(ctx: Context) -> Iterator[Finding]:
    """A form that prints no 分值 (the 20/80 family): each 一级 block's points are the rule set's
    (its [weights.level1]), and the scores of a block cannot add up to more."""
    f, rs = ctx.form, ctx.ruleset
    if not f.indicators or any(i.weight.value is not None for i in f.indicators):
        return
    sums: dict[str, tuple[Decimal, int]] = {}
    for k, ind in enumerate(f.indicators):
        l1 = ind.level1.text
        if ind.score.value is not None and l1 in rs.level1_weights:
            total, first = sums.get(l1, (_ZERO, k))
            sums[l1] = (total + ind.score.value, first)
    for l1, (total, first) in sums.items():
        w = rs.level1_weights[l1]
        if total > w:
            yield ctx.finding(
                "S007",
                f"表上未印分值，按规则集“{rs.name}”{l1}的分值为 {n(w)}；该一级指标下各项得分之和 {n(total)} 超出 {n(total - w)}",
                index=first, field=f"indicators[{first}].score", expected=w, printed=total,
                location=f.indicators[first].score.loc,
            )


@check("S009")
def within_implied_weight(ctx: Context) -> Iterator[Finding]:
    """A form that prints no 分值 (the 20/80 family): a row scored above its implied weight, its
    一级 block's points shared equally over the block's rows (rules/implied.py). A warning: the
    equal share is an estimate; S007 holds the block's sum to its points as an error."""
    f, rs = ctx.form, ctx.ruleset
    blocks: dict[str, int] = {}
    for ind in f.indicators:
        if ind.implied_weight is not None:
            block = rs.canonical_level1(ind.level1.text)
            blocks[block] = blocks.get(block, 0) + 1
    for k, ind in enumerate(f.indicators):
        w, s = ind.implied_weight, ind.score.value
        if w is None or s is None or s <= w:
            continue
        block = rs.canonical_level1(ind.level1.text)
        yield ctx.finding(
            "S009",
            f"表上未印分值，按规则集“{rs.name}”{block}的分值 {n(rs.level1_weights[block])} 由其下 {blocks[block]} 项平分，"
            f"每项隐含分值 {n(w)}；得分 {n(s)} 超出 {n(s - w)}（平分是估计，请核对该项分值）",
            index=k, field=f"indicators[{k}].score", expected=w, printed=s, location=ind.score.loc,
        )


@check("S008")
def header_total_reachable(ctx: Context) -> Iterator[Finding]:
    """The self-score printed in the header equals the 总分 row's; without a 总分 row, it cannot
    be more than the points the rows carry (execution points + every indicator's 分值)."""
    f = ctx.form
    head, printed = f.header_total, f.total.score
    if head is not None and head.value is not None and printed.value is not None and printed is not head \
            and head.value != printed.value:
        yield ctx.finding(
            "S008", f"表头“自评得分”为 {n(head.value)}，总分行为 {n(printed.value)}，两者不符",
            field="total.score", expected=printed.value, printed=head.value, location=head.loc,
        )
        return
    score = printed.value
    weights = [i.weight.value for i in f.indicators]
    # a 总分 row is held to the rows by S006; a total taken from the header only by its reach
    if printed is not head or score is None or not weights or any(w is None for w in weights):
        return
    funds_w = f.funds.total.weight.value
    most = (funds_w if funds_w is not None else ctx.ruleset.funds_weight) + sum(weights, _ZERO)
    if score > most:
        yield ctx.finding(
            "S008",
            f"总分 {n(score)} 超过各项分值所能得到的最高分 {n(most)}（预算执行率分值与各项指标分值之和），无法由各项得到",
            field="total.score", expected=most, printed=score, location=printed.loc or f.total.loc,
        )
