"""Clean synthetic forms: consistent under the cn-2020 rules, so that every finding the checker
reports on a generated corpus comes from an injected inconsistency (see `inject.py`).

A form is built from printed text through the same value readers the text reader uses
(`jixiao.values`), so a generated `Form` equals what reading its printed file gives back.
Everything is drawn from one `random.Random`, so a seed gives the same corpus every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..model import QUAL, QUANT, Amount, Form, FundsRow, Goals, Indicator, Text, Total
from ..values import amount, decimal_text, measure, rate, round2
from . import pools

HUNDRED = Decimal(100)
OUTPUTS = ("产出指标", "项目产出")  # the 一级 whose first row is a completion rate
LEVEL1_ORDER = ("产出指标", "效益指标", "满意度指标")
# The frameworks a form is drawn in (Params.framework): cn-2020's three 一级 blocks; the same with
# execution weighted 20 and no 分值 printed (rule set cn-2020-80); the 项目决策 / 项目管理 / 项目产出 /
# 项目效益 framework (rule set project-dmoe), whose execution carries no points of its own.
CN2020, TWENTY_EIGHTY, DMOE = "cn-2020", "twenty-eighty", "dmoe"
FRAMEWORKS = {
    CN2020: (LEVEL1_ORDER, pools.LEVEL2_CHOICES, pools.ROWS_PER_LEVEL1),
    TWENTY_EIGHTY: (LEVEL1_ORDER, pools.LEVEL2_CHOICES, pools.ROWS_PER_LEVEL1),
    DMOE: (tuple(pools.DMOE_LEVEL2_CHOICES), pools.DMOE_LEVEL2_CHOICES, pools.DMOE_ROWS_PER_LEVEL1),
}


@dataclass(slots=True)
class Params:
    """What a clean form looks like; injections that need a different shape change these."""

    funds_weight: int = 10
    block_weights: tuple[int, int, int] = (50, 30, 10)  # 产出 / 效益 / 满意度
    rate_range: tuple[int, int] = (9050, 10000)  # execution rate in basis points of 1 (90.50%–100%)
    shortfalls: int | None = None  # indicators below target; None = 0–2 at random
    framework: str = CN2020  # FRAMEWORKS; block_weights has one weight per 一级 of the framework
    # each block's points shared evenly over its rows: a form that prints no 分值 (the 20/80
    # family) is checked against those implied shares
    equal_weights: bool = False


def money(value: Decimal, grouped: bool = False) -> str:
    """Money as forms print it: '446048.00', or grouped '1,454,341.54' (the seed prints both)."""
    if -value.as_tuple().exponent <= 2:
        value = value.quantize(Decimal("0.01"))
    if grouped:
        return format(value.normalize(), ",f")
    return format(value, "f")


class Namer:
    """Unique project names (a corpus never has two forms with one name, so the manifest can name them)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def unique(self, name: str) -> str:
        n = self.seen.get(name, 0) + 1
        self.seen[name] = n
        return name if n == 1 else f"{name}（第{n}批）"


def split_weight(rng: random.Random, total: int, n: int) -> list[int]:
    """`total` points over `n` rows; multiples of 5 when they fit, as most forms use."""
    step = 5 if total % 5 == 0 and total // 5 >= n and rng.random() < 0.75 else 1
    units = total // step
    low = 1 if step == 5 else 2
    if units < n * low:
        step, units, low = 1, total, 1
    cuts = sorted(rng.sample(range(1, units - n * (low - 1)), n - 1)) if n > 1 else []
    parts, prev = [], 0
    for c in cuts + [units - n * (low - 1)]:
        parts.append((c - prev + low - 1) * step)
        prev = c
    return parts


class FormMaker:
    """Draws forms one at a time; keeps only what uniqueness needs (project names)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.namer = Namer()

    # -- the header -----------------------------------------------------------------------
    def header(self, form: Form) -> dict:
        rng = self.rng
        city = rng.choice(list(pools.PLACES))
        place = city + rng.choice(pools.PLACES[city])
        dept_name = rng.choice(list(pools.DEPARTMENTS))
        department = place + dept_name
        unit = rng.choice(pools.DEPARTMENTS[dept_name])
        unit = department if unit == "本级" else place + unit
        topic = rng.choice(pools.DEPARTMENT_TOPICS[dept_name])
        titles, things = pools.TOPICS[topic]
        year = rng.randint(2019, 2024)
        short = unit.replace(city, "", 1) or unit
        project = self.namer.unique(f"{year}年{short}{rng.choice(titles)}")
        form.year = year
        form.project = Text(project)
        form.department = Text(department)
        form.unit = Text(unit)
        thing = rng.choice(things)
        ctx = {"unit": unit, "topic": topic, "thing": thing, "year": year, "things": things, "project": project}
        form.goals = Goals(
            planned=Text(rng.choice(pools.GOALS_PLANNED).format(**ctx)),
            achieved=Text(rng.choice(pools.GOALS_ACHIEVED).format(**ctx)),
        )
        return ctx

    # -- the funds block ------------------------------------------------------------------
    def funds(self, form: Form, p: Params) -> None:
        rng = self.rng
        wan = rng.random() < 0.12
        form.amount_unit = "万元" if wan else "元"
        if wan:
            annual = Decimal(rng.randint(50_000, 20_000_000)) / Decimal(10_000)  # 5.0000–2000.0000 万元
        else:
            annual = Decimal(rng.randint(5_000, 2_000_000)) * 100 if rng.random() < 0.6 else Decimal(rng.randint(5_000_000, 200_000_000)) / 100
        initial = annual
        if rng.random() < 0.25:  # the budget was adjusted during the year
            initial = round2(annual * Decimal(rng.randint(85, 115)) / HUNDRED)
        bp = rng.randint(*p.rate_range)
        # no more places than the budget has, rounded down: executed never passes the budget by rounding
        places = Decimal("0.0001") if wan else Decimal("0.01")
        executed = (annual * Decimal(bp) / Decimal(10_000)).quantize(places, rounding=ROUND_DOWN)
        set_execution(form, initial, annual, executed, p.funds_weight, grouped=rng.random() < 0.6)
        form.funds.rows = self.subrows(form.funds.total)

    def subrows(self, total: FundsRow) -> list[FundsRow]:
        """其中 rows that add up to the total, per column (F001); most forms have only 当年财政拨款."""
        rng = self.rng
        rows = [FundsRow(label="当年财政拨款"), FundsRow(label="上年结转资金"), FundsRow(label="其他资金")]
        split = rng.random() < 0.2
        for col in ("initial_budget", "annual_budget"):
            value: Decimal = getattr(total, col).value
            parts = [value, Decimal(0), Decimal(0)]
            if split:
                carried = round2(value * Decimal(rng.randint(5, 30)) / HUNDRED)
                parts = [value - carried, carried, Decimal(0)]
            for row, part in zip(rows, parts):
                setattr(row, col, amount(money(part) if part else "0"))
        for row in rows:
            row.weight = amount("—")
        return rows

    # -- the indicators -------------------------------------------------------------------
    def indicators(self, form: Form, ctx: dict, p: Params) -> None:
        rng = self.rng
        order, level2_choices, rows_per_level1 = FRAMEWORKS[p.framework]
        for level1, block_weight in zip(order, p.block_weights):
            if block_weight <= 0:
                continue
            low, high = rows_per_level1[level1]
            if p.equal_weights:  # a number of rows that shares the block's points evenly
                n = rng.choice([k for k in range(low, high + 1) if block_weight % k == 0] or [1])
                weights = [block_weight // n] * n
            else:
                n = rng.randint(low, high)
                n = min(n, block_weight // 2) or 1
                weights = split_weight(rng, block_weight, n)
            # choose 二级 groups: the first rows of 产出 are always 数量指标 (every real form starts there)
            choices = level2_choices[level1]
            level2s = sorted((rng.choice(choices) for _ in range(n)), key=choices.index)
            if level1 in OUTPUTS:
                level2s[0] = choices[0]
                level2s.sort(key=choices.index)
            used: set[str] = set()
            for level2, w in zip(level2s, weights):
                form.indicators.append(self.indicator(level1, level2, Decimal(w), ctx, used))
        # the first output row is a completion rate '=100%', so a shortfall can always be injected
        first = next(i for i in form.indicators if i.level1.text in OUTPUTS)
        if not (first.target.kind == QUANT and first.target.op == "=" and first.target.number == 100):
            names = {i.name.text for i in form.indicators}
            options = (f"{ctx['thing']}完成率", f"{ctx['thing']}任务完成率", "年度任务完成率", "年度工作完成率")
            name = next((n for n in options if n not in names), options[-1])
            first.name = Text(name)
            first.target, first.actual = measure("=100%"), measure("100%")
        k = p.shortfalls if p.shortfalls is not None else rng.choice((0, 0, 0, 1, 1, 2))
        candidates = [i for i in form.indicators if can_fall_short(i)]
        for ind in rng.sample(candidates, min(k, len(candidates))):
            fall_short(rng, ind, form)

    def indicator(self, level1: str, level2: str, weight: Decimal, ctx: dict, used: set[str]) -> Indicator:
        rng = self.rng
        templates = pools.INDICATORS[pools.DMOE_TEMPLATES.get(level2, level2)]
        for _ in range(20):
            name_t, kind, spec = rng.choice(templates)
            name = name_t.format(t=rng.choice(ctx["things"]))
            if name not in used:
                break
        else:  # every template used: number the name
            name = f"{name}（{len(used) + 1}）"
        used.add(name)
        target, actual = met_values(rng, kind, spec)
        return Indicator(
            level1=Text(level1),
            level2=Text(level2),
            name=Text(name),
            target=measure(target),
            actual=measure(actual),
            weight=amount(decimal_text(weight)),
            score=amount(decimal_text(weight)),
        )

    # -- a whole form ---------------------------------------------------------------------
    def make(self, p: Params | None = None) -> Form:
        p = p or Params()
        form = Form(layout="standard")  # the layout the synth writers print
        ctx = self.header(form)
        self.funds(form, p)
        self.indicators(form, ctx, p)
        if p.framework == DMOE:
            self.execution_indicator(form)
        retotal(form, total_weight=Decimal(p.funds_weight + sum(p.block_weights)))
        if p.framework == DMOE:  # execution carries no points in the funds rows
            form.funds.total.weight = form.funds.total.score = Amount()
            for row in form.funds.rows:
                row.weight = Amount()
        return form

    def execution_indicator(self, form: Form) -> None:
        """The 决策/管理 framework scores budget execution as an indicator inside 项目管理: its
        first row becomes 资金管理 / 预算执行率 (=100%, the rate printed), scored in proportion."""
        ind = next(i for i in form.indicators if i.level1.text == "项目管理")
        rate_pct = form.funds.total.rate.value
        ind.level2, ind.name = Text("资金管理"), Text("预算执行率")
        ind.target, ind.actual = measure("=100%"), measure(form.funds.total.rate.text)
        ind.score = amount(decimal_text(round2(min(rate_pct, HUNDRED) / HUNDRED * ind.weight.value)))
        ind.deviation = Text(deviation_text(self.rng, form, ind) if rate_pct < HUNDRED else "")


def set_execution(form: Form, initial: Decimal, annual: Decimal, executed: Decimal, weight: int, grouped: bool = True) -> None:
    """The 年度资金总额 row with its printed rate and score computed as the rules say (F003, F004)."""
    r = executed / annual
    rate_pct = round2(r * HUNDRED)
    score = round2(min(r, Decimal(1)) * weight)
    form.funds.total = FundsRow(
        label="年度资金总额",
        initial_budget=amount(money(initial)),
        annual_budget=amount(money(annual)),
        executed=amount(money(executed, grouped=grouped)),
        weight=amount(str(weight)),
        rate=rate(f"{rate_pct}%"),
        score=amount(decimal_text(score)),
    )


def retotal(form: Form, total_weight: Decimal | None = None) -> None:
    """The 总分 row: the printed execution score plus every printed row score (S006)."""
    score = form.funds.total.score.value or Decimal(0)
    parents = {i.parent for i in form.indicators if i.parent}  # a parent row's points are its children's
    for ind in form.indicators:
        if ind.name.text not in parents:
            score += ind.score.value or Decimal(0)
    weight = total_weight if total_weight is not None else form.total.weight.value
    form.total = Total(weight=amount(decimal_text(weight)), score=amount(decimal_text(score)))


# -- values -------------------------------------------------------------------------------
def _pct(value: Decimal) -> str:
    return f"{decimal_text(value)}%"


def met_values(rng: random.Random, kind: str, spec) -> tuple[str, str]:
    """A (target, actual) pair where the actual meets the target without over-shooting it (V003)."""
    if kind == "pct":
        op, a = spec
        a = Decimal(a)
        sign = rng.choice(("≥", ">=")) if op == ">=" else op
        if a >= 100:
            return f"{sign}{decimal_text(a)}%", "100%"
        b = a + Decimal(rng.randint(0, int((100 - a) * 100))) / 100
        return f"{sign}{decimal_text(a)}%", _pct(b)
    if kind == "zero":
        return f"=0{spec}", f"0{spec}"
    if kind == "le":
        low, high, unit = spec
        a = rng.randint(low, high)
        b = max(1, round(a * rng.uniform(0.6, 1.0))) if a > 1 else 1
        sign = rng.choice(("≤", "<="))
        return f"{sign}{a}{unit}", f"{b}{unit}"
    if kind == "count":
        low, high, unit = spec
        a = rng.randint(low, high)
        b = a + rng.randint(0, a // 5)  # < 1.3 × A
        op = rng.choice((">=", ">=", "="))
        return f"{op}{a}{unit}", f"{a if op == '=' else b}{unit}"
    if kind == "qual":
        return spec, spec
    raise ValueError(kind)


def can_fall_short(ind: Indicator) -> bool:
    t = ind.target
    if t.kind == QUANT:
        return t.number is not None and t.number > 0 and t.op in ("=", ">=", "<=")
    if t.kind == QUAL:
        return t.text not in pools.DIRECTION_WORDS
    return False


def unit_step(number: Decimal) -> Decimal:
    return Decimal(1) if number == number.to_integral_value() and number >= 20 else Decimal("0.01")


def fall_short(rng: random.Random, ind: Indicator, form: Form, deviation: str | None = None) -> None:
    """Make `ind` miss its target, with the score the rules give and a deviation text (S002, S005)."""
    t = ind.target
    w = ind.weight.value
    if t.kind == QUAL:
        ind.actual = measure(pools.PARTIAL_PREFIX + t.text)
        ind.score = amount(decimal_text(round2(w * Decimal("0.7"))))  # inside the partial band [0.6, 0.8)
    elif t.op == "<=":
        a = t.number
        for _ in range(50):
            b = (a * Decimal(rng.randint(103, 125)) / 100).quantize(unit_step(a), rounding=ROUND_HALF_UP)
            s = round2(a / b * w)
            if b > a and s < w:
                break
        ind.actual = measure(f"{decimal_text(b)}{t.unit}")
        ind.score = amount(decimal_text(s))
    else:
        a = t.number
        for _ in range(50):
            b = (a * Decimal(rng.randint(8500, 9900)) / 10000).quantize(unit_step(a), rounding=ROUND_HALF_UP)
            s = round2(b / a * w)
            if b < a and s < w:
                break
        ind.actual = measure(f"{decimal_text(b)}{t.unit}")
        ind.score = amount(decimal_text(s))
    ind.deviation = Text(deviation if deviation is not None else deviation_text(rng, form, ind))


def deviation_text(rng: random.Random, form: Form, ind: Indicator) -> str:
    """A 偏差原因 that names its project and indicator, so no two forms share one by chance (D001, D002)."""
    return (
        f"“{form.project.text}”{ind.name.text}实际完成{ind.actual.text}，未达到年度指标值{ind.target.text}，"
        f"主要原因是{rng.choice(pools.REASONS)}。{rng.choice(pools.MEASURES)}。"
    )
