"""The check catalogue (rules.md §6): every rule id with its default severity, category and title.
The rule-set loader validates a file's [checks] against it; the checks register one function per
rule id of it (jixiao/checks/).

Rule ids are stable: a new check gets a new id. A rule set may switch a check off or change its
severity (`[checks.S002] severity = "warning"`); the parameters a check takes are listed here so
that a rule-set file can be validated against them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str  # the default: error / warning / info
    category: str
    title: str  # Chinese, one line
    params: tuple[str, ...] = ()  # parameter names a rule set may give this check


_RULES = [
    Rule("P001", "error", "读取", "无法读取自评表"),
    Rule("P002", "info", "读取", "读取时修复了版面"),
    Rule("P003", "info", "读取", "识别不确定，请核对", ("threshold",)),
    Rule("P004", "info", "读取", "自评表不完整，只检查了读到的部分"),
    Rule("F001", "error", "资金", "其中各项之和不等于年度资金总额"),
    Rule("F002", "warning", "资金", "全年执行数大于全年预算数"),
    Rule("F003", "warning", "资金", "填报的执行率与计算值不符"),
    Rule("F004", "error", "资金", "预算执行率得分与计算值不符", ("tolerance",)),
    Rule("F005", "warning", "资金", "预算执行率分值不是规则集默认值"),
    Rule("F006", "info", "资金", "预算执行率偏低", ("threshold",)),
    Rule("F008", "warning", "资金", "金额所带单位与资金表单位不一致，意图不明"),
    Rule("W001", "error", "分值", "分值合计不等于总分"),
    Rule("W002", "warning", "分值", "一级指标分值与默认权重不同"),
    Rule("W003", "error", "分值", "上级指标的分值或得分不等于其下级指标之和"),
    Rule("T001", "error", "指标体系", "二级指标不属于所在的一级指标"),
    Rule("T002", "warning", "指标体系", "一级指标下没有任何指标"),
    Rule("S001", "error", "得分", "得分小于0或大于分值"),
    Rule("S002", "error", "得分", "定量指标得分与计算值不符", ("tolerance",)),
    Rule("S003", "error", "得分", "已完成指标却未得满分"),
    Rule("S004", "warning", "得分", "定性指标得分不在完成程度对应的区间"),
    Rule("S005", "error", "得分", "扣分但未填写偏差原因"),
    Rule("S006", "error", "得分", "总分不等于各项得分之和", ("tolerance",)),
    Rule("S007", "error", "得分", "一级指标得分之和超过其隐含分值（表上未印分值）"),
    Rule("S008", "error", "得分", "表头自评得分与总分不符，或总分无法由各项得到"),
    Rule("S009", "warning", "得分", "得分超过其隐含分值（表上未印分值，按一级指标分值平分估计）"),
    Rule("V001", "info", "指标值", "实际完成值带有比较符号"),
    Rule("V002", "error", "指标值", "指标值与实际完成值单位不同或不是数值"),
    Rule("V003", "warning", "指标值", "实际完成值远超指标值，指标值可能偏低", ("ratio",)),
    Rule("V004", "info", "指标值", "无法自动重新评分"),
    Rule("D001", "info", "偏差原因", "同一张表中偏差原因重复", ("min_chars",)),
    Rule("D002", "info", "偏差原因", "多张表之间偏差原因重复", ("min_chars",)),
    Rule("G001", "error", "总体目标", "年度总体目标缺少预算目标或实际完成情况"),
    # department-wide and transfer-payment forms (issue 14); F007 reads any form's 其中 rows
    Rule("F007", "warning", "资金", "资金分项的执行率与计算值不符"),
    Rule("K001", "error", "得分", "指标得分不等于指标权重×得分系数"),
    Rule("K002", "warning", "得分", "得分系数与指标完成情况不符"),
    Rule("K003", "error", "得分", "核心指标未填写完成值、权重或得分"),
    Rule("K004", "warning", "资金", "中央财政资金未执行且未说明原因"),
    Rule("K005", "warning", "资金管理", "资金管理情况未填写自评情况"),
    Rule("K006", "error", "偏差原因", "未完成的指标未填写未完成原因"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}

# A check that raises becomes a finding of this rule on its form; it is not a rule a rule set
# can configure.
INTERNAL = Rule("X000", "error", "内部", "检查程序出错")

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_NAME = {"error": "错误", "warning": "警告", "info": "提示"}
