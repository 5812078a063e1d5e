"""The standard layouts of the department-wide and transfer-payment forms, as plans of cells in
the same nine columns as the project form (layout.py), so the Excel and Word writers draw them
unchanged, formulas included:

    部门（单位）整体支出绩效自评表                 转移支付区域（项目）绩效自评表
    部门（单位）名称 | …                           转移支付（项目）名称 | …
                                                   中央主管部门 | … | 地方主管部门 | …
                                                   资金使用单位 | …
    部门预算资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
                    | 年度资金总额 | …             (transfer: 全年预算数（A） | 全年执行数（B） | … 预算执行率)
                    | 其中：一般公共预算 | … (each breakdown opens with 其中：)
                                                   资金管理情况 | 管理内容 | 自评情况 (one row per item)
    年度总体目标 | 预期目标 | 实际完成情况          总体目标 | 全年预期目标 | 全年实际完成情况
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | …   (transfer: 指标值 | 全年实际完成值 | 分值 | 得分 | 未完成原因和改进措施)
    总分 | … (not on a form without points)

A department-wide flat list takes the nine columns itself: 指标名称 | 指标性质 | 年初指标值 |
调整指标值 | 全年完成值 | 得分系数(%) | 指标权重(分) | 指标得分(分) | 是否核心指标, the unit printed
with each value, 指标得分 a formula (权重 × 得分系数).
Every 执行率 is a formula (B/A), the execution score MIN(B/A, 1) × 分值, the total a sum.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import DEPARTMENT, KIND_TITLES, TRANSFER, Amount, Form, FundsRow, ManagementItem, Text
from ..recognize.transfer import MANAGEMENT_ITEMS
from .layout import N_COLS, Plan, _amount, _rate, display, indicator_rows, ref, total_row

DEPARTMENT_ROWS = (("一般公共预算", "source"), ("政府性基金", "source"), ("国有资本经营预算", "source"),
                   ("财政专户管理资金", "source"), ("单位资金", "source"), ("基本支出", "use"), ("项目支出", "use"))
TRANSFER_ROWS = ("中央财政资金", "地方资金", "其他资金")
FLAT_OPS = {">=": "正向", "<=": "反向"}


def is_flat(form: Form) -> bool:
    """A department-wide form read from a flat list (no 一级指标, a 得分系数 or 核心指标 column)."""
    return (form.kind == DEPARTMENT and bool(form.indicators) and not any(i.level1.text for i in form.indicators)
            and any(i.coefficient.text or i.core.text for i in form.indicators))


def has_points(form: Form) -> bool:
    return form.kind != TRANSFER or form.funds.total.weight.value is not None or any(
        i.weight.value is not None for i in form.indicators)


def blank_kind_form(kind: str) -> Form:
    """The form a unit fills in: the kind's labels and 其中 rows, the execution weight 10."""
    form = Form(kind=kind, title=KIND_TITLES[kind], amount_unit="万元")
    form.funds.total.weight = Amount(text="10", value=Decimal(10))
    if kind == DEPARTMENT:
        form.funds.rows = [FundsRow(label=label, group=group) for label, group in DEPARTMENT_ROWS]
    else:
        form.funds.rows = [FundsRow(label=label) for label in TRANSFER_ROWS]
        form.management = [ManagementItem(name=Text(name)) for name in MANAGEMENT_ITEMS]
    return form


def plan_kind(form: Form, blank_rows: int = 0) -> Plan:
    """The plan of a department-wide or transfer-payment form (`blank_rows`: empty indicator rows)."""
    p = Plan()
    transfer = form.kind == TRANSFER
    points = has_points(form)
    r = 0
    p.add(r, 0, form.title or KIND_TITLES[form.kind], cols=N_COLS, style="title")
    r += 1
    p.add(r, 0, f"（{form.year}年度）" if form.year else "（    年度）", cols=N_COLS, style="subtitle")
    r += 1
    p.add(r, 0, "转移支付（项目）名称" if transfer else "部门（单位）名称", cols=2, style="label")
    p.add(r, 2, form.project.text, cols=7, style="text", field="project")
    r += 1
    if transfer:
        p.add(r, 0, "中央主管部门", cols=2, style="label")
        p.add(r, 2, form.department.text, cols=3, style="text", field="department")
        p.add(r, 5, "地方主管部门", cols=2, style="label")
        p.add(r, 7, form.local_department.text, cols=2, style="text", field="local_department")
        r += 1
        p.add(r, 0, "资金使用单位", cols=2, style="label")
        p.add(r, 2, form.unit.text, cols=7, style="text", field="unit")
        r += 1
    r = _funds(p, form, r, transfer, points)
    if transfer:
        r = _management(p, form, r)
    p.add(r, 0, "总体目标" if transfer else "年度总体目标", rows=2, style="label")
    p.add(r, 1, "全年预期目标" if transfer else "预期目标", cols=4, style="header")
    p.add(r, 5, "全年实际完成情况" if transfer else "实际完成情况", cols=4, style="header")
    r += 1
    p.add(r, 1, form.goals.planned.text, cols=4, style="text", field="goals.planned")
    p.add(r, 5, form.goals.achieved.text, cols=4, style="text", field="goals.achieved")
    r += 1
    if is_flat(form):
        return _flat(p, form, r, blank_rows)
    return _levels(p, form, r, blank_rows, transfer, points)


def _funds(p: Plan, form: Form, r: int, transfer: bool, points: bool) -> int:
    rows = form.funds.rows
    p.funds_header = r
    block = "资金投入情况" if transfer else "部门预算资金"
    p.add(r, 0, f"{block}（{form.amount_unit or '万元'}）", rows=2 + len(rows), style="label")
    p.add(r, 1, "", cols=2, style="header")
    heads = (("", "全年预算数（A）", "全年执行数（B）", "分值" if points else "", "预算执行率（B/A×100%）",
              "得分" if points else "") if transfer else
             ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"))
    for c, title in zip(range(3, 9), heads):
        p.add(r, c, title, style="header")
    r += 1
    p.funds_total = f = r
    t = form.funds.total
    p.add(r, 1, "年度资金总额", cols=2, style="label")
    _row_cells(p, r, t, "funds", transfer)
    budget, executed = ref(4, f), ref(5, f)
    if points:
        _amount(p, r, 6, t.weight, "funds.weight")
        score = _amount(p, r, 8, t.score, "funds.score")
        score.formula = f"=IFERROR(ROUND(MIN({executed}/{budget},1)*{ref(6, f)},2),0)"
    else:
        p.add(r, 6, "", style="number")
        p.add(r, 8, "", style="number")
    r += 1
    previous = None
    for k, sub in enumerate(rows):
        opens = k == 0 or sub.group != previous
        previous = sub.group
        p.add(r, 1, ("其中：" if opens else "") + sub.label, cols=2, style="label")
        _row_cells(p, r, sub, f"funds.rows[{k}]", transfer)
        _amount(p, r, 6, sub.weight, f"funds.rows[{k}].weight")
        _amount(p, r, 8, sub.score, f"funds.rows[{k}].score")
        r += 1
    return r


def _row_cells(p: Plan, r: int, fr: FundsRow, fld: str, transfer: bool) -> None:
    """年初预算数 (not on a transfer payment), 全年预算数, 全年执行数 and the 执行率 formula."""
    if transfer:
        p.add(r, 3, "", style="number")
    else:
        _amount(p, r, 3, fr.initial_budget, f"{fld}.initial_budget")
    _amount(p, r, 4, fr.annual_budget, f"{fld}.annual_budget")
    _amount(p, r, 5, fr.executed, f"{fld}.executed")
    slot = _rate(p, r, 7, fr.rate, f"{fld}.rate")
    slot.formula = f'=IFERROR({ref(5, r)}/{ref(4, r)},"")'


def _management(p: Plan, form: Form, r: int) -> int:
    items = form.management
    p.add(r, 0, "资金管理情况", rows=1 + len(items), style="label")
    p.add(r, 1, "管理内容", cols=2, style="header")
    p.add(r, 3, "自评情况", cols=6, style="header")
    r += 1
    for k, m in enumerate(items):
        p.add(r, 1, m.name.text, cols=2, style="label", field=f"management[{k}].name")
        p.add(r, 3, m.text.text, cols=6, style="text", field=f"management[{k}].text")
        r += 1
    return r


def _levels(p: Plan, form: Form, r: int, blank_rows: int, transfer: bool, points: bool) -> Plan:
    inds = form.indicators
    n_rows = len(inds) + blank_rows
    p.indicator_header = r
    p.add(r, 0, "绩效指标", rows=1 + n_rows, style="label")
    values = (("指标值", "全年实际完成值", "分值" if points else "", "得分" if points else "", "未完成原因和改进措施")
              if transfer else ("年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"))
    for c, title in zip(range(1, 9), ("一级指标", "二级指标", "三级指标", *values)):
        p.add(r, c, title, style="header")
    r = indicator_rows(p, inds, r + 1, blank_rows)
    return _total(p, form, r, n_rows, points)


def _flat(p: Plan, form: Form, r: int, blank_rows: int) -> Plan:
    inds = form.indicators
    p.indicator_header = r
    for c, title in enumerate(("指标名称", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数(%)",
                               "指标权重(分)", "指标得分(分)", "是否核心指标")):
        p.add(r, c, title, style="header")
    r += 1
    p.first_indicator = r
    for k, ind in enumerate(inds):
        t = ind.target
        nature = FLAT_OPS.get(t.op, "定性" if t.kind != "quant" else "")
        target = display(t).lstrip("≥≤") if t.op in FLAT_OPS else display(t)  # the direction: 指标性质
        p.add(r, 0, ind.name.text, style="text", field=f"indicators[{k}].name")
        p.add(r, 1, nature, style="text", field=f"indicators[{k}].target")
        p.add(r, 2, target, style="measure", field=f"indicators[{k}].target")
        p.add(r, 3, display(ind.adjusted) or "—", style="measure", field=f"indicators[{k}].adjusted")
        p.add(r, 4, display(ind.actual), style="measure", field=f"indicators[{k}].actual")
        _amount(p, r, 5, ind.coefficient, f"indicators[{k}].coefficient")
        _amount(p, r, 6, ind.weight, f"indicators[{k}].weight")
        score = _amount(p, r, 7, ind.score, f"indicators[{k}].score")
        if ind.coefficient.value is not None:
            score.formula = f"=ROUND({ref(6, r)}*{ref(5, r)}/100,2)"
        p.add(r, 8, ind.core.text, style="text", field=f"indicators[{k}].core")
        p.indicator_rows.append(r)
        r += 1
    for _ in range(blank_rows):
        for c in range(9):
            p.add(r, c, "", style="number" if c in (5, 6, 7) else "text")
        r += 1
    p.last_indicator = r - 1
    return _total(p, form, r, len(inds) + blank_rows, True)


def _total(p: Plan, form: Form, r: int, n_rows: int, points: bool) -> Plan:
    if not points:  # a table without points has no 总分 row
        p.n_rows = r
        return p
    return total_row(p, form, r, n_rows)
