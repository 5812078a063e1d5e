"""What only a department-wide form (部门（单位）整体支出绩效自评表) has: its funds in two
breakdowns, by source (一般公共预算, 政府性基金…) and by use (基本支出, 项目支出), and the columns
of its flat indicator list (调整指标值, 得分系数(%), 是否核心指标) as fields of the indicators."""

from __future__ import annotations

from ..model import BY_SOURCE, BY_USE, DEPARTMENT, Form, Text
from ..values import is_blank, measure, rate

SOURCE_LABELS = ("一般公共预算", "政府性基金", "国有资本经营预算", "财政专户管理资金", "财政专户", "单位资金",
                 "其他资金", "上年结转")
USE_LABELS = ("基本支出", "项目支出")
# The flat list's columns the indicator table keeps as extras (vocab.INDICATORS.extras), and the
# Indicator field each fills.
ADJUSTED, COEFFICIENT, CORE = "调整指标值", "得分系数", "是否核心指标"


def group_of(label: str) -> str:
    """The breakdown a funds row belongs to by its label (spaces and 其中 removed)."""
    if label.startswith(USE_LABELS):
        return BY_USE
    return BY_SOURCE


def group_funds(form: Form) -> None:
    """Mark each 其中 row of a department-wide form with its breakdown."""
    if form.kind != DEPARTMENT:
        return
    for r in form.funds.rows:
        r.group = group_of(r.label)


def take_columns(form: Form, extras: list[dict[str, str]]) -> None:
    """Move the flat list's 调整指标值, 得分系数 and 是否核心指标 from the rows' extra columns
    (`extras`, one dict per indicator, changed in place) to the indicators. A project form keeps
    such columns as extras."""
    if form.kind != DEPARTMENT:
        return
    for ind, ex in zip(form.indicators, extras):
        text = ex.pop(ADJUSTED, "")
        if text and not is_blank(text):  # '—': not adjusted
            unit = ind.target.unit
            if unit and measure(text).kind == "quant" and not measure(text).unit:
                text += unit  # the unit printed once, in 计量单位
            ind.adjusted = measure(text, ind.loc)
        if COEFFICIENT in ex:
            ind.coefficient = rate(ex.pop(COEFFICIENT), ind.loc)
        if CORE in ex:
            ind.core = Text(ex.pop(CORE), ind.loc)
