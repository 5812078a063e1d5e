"""Which layout family of the project form (layouts.md "Project forms") a form was read as.

The family is what decides how a form is scored: which columns carry the points, whether weights
are printed or implied, which taxonomy its labels come from. Quirks that change only where a
text stands (column names, column order, a split target, extra columns, units in cells) are read
by the vocabulary and are not families of their own.
"""

from __future__ import annotations

from ..model import Form

STANDARD = "standard"
TWENTY_EIGHTY = "twenty-eighty"
DECISION = "decision-management"
NO_SCORES = "no-scores"
CUT_OFF = "cut-off"

# family id → how `jixiao parse` names it
NAMES = {
    STANDARD: "标准版式（一级/二级/三级指标，分值、得分列）",
    TWENTY_EIGHTY: "20/80 版式（执行率 20 分，年度绩效目标 80 分，无分值列，权重由规则集推定）",
    DECISION: "决策/管理/产出/效益版式（执行率作为项目管理下的指标计分）",
    NO_SCORES: "无评分列版式（只有指标值与完成值）",
    CUT_OFF: "不完整（缺少绩效指标表）",
}

# the 一级 labels of the 项目决策 / 项目管理 / 项目产出 / 项目效益 framework
DECISION_LEVEL1 = ("项目决策", "项目管理", "项目产出", "项目效益")


def family_of(form: Form, fields: dict[str, int] | None) -> str:
    """The family of a form read with an indicator header whose fields are `fields` (None: the
    form has no indicator table)."""
    if fields is None:
        return CUT_OFF
    if any(i.level1.text.startswith(DECISION_LEVEL1) for i in form.indicators):
        return DECISION
    if "weight" not in fields:
        return TWENTY_EIGHTY if "score" in fields else NO_SCORES
    return STANDARD


def name_of(family: str) -> str:
    return NAMES.get(family, family)
