"""Known inconsistencies, one kind per rule id of the check catalogue (rules.md §6).

Each injector takes a clean form (see `generate.py`) and breaks it the way real forms break,
keeping everything else consistent (a changed row score moves the printed total with it, so S006
stays quiet). Some inconsistencies cannot exist alone: a form without a 满意度指标 block (T002)
has other 一级 weights than 50/30/10 (W002). An injection lists every rule its form then
carries, and the manifest records them all, so recall and precision are measured against the
truth of the form and not against a wish.

P001 and P002 live in the file, not in the form: the corpus writer cuts the text off or
damages its layout (see `text.py`), or corrupts the bytes of a binary file.

Layout families (`families.py`): each family lists the rules its forms can carry
(`Family.rules`); a rule the family has no place for passes its turn (no S001 where no 分值 is
printed, S007 instead in the 20/80 family; W003 on the parent-child family's own parent row).
docs/batch.md has the table of which rules pass in which family.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from ..model import QUAL, QUANT, Amount, Form, Indicator, Text
from ..rules import load_ruleset
from ..rules.catalogue import RULES as CATALOGUE
from ..rules.implied import imply_weights
from ..values import amount, decimal_text, measure, round2
from ..values import rate as read_rate
from . import pools
from .generate import HUNDRED, OUTPUTS, Params, can_fall_short, fall_short, money, retotal, set_execution
from .kinds import KIND_RULES

# Every rule of the catalogue, in catalogue order, but P003: a number read by OCR that a person
# should check exists only on a scan, which a typed file is not (bench/ocr.py measures it on scans).
RULES = tuple(r for r in CATALOGUE if r != "P003")
# Formats whose writer lays out a form in the standard layout only: layout damage (P002) needs text.
LAYOUT_DAMAGE_FORMATS = ("txt",)
# Rules that live in the text of the file, injected into .txt only: layout damage (P002), a form
# cut off before its indicator table (P004), an amount typed with a unit (F008; the office writers
# write amounts as numbers), parent rows (W003), the 20/80 family (S007, S009), a header 自评得分 (S008).
TEXT_ONLY_RULES = ("P002", "P004", "F008", "W003", "S007", "S008", "S009")


@dataclass(slots=True)
class Injected:
    rule: str
    carries: tuple[str, ...]  # every rule the form now breaks (the injected one first)
    detail: str  # Chinese: what was done, for the manifest


@dataclass
class State:
    """What an injection shares with a later form: the 偏差原因 text a D002 pair repeats."""

    d002_text: str | None = None
    counter: int = 0


@dataclass(slots=True)
class Plan:
    params: Params = field(default_factory=Params)
    mutate: Callable[[random.Random, Form, State], Injected] | None = None


# -- helpers ----------------------------------------------------------------------------------
def _pick(rng: random.Random, form: Form, pred: Callable[[Indicator], bool]) -> Indicator | None:
    rows = [i for i in form.indicators if pred(i)]
    return rng.choice(rows) if rows else None


def _met_quant(i: Indicator) -> bool:
    return i.target.kind == QUANT and i.score.value == i.weight.value and not i.deviation.text


def _qual_word(i: Indicator) -> bool:
    return i.target.kind == QUAL and i.target.text not in pools.DIRECTION_WORDS and i.score.value == i.weight.value


def _ensure_qual(rng: random.Random, form: Form) -> Indicator:
    """A qualitative row scored at full points; turns a 效益 row into one when the form has none."""
    ind = _pick(rng, form, _qual_word)
    if ind is None:
        ind = [i for i in form.indicators if i.level1.text in ("效益指标", "项目效益")][-1]
        names = {i.name.text for i in form.indicators}
        ind.name = Text(next((n for n in ("长效管理制度健全性", "档案管理制度健全性", "管理制度健全性") if n not in names), "制度健全性"))
        ind.target = measure("健全")
        ind.actual = measure("健全")
        ind.score = amount(ind.weight.text)
        ind.deviation = Text("")
    return ind


def _ensure_count(rng: random.Random, form: Form) -> Indicator:
    """A positive count target ('>=200人次'); turns a later 产出 row into one when the form has none."""
    def count(i: Indicator) -> bool:
        t = i.target
        return t.kind == QUANT and t.op in (">=", "=") and t.unit not in ("%", "") and (t.number or 0) > 0 and _met_quant(i)

    ind = _pick(rng, form, count)
    if ind is None:
        counts = [i for i in form.indicators[1:] if i.level2.text in ("数量指标", "产出数量")]
        ind = counts[-1] if counts else [i for i in form.indicators if i.level1.text in OUTPUTS][-1]
        a = rng.randint(50, 500)
        names = {i.name.text for i in form.indicators}
        ind.name = Text(next((n for n in ("服务人次", "受益人次", "办理人次") if n not in names), "服务总人次"))
        ind.target = measure(f">={a}人次")
        ind.actual = measure(f"{a}人次")
        ind.score = amount(ind.weight.text)
        ind.deviation = Text("")
    return ind


def _shortfall(rng: random.Random, form: Form, deviation: str | None = None, quant: bool = False) -> Indicator:
    def ok(i: Indicator) -> bool:
        return can_fall_short(i) and i.score.value == i.weight.value and (not quant or i.target.kind == QUANT)

    ind = _pick(rng, form, ok) or form.indicators[0]
    fall_short(rng, ind, form, deviation)
    return ind


def _set_score(ind: Indicator, score: Decimal) -> None:
    ind.score = amount(decimal_text(score))


def _execute(form: Form, initial: Decimal, annual: Decimal, executed: Decimal) -> None:
    """The funds row with another execution, its points kept as they were (none in the 决策/管理 family)."""
    weight = form.funds.total.weight.value
    set_execution(form, initial, annual, executed, int(weight or 0))
    if weight is None:
        form.funds.total.weight = form.funds.total.score = Amount()


# -- 项目资金 -----------------------------------------------------------------------------------
def f001(rng, form, state):
    row = form.funds.rows[1 if rng.random() < 0.5 else 2]
    total = form.funds.total
    extra = round2(total.annual_budget.value * Decimal(rng.randint(2, 15)) / HUNDRED)
    for col in ("initial_budget", "annual_budget"):
        v = getattr(row, col).value or Decimal(0)
        setattr(row, col, amount(money(v + extra)))
    return Injected("F001", ("F001",), f"其中“{row.label}”多填 {money(extra)}，各项之和不再等于年度资金总额")


def f002(rng, form, state):
    t = form.funds.total
    executed = round2(t.annual_budget.value * Decimal(rng.randint(10_100, 10_800)) / Decimal(10_000))
    _execute(form, t.initial_budget.value, t.annual_budget.value, executed)
    retotal(form)
    return Injected("F002", ("F002",), f"全年执行数 {money(executed)} 大于全年预算数 {t.annual_budget.text}")


def f003(rng, form, state):
    # A real mistake: the rate divided by 年初预算数 after the budget was adjusted during the year.
    t = form.funds.total
    annual, executed = t.annual_budget.value, t.executed.value
    initial = round2(annual * Decimal(rng.randint(104, 115)) / HUNDRED)
    _execute(form, initial, annual, executed)
    form.funds.rows[0].initial_budget = amount(money(initial - sum((r.initial_budget.value or 0) for r in form.funds.rows[1:])))
    wrong = round2(executed / initial * HUNDRED)
    form.funds.total.rate = read_rate(f"{wrong}%")
    retotal(form)
    return Injected("F003", ("F003",), f"执行率按年初预算数计算，填 {wrong}%")


def f004(rng, form, state):
    t = form.funds.total
    right = t.score.value
    w = t.weight.value
    wrong = w if right <= w - Decimal("0.1") else right - Decimal("0.5")
    t.score = amount(decimal_text(wrong))
    retotal(form)
    return Injected("F004", ("F004",), f"预算执行率得分应为 {decimal_text(right)}，填 {decimal_text(wrong)}")


def f005(rng, form, state):
    return Injected("F005", ("F005", "W002"), "预算执行率分值为 20（产出指标相应减为 40 分）")


def f006(rng, form, state):
    return Injected("F006", ("F006",), f"执行率 {form.funds.total.rate.text}，低于 90%")


# -- 分值与指标体系 -------------------------------------------------------------------------------
def w001(rng, form, state):
    if rng.random() < 0.5:
        form.total.weight = amount("110")
        return Injected("W001", ("W001",), "总分行的分值填 110，各项分值之和为 100")
    # a row at full points, so its score follows its weight and no score rule is touched
    ind = _pick(rng, form, lambda i: i.level1.text == "产出指标" and i.score.value == i.weight.value) or form.indicators[0]
    ind.weight = amount(decimal_text(ind.weight.value + 5))
    ind.score = amount(ind.weight.text)
    ind.deviation = Text("")
    retotal(form, total_weight=Decimal(100))
    return Injected("W001", ("W001", "W002"), f"指标“{ind.name.text}”分值多 5 分，分值合计 105，总分行仍填 100")


def w002(rng, form, state):
    return Injected("W002", ("W002",), "一级指标分值不是 50/30/10：" + "/".join(
        decimal_text(sum((i.weight.value for i in form.indicators if i.level1.text == l1), Decimal(0)))
        for l1 in ("产出指标", "效益指标", "满意度指标")
    ))


def t001(rng, form, state):
    first = form.indicators[0].level2.text
    wrong = rng.choice(pools.LEVEL2_CHOICES["效益指标"])
    for ind in form.indicators:
        if ind.level1.text == "产出指标" and ind.level2.text == first:
            ind.level2 = Text(wrong)
    return Injected("T001", ("T001",), f"产出指标下的“{first}”写成“{wrong}”")


def t002(rng, form, state):
    return Injected("T002", ("T002", "W002"), "没有满意度指标（分值并入产出和效益指标）")


# -- 得分 ---------------------------------------------------------------------------------------
def s001(rng, form, state):
    ind = _pick(rng, form, _met_quant) or form.indicators[0]
    over = Decimal(rng.choice((1, 2, 5)))
    _set_score(ind, ind.weight.value + over)
    retotal(form)
    return Injected("S001", ("S001",), f"指标“{ind.name.text}”得分 {ind.score.text} 大于分值 {ind.weight.text}")


def s002(rng, form, state):
    ind = _shortfall(rng, form, quant=True)
    right = ind.score.value
    if rng.random() < 0.5:
        _set_score(ind, ind.weight.value)
        detail = f"指标“{ind.name.text}”未达到指标值却得满分（应得 {decimal_text(right)}）"
    else:
        wrong = max(Decimal(0), right - Decimal(rng.choice(("0.5", "1", "2"))))
        _set_score(ind, wrong)
        detail = f"指标“{ind.name.text}”扣分多于规则：应得 {decimal_text(right)}，填 {decimal_text(wrong)}"
    retotal(form)
    return Injected("S002", ("S002",), detail)


def s003(rng, form, state):
    ind = _ensure_qual(rng, form)
    wrong = round2(ind.weight.value * Decimal("0.9"))
    _set_score(ind, wrong)
    ind.deviation = Text(f"“{form.project.text}”{ind.name.text}评价从严，酌情扣分。今后将进一步完善相关制度。")
    retotal(form)
    return Injected("S003", ("S003",), f"指标“{ind.name.text}”实际完成值与指标值相同，得分 {decimal_text(wrong)} 低于分值 {ind.weight.text}")


def s004(rng, form, state):
    ind = _ensure_qual(rng, form)
    ind.actual = measure(pools.PARTIAL_PREFIX + ind.target.text)
    wrong = round2(ind.weight.value * Decimal("0.5"))
    _set_score(ind, wrong)
    ind.deviation = Text(f"“{form.project.text}”{ind.name.text}尚需进一步{ind.target.text}。今后将加强制度建设。")
    retotal(form)
    return Injected("S004", ("S004",), f"指标“{ind.name.text}”为“{ind.actual.text}”（部分达成），得分 {decimal_text(wrong)} 不在 60%–80% 区间")


def s005(rng, form, state):
    ind = _shortfall(rng, form, deviation="")
    retotal(form)
    return Injected("S005", ("S005",), f"指标“{ind.name.text}”扣分但偏差原因为空")


def s006(rng, form, state):
    delta = Decimal(rng.choice(("0.5", "1", "-1", "2", "-0.3")))
    right = form.total.score.value
    form.total.score = amount(decimal_text(right + delta))
    return Injected("S006", ("S006",), f"总分应为 {decimal_text(right)}，填 {form.total.score.text}")


# -- 指标值 -------------------------------------------------------------------------------------
def v001(rng, form, state):
    ind = _pick(rng, form, lambda i: _met_quant(i) and i.target.op in ("=", "<=")) or form.indicators[0]
    sign = "=" if ind.target.op == "=" else rng.choice(("≤", "<="))
    ind.actual = measure(sign + ind.actual.text)
    return Injected("V001", ("V001",), f"指标“{ind.name.text}”的实际完成值写成“{ind.actual.text}”")


OTHER_UNIT = {"次": "个", "人次": "人", "批": "次", "份": "张", "万元": "元", "年": "月", "毫秒": "秒",
              "小时": "天", "个工作日": "天", "起": "个", "%": "个"}


def v002(rng, form, state):
    ind = _pick(rng, form, lambda i: _met_quant(i) and i.target.unit in OTHER_UNIT and i.target.unit != "%")
    if ind is not None:
        a = ind.actual
        ind.actual = measure(f"{decimal_text(a.number)}{OTHER_UNIT[a.unit]}")
        return Injected("V002", ("V002",), f"指标“{ind.name.text}”指标值单位“{ind.target.unit}”，实际完成值单位“{ind.actual.unit}”")
    ind = _pick(rng, form, _met_quant) or form.indicators[0]
    ind.actual = measure(rng.choice(("全部完成", "已按要求完成", "达到要求")))
    return Injected("V002", ("V002",), f"指标“{ind.name.text}”指标值为数值，实际完成值写成“{ind.actual.text}”")


def v003(rng, form, state):
    ind = _ensure_count(rng, form)
    a = ind.target.number
    b = (a * Decimal(rng.randint(135, 220)) / 100).to_integral_value(rounding=ROUND_CEILING)  # ≥ 1.35 × A
    ind.actual = measure(f"{decimal_text(b)}{ind.target.unit}")
    if ind.target.op == "=":
        ind.target = measure(f">={decimal_text(a)}{ind.target.unit}")
    return Injected("V003", ("V003",), f"指标“{ind.name.text}”实际 {ind.actual.text} 超过指标值 {ind.target.text} 的 130%")


UNKNOWN_WORDINGS = ("按计划推进中", "已建立并试运行", "已开展相关工作", "正在逐步落实", "总体运行平稳")


def v004(rng, form, state):
    ind = _ensure_qual(rng, form)
    ind.actual = measure(rng.choice(UNKNOWN_WORDINGS))
    return Injected("V004", ("V004",), f"指标“{ind.name.text}”的实际完成值“{ind.actual.text}”无法判断完成程度")


# -- 偏差原因与总体目标 ---------------------------------------------------------------------------
def d001(rng, form, state):
    text = f"“{form.project.text}”受{rng.choice(pools.REASONS)}影响，部分指标未达到年度指标值。{rng.choice(pools.MEASURES)}。"
    first = _shortfall(rng, form, deviation=text)
    second = _shortfall(rng, form, deviation=text)
    if second is first:  # only one row could fall short: reuse the text on a second scored row
        second = form.indicators[-1] if form.indicators[-1] is not first else form.indicators[0]
        fall_short(rng, second, form, text)
    retotal(form)
    return Injected("D001", ("D001",), f"指标“{first.name.text}”与“{second.name.text}”的偏差原因相同")


def d002(rng, form, state):
    if state.d002_text is None:
        state.counter += 1
        state.d002_text = (f"{form.unit.text}本年度{rng.choice(pools.REASONS)}（第{state.counter}组）。"
                           f"{rng.choice(pools.MEASURES)}。")
        text, detail = state.d002_text, "偏差原因与下一张表的相同"
    else:
        text, state.d002_text = state.d002_text, None
        detail = "偏差原因与上一张表的相同"
    ind = _shortfall(rng, form, deviation=text)
    retotal(form)
    return Injected("D002", ("D002",), f"指标“{ind.name.text}”{detail}")


def g001(rng, form, state):
    which = rng.choice(("planned", "achieved"))
    setattr(form.goals, which, Text(""))
    return Injected("G001", ("G001",), "年度总体目标的" + ("预算目标" if which == "planned" else "实际完成情况") + "为空")


def p001(rng, form, state):
    return Injected("P001", ("P001",), "无法读取")


def p002(rng, form, state):
    return Injected("P002", ("P002",), "版面损坏（读取时修复）")


def add_parent(form: Form, extra: Decimal) -> tuple[str, int]:
    """一、 over the rows of the largest 二级 group, renumbered 1、 2、…, its 分值 `extra` more than
    theirs (0: a clean parent row; the parent-child family). Returns its name and child count."""
    groups: dict[tuple[str, str], list[int]] = {}
    for k, i in enumerate(form.indicators):
        groups.setdefault((i.level1.text, i.level2.text), []).append(k)
    ks = max(groups.values(), key=len)
    kids = [form.indicators[k] for k in ks]
    name = "一、重点任务"  # not a taxonomy label (一、经济效益 would read as the 二级 label)
    for n, kid in enumerate(kids, 1):
        kid.name = Text(f"{n}、{kid.name.text}")
        kid.parent = name
    weight = sum((c.weight.value for c in kids), Decimal(0)) + extra
    score = sum((c.score.value for c in kids), Decimal(0))
    parent = Indicator(Text(kids[0].level1.text), Text(kids[0].level2.text), Text(name), kids[0].target, kids[0].actual,
                       amount(decimal_text(weight)), amount(decimal_text(score)), Text(""))
    form.indicators.insert(ks[0], parent)
    return name, len(kids)


def w003(rng, form, state):
    parent = next((i for i in form.indicators if any(c.parent == i.name.text for c in form.indicators)), None)
    if parent is not None:  # the form has a parent row already (the parent-child family)
        parent.weight = amount(decimal_text(parent.weight.value + 5))
        kids = sum(1 for c in form.indicators if c.parent == parent.name.text)
        return Injected("W003", ("W003",), f"上级行“{parent.name.text}”分值 {parent.weight.text}，其下 {kids} 行之和少 5 分")
    name, kids = add_parent(form, Decimal(5))
    weight = next(i for i in form.indicators if i.name.text == name).weight.text
    return Injected("W003", ("W003", "P002"), f"上级行“{name}”分值 {weight}，其下 {kids} 行之和少 5 分")


def _above_share(form: Form) -> bool:
    """Whether a row of the form, written without 分值 (the 20/80 family), scores above the weight
    the default rule set implies for it: its block's points shared over the block's rows (S009)."""
    bare = Form(indicators=[dataclasses.replace(i, weight=Amount()) for i in form.indicators])
    imply_weights(bare, load_ruleset())
    return any(i.implied_weight is not None and i.score.value is not None and i.score.value > i.implied_weight
               for i in bare.indicators)


def s007(rng, form, state):
    # the 20/80 family (no 分值 column): a satisfaction row scored above its block's implied points;
    # rows weighted above their block's equal share (most forms) also carry S009
    form.layout = "twenty-eighty"
    ind = [i for i in form.indicators if i.level1.text == "满意度指标"][-1]
    _set_score(ind, ind.weight.value + Decimal(rng.choice((2, 5))))
    return Injected("S007", ("S007", *(("S009",) if _above_share(form) else ())),
                    f"无分值列；满意度指标“{ind.name.text}”得分 {ind.score.text} 超过其一级指标的分值")


def s008(rng, form, state):
    printed = form.total.score.value - Decimal(rng.choice((1, 2, 3)))
    form.header_total = amount(decimal_text(printed))
    return Injected("S008", ("S008",), f"表头自评得分 {decimal_text(printed)} 与总分行不符")


def s009(rng, form, state):
    # the 20/80 family (no 分值 column): a row scored above its equal share of its block's points,
    # the block's sum within them (S007 quiet). Rows weighted unequally already are; where the
    # 产出 rows are weighted equally, one gains a point another loses
    form.layout = "twenty-eighty"
    if not _above_share(form):
        a, b = [i for i in form.indicators if i.level1.text == "产出指标"][:2]
        _set_score(a, a.score.value + 1)
        _set_score(b, b.score.value - 1)
    return Injected("S009", ("S009",), "无分值列；有指标得分超过其一级指标分值平分后的隐含分值")


def p003(rng, form, state):
    return Injected("P004", ("P004",), "绩效指标表缺失（表不完整）")


def f007(rng, form, state):
    # 年初预算数 typed in the block's unit with the other unit beside it (a stray 万 in a block in
    # 元, 元 in a block in 万元): converted, it no longer equals its 其中 rows (F001), and the
    # conversion is reported (P002)
    t = form.funds.total
    stray = "元" if form.amount_unit == "万元" else "万"
    t.initial_budget = amount(t.initial_budget.text + stray)
    return Injected("F008", ("F008", "F001", "P002"),
                    f"年初预算数填作“{t.initial_budget.text}”（数字按{form.amount_unit}填写却带了“{stray}”）")


MUTATORS = {
    "P001": p001, "P002": p002, "P004": p003,
    "F001": f001, "F002": f002, "F003": f003, "F004": f004, "F005": f005, "F006": f006, "F008": f007,
    "W001": w001, "W002": w002, "W003": w003, "T001": t001, "T002": t002,
    "S001": s001, "S002": s002, "S003": s003, "S004": s004, "S005": s005, "S006": s006, "S007": s007, "S008": s008,
    "S009": s009,
    "V001": v001, "V002": v002, "V003": v003, "V004": v004,
    "D001": d001, "D002": d002, "G001": g001,
}
# the rules of the department-wide and transfer-payment forms are injected by kinds.py
assert tuple(MUTATORS) + KIND_RULES == RULES


def plan(rule: str | None, rng: random.Random, params: Params | None = None) -> Plan:
    """How to generate a form that carries `rule` (None: a clean form); `params`: how a clean
    form of its layout family is drawn (the 20/80 and 决策/管理 families' own)."""
    p = params or Params()
    if rule is None:
        return Plan(params=p)
    if rule == "F005":
        p.funds_weight, p.block_weights = 20, (40, 30, 10)
    elif rule == "F006":
        p.rate_range = (7000, 8950)
    elif rule == "W002":
        p.block_weights = rng.choice(((60, 20, 10), (40, 40, 10), (50, 20, 20), (45, 35, 10)))
    elif rule == "T002":
        p.block_weights = (55, 35, 0)
    elif rule in ("S005", "D002", "S002"):
        p.shortfalls = 0  # the injection adds the shortfall it is about
    return Plan(params=p, mutate=MUTATORS[rule])
