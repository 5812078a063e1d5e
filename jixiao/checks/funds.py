"""Checks of the 项目资金 block: F001–F006 (rules.md §5 execution, §6)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from ..score import rate_budget
from ..values import MONEY_UNITS, parse_money
from ..values import decimal_text as n
from .finding import Finding
from .registry import Context, check

COLUMNS = {"initial_budget": "年初预算数", "annual_budget": "全年预算数", "executed": "全年执行数"}

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_TOLERANCE = Decimal("0.005")  # F004 when the rule set gives none
_Q4 = Decimal("0.0001")


BREAKDOWNS = {"": "其中各项", "source": "按收入性质（资金来源）各项", "use": "按支出性质（基本支出、项目支出）各项"}


@check("F001")
def subrows_add_up(ctx: Context) -> Iterator[Finding]:
    """The 其中 rows add up to the total in every column; a department-wide form's two breakdowns
    (by source, by use) each on its own."""
    total = ctx.form.funds.total
    groups: dict[str, list] = {}
    for r in ctx.form.funds.rows:
        groups.setdefault(r.group, []).append(r)
    for group, rows in groups.items():  # no 其中 row: nothing claims to add up
        what = BREAKDOWNS.get(group, "其中各项")
        for col, col_name in COLUMNS.items():
            cell = getattr(total, col)
            if cell.value is None:
                continue
            expected = None  # the sum of the filled 其中 rows, from 0 in row order as sum() adds
            for r in rows:
                v = getattr(r, col).value
                if v is not None:
                    expected = (_ZERO if expected is None else expected) + v
            # A column where no 其中 row is filled in is not a claim that they add up.
            if expected is None:
                continue
            if expected != cell.value:
                filled = [(r.label, v) for r in rows if (v := getattr(r, col).value) is not None]
                terms = " + ".join(f"{label or '其中'} {n(v)}" for label, v in filled)
                yield ctx.finding(
                    "F001",
                    f"年度资金总额的{col_name}应等于{what}之和：{terms} = {n(expected)}，"
                    f"填报 {n(cell.value)}，相差 {n(cell.value - expected)}",
                    field=f"funds.{col}", expected=expected, printed=cell.value, location=cell.loc,
                )


def _budget_name(t) -> str:
    """The column the rate is taken against (score.rate_budget): 全年预算数, else 年初预算数."""
    return "全年预算数" if t.annual_budget.value is not None else "年初预算数"


@check("F002")
def executed_within_budget(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.funds.total
    budget, executed = rate_budget(t), t.executed.value
    if budget is not None and executed is not None and executed > budget:
        yield ctx.finding(
            "F002",
            f"全年执行数 {n(executed)} 大于{_budget_name(t)} {n(budget)}，超出 {n(executed - budget)}；"
            f"执行率按 100% 计分，请核对执行数",
            field="funds.executed", expected=budget, printed=executed, location=t.executed.loc,
        )


@check("F003")
def printed_rate(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.funds.total
    a = ctx.assessment
    printed = t.rate.value
    if a.rate is None or a.rate_exact is None or printed is None or printed == a.rate:
        return
    q = Decimal(1).scaleb(-ctx.ruleset.decimals)
    up = a.rate_exact.quantize(q, rounding=ROUND_UP)
    down = a.rate_exact.quantize(q, rounding=ROUND_DOWN)
    if printed == up:
        how = f"填报值等于向上进位的结果（{n(up)}%），而不是四舍五入"
    elif printed == down:
        how = f"填报值等于截尾的结果（{n(down)}%），而不是四舍五入"
    else:
        how = f"填报值既不是四舍五入（{n(a.rate)}%）也不是向上进位（{n(up)}%）的结果"
    yield ctx.finding(
        "F003",
        f"执行率应为 全年执行数÷{_budget_name(t)} = {n(t.executed.value)}÷{n(rate_budget(t))} = "
        f"{_short(a.rate_exact)}%，保留{ctx.ruleset.decimals}位小数为 {n(a.rate)}%；填报 {t.rate.text}，"
        f"相差 {n(printed - a.rate)} 个百分点；{how}",
        field="funds.rate", expected=a.rate, printed=printed, location=t.rate.loc,
    )


def _short(d: Decimal) -> str:
    return n(d.quantize(_Q4))


@check("F004")
def execution_score(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.funds.total
    a = ctx.assessment
    printed = t.score.value
    if a.execution_score is None or printed is None:
        return
    tol = ctx.ruleset.param("F004", "tolerance", _TOLERANCE)
    if abs(printed - a.execution_score) <= tol:
        return
    rate = a.rate_exact
    assert rate is not None  # computed with execution_score (score.score_form)
    capped = "，执行率超过 100% 按 100% 计" if rate > 100 else ""
    yield ctx.finding(
        "F004",
        f"预算执行率得分应为 min(执行率, 100%) × 分值 = {_short(min(rate, _HUNDRED))}% × "
        f"{n(a.funds_weight)} = {n(a.execution_score)}{capped}；填报 {n(printed)}，相差 {n(printed - a.execution_score)}",
        field="funds.score", expected=a.execution_score, printed=printed, location=t.score.loc,
    )


@check("F005")
def funds_weight(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.funds.total
    w = t.weight.value
    default = ctx.ruleset.funds_weight
    if w is not None and w != default:
        yield ctx.finding(
            "F005",
            f"预算执行率的分值为 {n(w)}，规则集“{ctx.ruleset.name}”默认为 {n(default)}",
            field="funds.weight", expected=default, printed=w, location=t.weight.loc,
        )


@check("F006")
def low_rate(ctx: Context) -> Iterator[Finding]:
    t = ctx.form.funds.total
    a = ctx.assessment
    rate = a.rate_exact if a.rate_exact is not None else t.rate.value
    threshold = Decimal(ctx.ruleset.param("F006", "threshold", 90))
    if rate is not None and rate < threshold:
        shown = a.rate if a.rate is not None else rate
        yield ctx.finding(
            "F006",
            f"执行率 {n(shown)}% 低于 {n(threshold)}%；自评表没有说明执行率偏低原因的栏目，请在自评报告中说明原因",
            field="funds.rate", location=t.rate.loc,
        )


def _distance(a: Decimal, b: Decimal) -> Decimal:
    """How many times apart two positive amounts are (1 when equal)."""
    return max(a / b, b / a)


@check("F008")
def unit_against_block(ctx: Context) -> Iterator[Finding]:
    """An amount typed with a unit other than the block's was converted (P002 says so); where its
    number as typed sits with the other amounts of its row and the converted one does not
    (“95万元” beside 1,000,000 in a block in 元 is clear; “950000万元” is not), the unit and the
    number disagree and which was meant cannot be told."""
    form = ctx.form
    block = MONEY_UNITS.get(form.amount_unit, Decimal(1))
    for r in [form.funds.total, *form.funds.rows]:
        cells = {col: getattr(r, col) for col in COLUMNS}
        for col, a in cells.items():
            if not a.unit or MONEY_UNITS[a.unit] == block or not a.value:
                continue
            peers = sorted(p.value for c, p in cells.items() if c != col and p.value and not p.unit)
            typed = parse_money(a.text)[0]
            if not peers or not typed:
                continue
            peer = peers[len(peers) // 2]
            if _distance(typed, peer) < _distance(a.value, peer):
                yield ctx.finding(
                    "F008",
                    f"{r.label or '年度资金总额'}的{COLUMNS[col]}填作“{a.text}”，按所带单位换算为 {n(a.value)}{form.amount_unit}，"
                    f"而同行其他金额约为 {n(peer)}{form.amount_unit}；数字与单位不一致，请核对是单位写错还是数字写错",
                    field=f"funds.{col}", printed=a.value, location=a.loc,
                )
