"""How each layout family (families.py) lays out a generated form: the pieces of the standard
grid (title, header, funds, goals, indicators, total) and one renderer per family (`r_…`), with
what a family's reader must get back (`e_…`) and how its forms are shaped before they are laid
out (`p_…`). A grid is rows of cell texts, `<` merged with the cell on the left, `^` with the cell
above.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from ..model import QUAL, QUANT, Amount, Form, FundsRow, Total
from ..values import amount, decimal_text, rate, round2
from .generate import money

Grid = list[list[str]]
L, U = "<", "^"

# -- the pieces of the standard grid -------------------------------------------------------------
def fill(row: list[str], width: int) -> list[str]:
    """A row stretched to `width` cells: its last cell spans the rest."""
    return row + [L] * (width - len(row))


def title(form: Form, width: int) -> Grid:
    return [fill([form.title or "财政项目支出绩效自评表"], width), fill([f"（{form.year}年度）"], width)]


def head(form: Form, width: int) -> Grid:
    return [fill(["项目名称", L, form.project.text], width),
            fill(["主管部门", L, form.department.text, L, L, "实施单位", L, form.unit.text], width)]


FUNDS_HEAD = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")


def funds_cells(fr: FundsRow) -> list[str]:
    return [fr.initial_budget.text, fr.annual_budget.text, fr.executed.text, fr.weight.text, fr.rate.text, fr.score.text]


def funds(form: Form, width: int, heads=FUNDS_HEAD, cells=funds_cells) -> Grid:
    rows = [fill([f"项目资金（{form.amount_unit}）", "", L, *heads], width),
            fill([U, "年度资金总额", L, *cells(form.funds.total)], width)]
    for k, fr in enumerate(form.funds.rows):
        rows.append(fill([U, ("其中：" if k == 0 else "") + fr.label, L, *cells(fr)], width))
    return rows


def goals(form: Form, width: int, planned: str = "预算目标") -> Grid:
    half = (width - 1) // 2
    return [fill(["年度总体目标", planned] + [L] * (half - 1) + ["实际完成情况"], width),
            fill([U, form.goals.planned.text] + [L] * (half - 1) + [form.goals.achieved.text], width)]


IND_HEAD = ("年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")


def ind_cells(i) -> list[str]:
    return [i.target.text, i.actual.text, i.weight.text, i.score.text, i.deviation.text]


def indicators(form: Form, width: int, heads=IND_HEAD, cells=ind_cells, label: str = "绩效指标",
               level1: Callable[[str], str] = lambda s: s) -> Grid:
    rows = [fill([label, "一级指标", "二级指标", "三级指标", *heads], width)]
    last1 = last2 = None
    for ind in form.indicators:
        l1 = level1(ind.level1.text) if ind.level1.text != last1 else U
        l2 = ind.level2.text if (ind.level2.text != last2 or l1 != U) else U
        last1, last2 = ind.level1.text, ind.level2.text
        rows.append(fill([U, l1, l2, ind.name.text, *cells(ind)], width))
    return rows


def total(form: Form, width: int, before: int = 6, after: list[str] | None = None) -> Grid:
    """The 总分 row: `before` cells merged, then weight and score (or `after`)."""
    cells = after if after is not None else [form.total.weight.text, form.total.score.text]
    return [fill(["总分"] + [L] * (before - 1) + cells + [""] * (width - before - len(cells)), width)]


def standard_grid(form: Form, width: int = 9, **kw) -> Grid:
    return (title(form, width) + head(form, width) + funds(form, width) + goals(form, width)
            + indicators(form, width, **kw) + total(form, width))


def one(fn: Callable[[Form, random.Random], Grid]) -> Callable[[list[Form], random.Random], list[tuple[str, Grid]]]:
    """A renderer of one form per file (one sheet)."""
    return lambda forms, rng: [("Sheet1", fn(forms[0], rng))]


def parents(form: Form) -> set[str]:
    return {i.parent for i in form.indicators if i.parent}


def no_parents(form: Form) -> Form:
    names = parents(form)
    form.indicators = [i for i in form.indicators if i.name.text not in names]
    return form


# -- families ---------------------------------------------------------------------------------------
def r_standard(form, rng):
    return standard_grid(form)


def r_column_names(form, rng):
    g = (title(form, 9) + head(form, 9)
         + funds(form, 9, heads=("年初预算数", "全年(调整)预算数", "全年执行数", "权重", "执行率", "得分"))
         + goals(form, 9, planned="预期目标")
         + indicators(form, 9, heads=("指标值", "全年完成值", "权重", "得分", "偏差大或目标未完成原因分析"))
         + total(form, 9))
    return g


def r_weight_first(form, rng):
    cells = lambda i: [i.weight.text, i.target.text, i.actual.text, i.score.text, i.deviation.text]  # noqa: E731
    return (title(form, 9) + head(form, 9) + funds(form, 9) + goals(form, 9)
            + indicators(form, 9, heads=("分值", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"), cells=cells)
            + total(form, 9, before=4, after=[form.total.weight.text, "", "", form.total.score.text]))


SIGNS = {">=": "≧", "<=": "≦", "=": "═", ">": ">", "<": "<"}


def _split_target(i) -> list[str]:
    t, a = i.target, i.actual
    if t.kind != QUANT or t.op not in SIGNS or t.number is None:
        return ["定性", t.text, "", a.text]
    actual = decimal_text(a.number) if a.kind == QUANT and a.number is not None and a.unit == t.unit and not a.op else a.text
    return [SIGNS[t.op], decimal_text(t.number), t.unit, actual]


def r_split_target(form, rng):
    w = 11
    rows = title(form, w) + head(form, w) + funds(form, w) + goals(form, w)
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", L, L, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    rows.append([U, U, U, U, "指标性质", "指标值", "计量单位", U, U, U, U])
    for row in indicators(form, w, cells=lambda i: [*_split_target(i), i.weight.text, i.score.text, i.deviation.text])[1:]:
        rows.append(row)
    return rows + total(form, w, before=8)


EXTRA_HEAD = ("指标值设置依据", "上年完成值", "年度指标值", "实际完成值", "完成率", "分值", "得分系数(%)", "得分", "指标赋分规则",
              "偏差原因分析及改进措施", "佐证资料", "是否核心指标")


def _extra_cells(i) -> list[str]:
    coef = decimal_text(round2(i.score.value / i.weight.value * 100)) if i.weight.value else ""
    return ["计划标准", i.target.text.lstrip("≥≤=<>"), i.target.text, i.actual.text, "", i.weight.text, coef, i.score.text,
            "按完成比例得分", i.deviation.text, "台账", "否"]


def r_extra_columns(form, rng):
    w = 16
    return (title(form, w) + head(form, w) + funds(form, w) + goals(form, w)
            + indicators(form, w, heads=EXTRA_HEAD, cells=_extra_cells)
            + total(form, w, before=9, after=[form.total.weight.text, L, form.total.score.text]))


def _wan(a: Amount, unit: str) -> bool:
    """An amount of a block in 元 the units-in-cells family types in 万 (a whole number of 万)."""
    return unit == "元" and a.value is not None and a.value != 0 and a.value % 10_000 == 0


def _with_unit(a: Amount, unit: str) -> str:
    """An amount typed with a unit: '1,000,000.00元', '95万元', or '120万' (= 1,200,000 元)."""
    if a.value is None or not a.value:
        return a.text
    if _wan(a, unit):
        return f"{decimal_text(a.value / 10_000)}万"
    return a.text + unit


def converts(form: Form) -> bool:
    """The reader converts a 万 amount of the units-in-cells family and says so (P002, info)."""
    rows = [form.funds.total, *form.funds.rows]
    return any(_wan(a, form.amount_unit) for r in rows for a in (r.initial_budget, r.annual_budget, r.executed))


def r_units_in_cells(form, rng):
    unit = form.amount_unit

    def cells(fr):
        return [_with_unit(fr.initial_budget, unit), _with_unit(fr.annual_budget, unit),
                _with_unit(fr.executed, unit), fr.weight.text, fr.rate.text, fr.score.text]

    return (title(form, 9) + head(form, 9) + funds(form, 9, cells=cells) + goals(form, 9) + indicators(form, 9)
            + total(form, 9))


def r_twenty_eighty(form, rng):
    w = 8
    score_head = f"得分 ({decimal_text(form.funds.total.weight.value)}分*执行率)"
    rows = [fill([form.title or "项目支出绩效自评表"], w), fill([f"（{form.year}年度）"], w),
            fill(["项目名称", form.project.text], w), fill(["主管部门", form.department.text, L, L, "实施单位", form.unit.text], w),
            fill([f"项目资金（{form.amount_unit}）", "", "年初预算数", "全年预算数", "全年执行数", "执行率", score_head], w)]
    t = form.funds.total
    rows.append(fill([U, "年度资金总额", t.initial_budget.text, t.annual_budget.text, t.executed.text, t.rate.text, t.score.text], w))
    for k, fr in enumerate(form.funds.rows):
        rows.append(fill([U, ("其中：" if k == 0 else "") + fr.label, fr.initial_budget.text, fr.annual_budget.text,
                          fr.executed.text, "", ""], w))
    rows += [fill(["年度总体目标", "预期目标", L, L, "实际完成情况"], w),
             fill([U, form.goals.planned.text, L, L, form.goals.achieved.text], w)]
    points = sum((i.weight.value for i in form.indicators), Decimal(0))
    rows += indicators(form, w, heads=("年初目标值(A)", "实际完成值(B)", "得分"), label=f"年度绩效目标 ({decimal_text(points)}分)",
                       cells=lambda i: [i.target.text, i.actual.text, i.score.text])
    rows.append(fill(["总分", L, L, L, L, L, form.total.score.text], w))
    reasons = "；".join(i.deviation.text for i in form.indicators if i.deviation.text)
    rows.append(fill(["偏差原因分析及改进措施", reasons or "无"], w))
    return rows


def e_twenty_eighty(form):
    for i in form.indicators:
        i.weight = Amount()
        i.deviation = type(i.deviation)("")
    form.total = Total(weight=Amount(), score=form.total.score)
    return form


def r_level1_points(form, rng):
    sums: dict[str, Decimal] = {}
    for i in form.indicators:
        sums[i.level1.text] = sums.get(i.level1.text, Decimal(0)) + i.weight.value
    rows = indicators(form, 9, level1=lambda s: f"{s}({decimal_text(sums[s])}分)")
    used = {i.level2.text for i in form.indicators}
    blank = next((l2 for l2 in ("成本指标", "时效指标", "质量指标") if l2 not in used), None)
    # a placeholder row under the first group and an empty category row at the end of 产出
    first_group_end = next(k for k, r in enumerate(rows[2:], 2) if r[2] != U) if any(r[2] != U for r in rows[2:]) else len(rows)
    rows.insert(first_group_end, [U, U, U, "指标2", "……", "", "", "", ""])
    if blank:
        out_end = next((k for k, r in enumerate(rows[1:], 1) if r[1] not in (U, rows[1][1])), len(rows))
        rows.insert(out_end, [U, U, blank, "", "", "", "", "", ""])
    return title(form, 9) + head(form, 9) + funds(form, 9) + goals(form, 9) + rows + total(form, 9)


GRADES = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def grade(score: Decimal | None) -> str:
    return next((g for low, g in GRADES if score is not None and score >= low), "")


def r_header_total(form, rng):
    s = form.total.score
    return (title(form, 9) + head(form, 9) + [["自评得分", L, s.text, L, L, "自评等级", L, grade(s.value), L]]
            + funds(form, 9) + goals(form, 9) + indicators(form, 9))


def e_no_total_weight(form):
    form.total = Total(weight=Amount(), score=form.total.score)
    return form


def r_lone_total(form, rng):
    return standard_grid(form)[:-1] + total(form, 9, after=["", form.total.score.text])


def _with_executions(form: Form, rng: random.Random, labels: tuple[str, ...]) -> None:
    """Sub-rows under their own labels, each with its share of the execution and its own rate."""
    t = form.funds.total
    rows = form.funds.rows + [FundsRow(label="") for _ in range(len(labels) - len(form.funds.rows))]
    left = t.executed.value
    for k, (fr, label) in enumerate(zip(rows, labels)):
        fr.label = label
        if fr.initial_budget.value is None:
            fr.initial_budget = amount("0")
            fr.annual_budget = amount("0")
            fr.weight = amount("—")
    share = [fr for fr in rows if fr.annual_budget.value]
    for k, fr in enumerate(share):
        if k == len(share) - 1:
            ex = left
        else:
            ex = min(left, (fr.annual_budget.value * t.executed.value / t.annual_budget.value).quantize(Decimal("0.01")))
        left -= ex
        fr.executed = amount(money(ex))
        fr.rate = rate(f"{round2(ex / fr.annual_budget.value * 100)}%")
    for fr in rows:
        if fr.executed.value is None:
            fr.executed = amount("0")
    form.funds.rows = rows


def p_funds_sub_rows(form, rng):
    _with_executions(form, rng, ("本年财政拨款", "上年结转资金", "财政专户管理资金", "单位资金"))


def r_decision(form, rng):
    w = 9
    t = form.funds.total
    rows = title(form, w) + head(form, w)
    rows.append(["自评得分", L, form.total.score.text, L, L, "自评等级", L, grade(form.total.score.value), L])
    rows.append([f"项目资金（{form.amount_unit}）", "", L, "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)", L, L])
    rows.append([U, "年度资金总额", L, t.initial_budget.text, t.annual_budget.text, t.executed.text, t.rate.text, L, L])
    for k, fr in enumerate(form.funds.rows):
        rows.append([U, ("其中：" if k == 0 else "") + fr.label, L, fr.initial_budget.text, fr.annual_budget.text,
                     fr.executed.text, "", L, L])
    sums: dict[str, Decimal] = {}
    for i in form.indicators:
        sums[i.level1.text] = sums.get(i.level1.text, Decimal(0)) + i.weight.value
    return rows + goals(form, w, planned="预期目标") + indicators(form, w, level1=lambda s: f"{s}({decimal_text(sums[s])}分)")


def e_decision(form):
    t = form.funds.total
    t.weight, t.score = Amount(), Amount()
    for fr in form.funds.rows:
        fr.weight = Amount()
    return e_no_total_weight(form)


def r_score_split(form, rng):
    w = 11

    def cells(i):
        single = decimal_text(round2(i.score.value / i.weight.value * 100)) if i.weight.value else ""
        return [i.target.text, i.actual.text, i.weight.text, single, f"{i.weight.text}%", i.score.text, i.deviation.text]

    return (title(form, w) + head(form, w) + funds(form, w) + goals(form, w)
            + indicators(form, w, heads=("年度指标值", "实际完成值", "分值", "单项指标得分", "权重占比", "折算得分",
                                         "偏差原因分析及改进措施"), cells=cells)
            + total(form, w, after=[form.total.weight.text, "", "", form.total.score.text]))


def r_review_score(form, rng):
    w = 10

    def cells(i):
        review = i.score.value - (Decimal(1) if i.score.value and rng.random() < 0.2 else 0)
        return [i.target.text, i.actual.text, i.weight.text, i.score.text, decimal_text(review), i.deviation.text]

    return (title(form, w) + head(form, w) + funds(form, w) + goals(form, w)
            + indicators(form, w, heads=("年度指标值", "实际完成值", "分值", "自评得分", "复评得分", "偏差原因分析及改进措施"),
                         cells=cells)
            + total(form, w, after=[form.total.weight.text, form.total.score.text, ""]))


def _score_groups(form: Form) -> list[tuple[int, int]]:
    """(first, end) of each run of two or more rows of one 二级 group, every row met (full points,
    no 偏差原因): the group-score family prints one 分值 and one 得分 for them, merged down."""
    runs, k, inds = [], 0, form.indicators
    while k < len(inds):
        j = k + 1
        key = (inds[k].level1.text, inds[k].level2.text)
        while j < len(inds) and (inds[j].level1.text, inds[j].level2.text) == key:
            j += 1
        if j - k > 1 and all(i.score.value == i.weight.value is not None and not i.deviation.text for i in inds[k:j]):
            runs.append((k, j))
        k = j
    return runs


def _group_sums(form: Form, first: int, end: int) -> tuple[str, str]:
    rows = form.indicators[first:end]
    return (decimal_text(sum((i.weight.value for i in rows), Decimal(0))),
            decimal_text(sum((i.score.value for i in rows), Decimal(0))))


def r_group_score(form, rng):
    grid = standard_grid(form)
    head = next(k for k, row in enumerate(grid) if row[1] == "一级指标")
    for first, end in _score_groups(form):
        weight, score = _group_sums(form, first, end)
        grid[head + 1 + first][6:8] = [weight, score]
        for k in range(first + 1, end):
            grid[head + 1 + k][6:8] = [U, U]
    return grid


def e_group_score(form):
    for first, end in _score_groups(form):
        weight, score = _group_sums(form, first, end)
        form.indicators[first].weight, form.indicators[first].score = amount(weight), amount(score)
        for ind in form.indicators[first + 1:end]:
            ind.weight, ind.score = Amount(), Amount()
    return form


def r_criteria(form, rng):
    w = 10
    t = form.funds.total

    def fcells(fr):
        return [fr.annual_budget.text, fr.executed.text, fr.rate.text, fr.weight.text, fr.score.text]

    rows = title(form, w) + head(form, w)
    rows.append([f"项目资金（{form.amount_unit}）", "", L, "年初预算数(A)", "全年执行数(B)", "执行率(B/A)", "分值", "得分", "评价标准", L])
    rows.append([U, "年度资金总额", L, *fcells(t), "执行率×分值", L])
    for k, fr in enumerate(form.funds.rows):
        rows.append([U, ("其中：" if k == 0 else "") + fr.label, L, fr.annual_budget.text, fr.executed.text, "", "", "", "", L])
    crit = lambda i: "定性评价" if i.target.kind == QUAL else "按完成比例得分"  # noqa: E731
    return (rows + goals(form, w)
            + indicators(form, w, heads=("年度指标值", "实际完成值", "分值", "得分", "评价标准", "偏差原因分析及改进措施"),
                         cells=lambda i: [i.target.text, i.actual.text, i.weight.text, i.score.text, crit(i), i.deviation.text])
            + total(form, w, after=[form.total.weight.text, form.total.score.text, "", ""]))


def e_criteria(form):
    for fr in [form.funds.total, *form.funds.rows]:
        fr.initial_budget, fr.annual_budget = fr.annual_budget, Amount()
    for fr in form.funds.rows:
        fr.weight = Amount()
    return form


def p_budget_unadjusted(form, rng):
    """A family that prints one budget: the budget was not adjusted during the year."""
    for fr in [form.funds.total, *form.funds.rows]:
        fr.initial_budget = fr.annual_budget


def r_blank_actuals(form, rng):
    return standard_grid(form, cells=lambda i: [i.target.text, "", i.weight.text, "", ""])[:-1] + total(
        form, 9, after=[form.total.weight.text, ""])


def e_blank_actuals(form):
    from ..model import Measure, Text

    for i in form.indicators:
        i.actual, i.score, i.deviation = Measure(), Amount(), Text("")
    form.total = Total(weight=form.total.weight, score=Amount())
    return form


def r_check_boxes(form, rng):
    g = standard_grid(form)
    box = "□新增项目 ☑延续项目" if rng.random() < 0.5 else "☑新增项目 □延续项目"
    return g[:4] + [["项目类型", L, box, L, L, L, L, L, L]] + g[4:]


def r_traditional(form, rng):
    import opencc

    s2t = opencc.OpenCC("s2t")
    return [[c if c in (L, U) else s2t.convert(c) for c in row] for row in standard_grid(form)]


def r_rate_fraction(form, rng):
    def cells(fr):
        c = funds_cells(fr)
        if fr.rate.value is not None:  # two places at least, as a cell formatted 0.00 shows 100 % (1.00)
            c[4] = decimal_text(fr.rate.value / 100)
            c[4] += "" if "." in c[4] else ".00"
        return c

    return (title(form, 9) + head(form, 9) + funds(form, 9, cells=cells) + goals(form, 9) + indicators(form, 9)
            + total(form, 9))


def r_funds_arrival(form, rng):
    def cells(fr):
        return [fr.annual_budget.text, fr.annual_budget.text, fr.executed.text, fr.rate.text, fr.weight.text, fr.score.text]

    g = (title(form, 9) + head(form, 9) + funds(form, 9, heads=("预算数", "到位数", "执行数", "执行进度", "分值", "得分"), cells=cells)
         + goals(form, 9) + indicators(form, 9) + total(form, 9))
    return g


def e_funds_arrival(form):
    for fr in [form.funds.total, *form.funds.rows]:
        fr.initial_budget = Amount()
    return form


def r_cut_off(form, rng):
    return title(form, 9) + head(form, 9) + funds(form, 9) + goals(form, 9)


def e_cut_off(form):
    form.indicators = []
    form.total = Total()
    return form


def r_zero_total(form, rng):
    def cells(fr):
        c = funds_cells(fr)
        if fr is form.funds.total:
            c[:3] = ["0", "0", "0"]
        return c

    return (title(form, 9) + head(form, 9) + funds(form, 9, cells=cells) + goals(form, 9) + indicators(form, 9)
            + total(form, 9))


def p_zero_total(form, rng):
    _with_executions(form, rng, ("当年财政拨款", "上年结转资金"))
    for fr in form.funds.rows:
        fr.rate = Amount()
    if not form.funds.rows[1].annual_budget.value:  # two filled sub-rows, or the zero total would be their copy
        form.funds.rows = form.funds.rows[:1]


def r_total_in_funds(form, rng):
    def cells(fr):
        c = funds_cells(fr)
        if fr is form.funds.total:
            c[3], c[5] = form.total.weight.text, form.total.score.text
        return c

    return title(form, 9) + head(form, 9) + funds(form, 9, cells=cells) + goals(form, 9) + indicators(form, 9)


def e_total_in_funds(form):
    form.funds.total.weight = Amount()
    form.funds.total.score = Amount()
    return form


def r_several(forms, rng):
    """Two forms one after the other on one sheet (tail-before-title: with a page break before
    the first form's last rows, plans_of)."""
    return [("Sheet1", standard_grid(forms[0]) + standard_grid(forms[1]))]


def r_cover(forms, rng):
    f = forms[0]
    cover = [[f"{f.year}年度项目支出绩效自评报告", L, L], ["单位名称", f.unit.text, L],
             ["填报日期", f"{f.year + 1}年3月{rng.randint(1, 28)}日", L]]
    return [("封面", cover)] + [(f"表{k}", standard_grid(form)) for k, form in enumerate(forms, 1)]


def p_parent(form, rng):
    from .inject import add_parent

    add_parent(form, Decimal(0))
