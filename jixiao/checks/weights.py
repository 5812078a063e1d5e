"""Checks of the weights and the indicator taxonomy: W001–W003, T001, T002 (rules.md §1–§2)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model import DEPARTMENT, Loc
from ..values import decimal_text as n
from ..values import parse_decimal
from .finding import Finding
from .registry import Context, add_up, check, total_moved_from_funds

_ZERO = Decimal(0)


def _level1s(ctx: Context) -> list[str]:
    """The canonical 一级 of every indicator, worked out once per form for W002, T001 and T002."""
    if ctx.level1s is None:
        canonical = ctx.ruleset.canonical_level1
        ctx.level1s = [canonical(ind.level1.text) for ind in ctx.form.indicators]
    return ctx.level1s


@check("W001")
def weights_add_up(ctx: Context) -> Iterator[Finding]:
    f, rs = ctx.form, ctx.ruleset
    row_blanks, row_sum = add_up(i.weight.value for i in f.indicators)
    if row_blanks == len(f.indicators):
        return  # no indicator, or no indicator weight printed: nothing to add up
    funds_w = f.funds.total.weight.value
    if funds_w is None and total_moved_from_funds(f):
        funds_w = rs.funds_weight  # not printed: the funds row's cells held the total
    blanks = row_blanks + (funds_w is None)
    total = (funds_w if funds_w is not None else _ZERO) + row_sum
    printed = f.total.weight.value
    wrong_total = total != rs.total_weight
    # A printed total weight equal to the rule set's is already covered by the message about the sum.
    wrong_printed = printed is not None and printed != total and printed != rs.total_weight
    if not (wrong_total or wrong_printed):
        return
    note = f"（{blanks} 处分值未填写，按 0 计）" if blanks else ""
    sum_text = f"预算执行率分值 {n(funds_w)} + 各项指标分值之和 {n(total - (funds_w or 0))} = {n(total)}{note}"
    if wrong_total:
        yield ctx.finding(
            "W001", f"分值合计应为 {n(rs.total_weight)}：{sum_text}，相差 {n(total - rs.total_weight)}",
            field="total.weight", expected=rs.total_weight, printed=total,
            location=f.total.weight.loc or f.total.loc,
        )
    if wrong_printed:
        yield ctx.finding(
            "W001", f"总分行的分值 {n(printed)} 不等于{sum_text}",
            field="total.weight", expected=total, printed=printed, location=f.total.weight.loc or f.total.loc,
        )


@check("W002")
def level1_weights(ctx: Context) -> Iterator[Finding]:
    defaults = ctx.ruleset.level1_weights
    indicators = ctx.form.indicators
    # 一级 → [its first row, its number of rows, the sum of their weights (None once one is blank)],
    # summed in row order from 0 as sum() would.
    blocks: dict[str, list] = {}
    for k, l1 in enumerate(_level1s(ctx)):
        if l1 in defaults:
            w = indicators[k].weight.value
            block = blocks.get(l1)
            if block is None:
                blocks[l1] = [k, 1, None if w is None else _ZERO + w]
            else:
                block[1] += 1
                if block[2] is not None:
                    block[2] = None if w is None else block[2] + w
    for l1, (k, count, got) in blocks.items():
        if got is None:
            continue
        default = defaults[l1]
        if got != default:
            first = indicators[k]
            yield ctx.finding(
                "W002",
                f"一级指标“{l1}”的分值合计为 {n(got)}（{count} 项三级指标），规则集默认为 {n(default)}，"
                f"相差 {n(got - default)}；特殊情况可以调整，请确认",
                index=k, field=f"indicators[{k}].level1", expected=default, printed=got,
                location=first.level1.loc or first.loc,
            )


@check("T001")
def taxonomy(ctx: Context) -> Iterator[Finding]:
    rs = ctx.ruleset
    level1s = _level1s(ctx)
    seen: set[tuple[str, str]] = set()
    for k, ind in enumerate(ctx.form.indicators):
        text1, text2 = ind.level1.text, ind.level2.text
        if not text1:
            continue  # the reader could not tell; nothing printed to judge
        l1 = level1s[k]
        l2 = rs.canonical_level2(text2) if text2 else ""
        if l1 in rs.taxonomy and (not l2 or l2 in rs.taxonomy[l1]):
            continue
        if (l1, l2) in seen:
            continue
        if l1 not in rs.taxonomy:
            seen.add((l1, l2))
            yield ctx.finding(
                "T001",
                f"一级指标“{ind.level1.text}”不在规则集“{rs.name}”的指标体系中"
                f"（一级指标应为：{'、'.join(rs.taxonomy)}）",
                index=k, field=f"indicators[{k}].level1", location=ind.level1.loc or ind.loc,
            )
        elif l2 and l2 not in rs.taxonomy[l1]:
            seen.add((l1, l2))
            yield ctx.finding(
                "T001",
                f"二级指标“{ind.level2.text}”不属于一级指标“{l1}”"
                f"（规则集“{rs.name}”中“{l1}”下的二级指标为：{'、'.join(rs.taxonomy[l1])}）",
                index=k, field=f"indicators[{k}].level2", location=ind.level2.loc or ind.loc,
            )


@check("T002")
def empty_blocks(ctx: Context) -> Iterator[Finding]:
    rs = ctx.ruleset
    if ctx.form.incomplete:
        return  # the form has no indicator table to have the blocks in: P004 says so
    present = set(_level1s(ctx))
    if ctx.form.kind == DEPARTMENT and not any(ind.level1.text for ind in ctx.form.indicators):
        return  # a department-wide form's flat list has no 一级指标 at all
    for l1 in rs.taxonomy:
        if l1 not in present:
            yield ctx.finding("T002", f"一级指标“{l1}”下没有任何三级指标（规则集“{rs.name}”要求设置该类指标）")


@check("W003")
def parents_add_up(ctx: Context) -> Iterator[Finding]:
    """A parent row (一、… / ★…) printed with points: its 分值 and 得分 equal its children's sums."""
    for p in ctx.form.extra.get("parent_rows", []):
        for what, own, kids in (("分值", p.get("weight"), p.get("children_weight")),
                                ("得分", p.get("score"), p.get("children_score"))):
            a, b = parse_decimal(own or ""), parse_decimal(kids or "")
            if a is not None and b is not None and a != b:
                line = p.get("line")
                yield ctx.finding(
                    "W003",
                    f"上级指标“{p['name']}”的{what}为 {n(a)}，其下 {p.get('children', 0)} 项下级指标的{what}之和为 {n(b)}，"
                    f"相差 {n(a - b)}；已按下级指标计分",
                    expected=b, printed=a,
                    location=Loc(file=ctx.form.source.file if ctx.form.source else "", line=line,
                                 sheet=ctx.form.source.sheet if ctx.form.source else None) if line else ctx.form.source,
                )
