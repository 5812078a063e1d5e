"""Clean synthetic department-wide and transfer-payment forms, and each laid out as its paper
form prints it (`layout`): rows of cell texts, a merged cell's covered cells empty.

A form of another kind is drawn from a project form (`generate.FormMaker`), so its names, goals
and indicators come from the same pools and are consistent under the same rules; what the kind
adds — the funds breakdowns, the flat indicator list, the 资金管理情况 block — is drawn here.
Every value is made through the value readers (`jixiao.values`), so a generated `Form` equals
what reading its printed layout gives back.

Variants: department "levels" (一级/二级/三级, as the project form), "province" (the same
under the headings 履职效能 / 管理效率 / 服务对象满意度) and "flat" (指标名称 | 计量单位 |
指标性质 | 年初指标值 | 调整指标值 | 全年完成值 | 得分系数(%) | 指标权重(分) | 指标得分(分) |
是否核心指标); transfer "points" (分值 and 得分 columns), "plain" (no points at all) and "checklist" (说明 | 自查内容 |
完成情况 | 佐证材料, the amounts inside sentences, no points).
"""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal

from ..model import (BY_SOURCE, BY_USE, DEPARTMENT, KIND_TITLES, QUANT, TRANSFER, Amount, Form, FundsRow,
                     Indicator, ManagementItem, Measure, Text, Total)
from ..recognize.department import group_of
from ..recognize.transfer import MANAGEMENT_ITEMS
from ..recognize.vocab import TARGET_OPS
from ..values import amount, decimal_text, measure, rate, round2
from .generate import FormMaker, Params, retotal

HUNDRED = Decimal(100)
VARIANTS = {DEPARTMENT: ("levels", "flat", "province"), TRANSFER: ("points", "plain", "checklist")}
# The province headings of a department-wide form (rule set dept-performance): each cn-2020
# (一级, 二级) drawn by the project form's maker printed as the province's, so the points of
# 产出 / 效益 / 满意度 become those of 履职效能 / 管理效率 / 服务对象满意度.
PROVINCE_LABELS = {
    ("产出指标", "数量指标"): ("履职效能", "产出数量"), ("产出指标", "质量指标"): ("履职效能", "产出质量"),
    ("产出指标", "时效指标"): ("履职效能", "产出时效"), ("产出指标", "成本指标"): ("履职效能", "产出成本"),
    ("效益指标", "经济效益指标"): ("管理效率", "预算管理"), ("效益指标", "社会效益指标"): ("管理效率", "资产管理"),
    ("效益指标", "生态效益指标"): ("管理效率", "绩效管理"), ("效益指标", "可持续影响指标"): ("管理效率", "制度建设"),
    ("满意度指标", "服务对象满意度指标"): ("服务对象满意度", "服务对象满意度指标"),
}
DEPARTMENT_SOURCES = ("一般公共预算", "政府性基金", "国有资本经营预算", "财政专户管理资金", "单位资金")
DEPARTMENT_USES = ("基本支出", "项目支出")
TRANSFER_SOURCES = ("中央财政资金", "地方资金", "其他资金")
FLAT_OPS = {">=": "正向", "<=": "反向", "=": "正向"}  # how a flat list prints a target's direction
MANAGEMENT_TEXTS = (
    "资金按因素法分配，分配依据充分，测算过程规范",
    "资金在规定时限内下达，未发生滞留",
    "资金拨付手续完备，符合国库集中支付规定",
    "资金按规定用途使用，未发现挤占挪用",
    "预算执行进度与工作进度相符，执行准确",
    "设定了绩效目标并开展了绩效运行监控",
    "地方按规定落实了支出责任",
)


def _wan(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount in 万元 with two decimals."""
    return Decimal(rng.randint(low * 100, high * 100)) / HUNDRED


def _rate_text(executed: Decimal, budget: Decimal) -> str:
    return f"{decimal_text(round2(executed / budget * HUNDRED))}%" if budget else ""  # no budget: no rate


def _row(label: str, initial: Decimal | None, annual: Decimal, executed: Decimal, group: str = "") -> FundsRow:
    return FundsRow(
        label=label,
        initial_budget=amount(decimal_text(initial)) if initial is not None else Amount(),
        annual_budget=amount(decimal_text(annual)),
        executed=amount(decimal_text(executed)),
        rate=rate(_rate_text(executed, annual)),
        group=group,
    )


def _split(rng: random.Random, total: Decimal, n: int) -> list[Decimal]:
    """`total` (2 decimals) in n parts, the first the largest; later parts may be 0."""
    parts = []
    rest = total
    for k in range(n - 1):
        part = (rest * Decimal(rng.randint(0, 30)) / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        if rng.random() < 0.3:
            part = Decimal(0)
        parts.append(part)
        rest -= part
    return [rest, *parts]


def _breakdown(rng: random.Random, labels: tuple[str, ...], initial: Decimal | None, annual: Decimal,
               executed: Decimal, group: str = "") -> list[FundsRow]:
    """Rows that add up to the total in every column, each with its printed rate."""
    n = len(labels)
    shares = _split(rng, annual, n)
    execs = _fit(shares, executed)
    inits = _split(rng, initial, n) if initial is not None else [None] * n
    return [_row(lb, i, a, e, group) for lb, i, a, e in zip(labels, inits, shares, execs)]


def _fit(shares: list[Decimal], executed: Decimal) -> list[Decimal]:
    """Executed amounts per row in proportion to its budget (rounded down), the first row taking
    the rest: each within its budget, adding up to `executed` (≤ Σ shares)."""
    total = sum(shares, Decimal(0))
    rest = [(executed * s / total).quantize(Decimal("0.01"), rounding=ROUND_DOWN) if total else Decimal(0)
            for s in shares[1:]]
    return [executed - sum(rest, Decimal(0)), *rest]


def _execution(rng: random.Random, form: Form, with_initial: bool, weight: int | None) -> tuple[Decimal | None, Decimal, Decimal]:
    annual = _wan(rng, 200, 90_000)
    initial = annual if rng.random() < 0.7 else round2(annual * Decimal(rng.randint(85, 115)) / HUNDRED)
    executed = (annual * Decimal(rng.randint(9050, 10000)) / Decimal(10_000)).quantize(Decimal("0.01"),
                                                                                     rounding=ROUND_DOWN)
    total = _row("年度资金总额", initial if with_initial else None, annual, executed)
    if weight is not None:
        total.weight = amount(str(weight))
        total.score = amount(decimal_text(round2(min(executed / annual, Decimal(1)) * weight)))
    form.funds.total = total
    form.amount_unit = "万元"
    return (initial if with_initial else None), annual, executed


def department_form(rng: random.Random, variant: str = "levels", gen: FormMaker | None = None) -> Form:
    gen = gen or FormMaker(rng)
    flat = variant == "flat"
    form = gen.make(Params(shortfalls=0) if flat else None)
    form.kind = DEPARTMENT
    form.title = KIND_TITLES[DEPARTMENT]
    form.project = Text(gen.namer.unique(form.department.text))  # 部门（单位）名称
    form.unit = Text()
    form.department = Text()
    initial, annual, executed = _execution(rng, form, True, 10)
    form.funds.rows = (_breakdown(rng, DEPARTMENT_SOURCES, initial, annual, executed, BY_SOURCE)
                       + _breakdown(rng, DEPARTMENT_USES, initial, annual, executed, BY_USE))
    for r in form.funds.rows:
        assert group_of(r.label) == r.group
    if flat:
        form.indicators = [_flat(rng, ind) for ind in form.indicators]
    elif variant == "province":
        for ind in form.indicators:
            level1, level2 = PROVINCE_LABELS[(ind.level1.text, ind.level2.text)]
            ind.level1, ind.level2 = Text(level1), Text(level2)
    retotal(form)
    return form


def _flat(rng: random.Random, ind: Indicator) -> Indicator:
    """An indicator of the flat list: no 一级/二级, the direction in 指标性质, the unit in 计量单位,
    得分系数 100 (every indicator of a flat list drawn here is met)."""
    t, a = ind.target, ind.actual
    if t.kind == QUANT and t.number is not None:
        op = FLAT_OPS.get(t.op, "正向")
        value = decimal_text(t.number)
        target = measure(f"{TARGET_OPS[op]}{value}{t.unit}")
        actual = measure(f"{decimal_text(a.number)}{t.unit}") if a.number is not None else a
        adjusted = measure(f"{value}{t.unit}") if rng.random() < 0.3 else Measure()
    else:
        target, actual, adjusted = t, a, Measure()
    return Indicator(name=ind.name, target=target, actual=actual, weight=ind.weight, score=ind.weight,
                     adjusted=adjusted, coefficient=rate("100"), core=Text(rng.choice(("是", "否"))))


def transfer_form(rng: random.Random, variant: str = "points", gen: FormMaker | None = None,
                  params: Params | None = None) -> Form:
    gen = gen or FormMaker(rng)
    points = variant == "points"
    form = gen.make(params)
    form.kind = TRANSFER
    form.title = KIND_TITLES[TRANSFER]
    form.project = Text(gen.namer.unique(form.project.text.replace("项目", "") + "转移支付"))
    central = form.department.text
    form.local_department = Text(central)
    form.department = Text(rng.choice(("财政部", "农业农村部", "教育部", "国家卫生健康委员会", "生态环境部")))
    _, annual, executed = _execution(rng, form, False, 10 if points else None)
    form.funds.rows = _breakdown(rng, TRANSFER_SOURCES, None, annual, executed)
    form.management = [ManagementItem(Text(n), Text(t)) for n, t in zip(MANAGEMENT_ITEMS, MANAGEMENT_TEXTS)]
    if points:
        retotal(form)
    else:
        for ind in form.indicators:
            ind.weight, ind.score = Amount(), Amount()
        form.total = Total()
    return form


def _cells(n: int, *texts: str) -> list[str]:
    return (list(texts) + [""] * n)[:n]


def layout(form: Form, variant: str) -> list[list[str]]:
    """The rows of the form's paper layout (the covered cells of a merged cell empty)."""
    if form.kind == DEPARTMENT:
        return _department_layout(form, variant)
    if form.kind == TRANSFER:
        return _checklist_layout(form) if variant == "checklist" else _transfer_layout(form, variant)
    raise ValueError(form.kind)


def _funds_rows(form: Form, width: int, cols: tuple[str, ...], block: str, heads: tuple[str, ...]) -> list[list[str]]:
    rows = [_cells(width, f"{block}（万元）", "", *heads)]
    previous_group = None
    for k, fr in enumerate([form.funds.total, *form.funds.rows]):
        label = fr.label
        if k and fr.group != previous_group:
            label = "其中：" + label
        previous_group = fr.group if k else None
        rows.append(_cells(width, "", label, *(getattr(fr, c).text for c in cols)))
    return rows


def _goals(form: Form, width: int, block: str, planned: str, achieved: str) -> list[list[str]]:
    return [_cells(width, block, planned, "", "", achieved),
            _cells(width, "", form.goals.planned.text, "", "", form.goals.achieved.text)]


def _level_rows(form: Form, width: int, values) -> list[list[str]]:
    rows = []
    last1 = last2 = None
    for ind in form.indicators:
        l1 = ind.level1.text if ind.level1.text != last1 else ""
        l2 = ind.level2.text if (ind.level2.text != last2 or l1) else ""
        last1, last2 = ind.level1.text, ind.level2.text
        rows.append(_cells(width, "", l1, l2, ind.name.text, *values(ind)))
    return rows


def _department_layout(form: Form, variant: str) -> list[list[str]]:
    flat = variant == "flat"
    w = 11 if flat else 9
    rows = [_cells(w, form.title), _cells(w, f"（{form.year}年度）"), _cells(w, "部门（单位）名称", form.project.text)]
    rows += _funds_rows(form, w, ("initial_budget", "annual_budget", "executed", "weight", "rate", "score"),
                        "部门预算资金", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"))
    rows += _goals(form, w, "年度总体目标", "预期目标", "实际完成情况")
    if flat:
        rows.append(_cells(w, "绩效指标", "指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值",
                           "得分系数(%)", "指标权重(分)", "指标得分(分)", "是否核心指标"))
        for ind in form.indicators:
            t, a = ind.target, ind.actual
            if t.kind == QUANT:
                op = next(k for k, v in TARGET_OPS.items() if v == t.op and k in ("正向", "反向"))
                unit, value = t.unit, decimal_text(t.number)
                actual = decimal_text(a.number) if a.number is not None and a.unit == unit else a.text
                adjusted = decimal_text(ind.adjusted.number) if ind.adjusted.kind == QUANT else ind.adjusted.text
            else:
                op, unit, value, actual, adjusted = "定性", "", t.text, a.text, ind.adjusted.text
            rows.append(_cells(w, "", ind.name.text, unit, op, value, adjusted or "—", actual, ind.coefficient.text,
                               ind.weight.text, ind.score.text, ind.core.text))
        rows.append(_cells(w, "总分", "", "", "", "", "", "", "", form.total.weight.text, form.total.score.text))
        return rows
    rows.append(_cells(w, "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                       "偏差原因分析及改进措施"))
    rows += _level_rows(form, w, lambda i: (i.target.text, i.actual.text, i.weight.text, i.score.text,
                                            i.deviation.text))
    rows.append(_cells(w, "总分", "", "", "", "", "", form.total.weight.text, form.total.score.text))
    return rows


def _transfer_layout(form: Form, variant: str) -> list[list[str]]:
    points = variant == "points"
    w = 9 if points else 7
    rows = [_cells(w, form.title), _cells(w, f"（{form.year}年度）"),
            _cells(w, "转移支付（项目）名称", form.project.text),
            _cells(w, "中央主管部门", form.department.text),
            _cells(w, "地方主管部门", form.local_department.text, "", "", "资金使用单位", form.unit.text)]
    heads = ("全年预算数（A）", "全年执行数（B）", "预算执行率（B/A×100%）") + (("分值", "得分") if points else ())
    cols = ("annual_budget", "executed", "rate") + (("weight", "score") if points else ())
    rows += _funds_rows(form, w, cols, "资金投入情况", heads)
    rows.append(_cells(w, "资金管理情况", "管理内容", "自评情况"))
    rows += [_cells(w, "", m.name.text, m.text.text) for m in form.management]
    rows += _goals(form, w, "总体目标", "全年预期目标", "全年实际完成情况")
    heads = ("一级指标", "二级指标", "三级指标", "指标值", "全年实际完成值") + (("分值", "得分") if points else ())
    rows.append(_cells(w, "绩效指标", *heads, "未完成原因和改进措施"))
    if points:
        rows += _level_rows(form, w, lambda i: (i.target.text, i.actual.text, i.weight.text, i.score.text,
                                                i.deviation.text))
        rows.append(_cells(w, "总分", "", "", "", "", "", form.total.weight.text, form.total.score.text))
    else:
        rows += _level_rows(form, w, lambda i: (i.target.text, i.actual.text, i.deviation.text))
    return rows


def _checklist_layout(form: Form) -> list[list[str]]:
    """A transfer-payment form as a checklist: 说明 | 自查内容 | 完成情况 | 佐证材料, the amounts in
    sentences, no points (recognize/checklist.py)."""
    w = 4
    rows = [_cells(w, form.title), _cells(w, f"（{form.year}年度）"),
            _cells(w, "转移支付（项目）名称", form.project.text),
            _cells(w, "中央主管部门", form.department.text),
            _cells(w, "地方主管部门", form.local_department.text, "资金使用单位", form.unit.text),
            _cells(w, "说明", "自查内容", "完成情况", "佐证材料")]
    for k, fr in enumerate([form.funds.total, *form.funds.rows]):
        parts = [f"全年预算数{fr.annual_budget.text}{form.amount_unit}", f"全年执行数{fr.executed.text}{form.amount_unit}"]
        if fr.rate.text:
            parts.append(f"预算执行率{fr.rate.text}")
        rows.append(_cells(w, "" if k else "资金投入情况", fr.label if k else "年度资金总额", "，".join(parts) + "。",
                           "预算批复及资金下达文件" if not k else ""))
    for k, m in enumerate(form.management):
        rows.append(_cells(w, "" if k else "资金管理情况", m.name.text, m.text.text))
    rows.append(_cells(w, "总体目标", "全年预期目标", form.goals.planned.text))
    rows.append(_cells(w, "", "全年实际完成情况", form.goals.achieved.text))
    last1 = None
    for ind in form.indicators:
        text = f"指标值：{ind.target.text}；全年实际完成值：{ind.actual.text}"
        if ind.deviation.text:
            text += f"；未完成原因和改进措施：{ind.deviation.text}"
        rows.append(_cells(w, ind.level1.text if ind.level1.text != last1 else "",
                           f"{ind.level2.text}：{ind.name.text}", text))
        last1 = ind.level1.text
    return rows


# -- injected inconsistencies (the checks of issue 14) ------------------------------------------
KIND_RULES = ("F007", "K001", "K002", "K003", "K004", "K005", "K006")


def _set_rate(r: FundsRow) -> None:
    r.rate = rate(_rate_text(r.executed.value, r.annual_budget.value))


def _f007(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    r = next(r for r in form.funds.rows if r.rate.value is not None)
    wrong = r.rate.value + Decimal(rng.randint(50, 300)) / HUNDRED
    r.rate = rate(f"{decimal_text(wrong)}%")
    return ("F007",), f"“{r.label}”的执行率改为 {r.rate.text}"


def _flat_pick(rng: random.Random, form: Form) -> Indicator:
    """A met quantitative indicator (its achievement is a plain comparison)."""
    return rng.choice([i for i in form.indicators if i.target.kind == QUANT] or form.indicators)


def _k001(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    ind = _flat_pick(rng, form)
    ind.coefficient = rate("90")
    return ("K001", "K002"), f"“{ind.name.text}”已完成，得分系数改为 90 而得分仍为满分"


def _k002(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    ind = _flat_pick(rng, form)
    ind.coefficient = rate("90")
    ind.score = amount(decimal_text(round2(ind.weight.value * Decimal("0.9"))))
    # a met indicator not scored full, with no 偏差原因: S003 and S005 as well
    return ("K002", "S003", "S005"), f"“{ind.name.text}”已完成，得分系数与得分按 90% 计"


def _k003(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    ind = rng.choice([i for i in form.indicators if i.core.text == "是"] or form.indicators)
    ind.core = Text("是")
    ind.score = Amount()
    return ("K003",), f"核心指标“{ind.name.text}”的指标得分留空"


def _k004(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    central = form.funds.rows[0]
    other = form.funds.rows[1]
    moved = central.executed.value
    central.executed = amount("0")
    other.executed = amount(decimal_text(other.executed.value + moved))
    _set_rate(central)
    _set_rate(other)
    return ("K004",), f"中央财政资金执行数改为 0（{decimal_text(moved)} 万元记在地方资金），未说明原因"


def _k005(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    m = rng.choice(form.management)
    m.text = Text("")
    return ("K005",), f"资金管理情况“{m.name.text}”的自评情况留空"


def _k006(rng: random.Random, form: Form) -> tuple[tuple[str, ...], str]:
    ind = next(i for i in form.indicators if i.deviation.text)
    ind.deviation = Text("")
    return ("K006",), f"未完成的指标“{ind.name.text}”的未完成原因留空"


# rule → (kind, variant, how the form is drawn: shortfalls, the injector)
INJECTORS = {
    "F007": (TRANSFER, "points", None, _f007),
    "K001": (DEPARTMENT, "flat", None, _k001),
    "K002": (DEPARTMENT, "flat", None, _k002),
    "K003": (DEPARTMENT, "flat", None, _k003),
    "K004": (TRANSFER, "plain", None, _k004),
    "K005": (TRANSFER, "points", None, _k005),
    "K006": (TRANSFER, "plain", 1, _k006),
}


def draw_kind(rng: random.Random, gen: FormMaker, rule: str | None) -> tuple[Form, str, tuple[str, ...], str]:
    """A form of another kind: clean (rule None; kind and variant at random) or carrying `rule`
    (one of KIND_RULES). Returns the form, its layout variant, the rules it carries and what was done."""
    if rule is None:
        kind = rng.choice((DEPARTMENT, TRANSFER))
        variant = rng.choice(VARIANTS[kind])
        maker = department_form if kind == DEPARTMENT else transfer_form
        return maker(rng, variant, gen), variant, (), ""
    kind, variant, shortfalls, inject = INJECTORS[rule]
    if kind == DEPARTMENT:
        form = department_form(rng, variant, gen)
    else:
        form = transfer_form(rng, variant, gen, Params(shortfalls=shortfalls))
    carries, detail = inject(rng, form)
    if form.total.weight.value is not None:
        retotal(form)
    return form, variant, carries, detail
