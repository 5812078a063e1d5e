"""The typed form model shared by every stage (read → recognise → score → check → store/report).

Every printed value keeps the text as printed, its parsed meaning and the place it came from,
so that a finding can always point a person back at the cell it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Kinds of self-evaluation form (layouts.md, "Other kinds of self-evaluation form").
PROJECT = "project"  # 项目支出绩效自评表
DEPARTMENT = "department"  # 部门（单位）整体支出绩效自评表
TRANSFER = "transfer"  # 转移支付区域（项目）绩效自评表
KINDS = (PROJECT, DEPARTMENT, TRANSFER)
KIND_NAMES = {PROJECT: "项目支出", DEPARTMENT: "部门整体支出", TRANSFER: "转移支付"}
KIND_TITLES = {PROJECT: "财政项目支出绩效自评表", DEPARTMENT: "部门（单位）整体支出绩效自评表",
               TRANSFER: "转移支付区域（项目）绩效自评表"}
# The two breakdowns of a department-wide form's funds (FundsRow.group).
BY_SOURCE = "source"  # 按收入性质：一般公共预算、政府性基金…
BY_USE = "use"  # 按支出性质：基本支出、项目支出

@dataclass(slots=True)
class Loc:
    """Where a value came from: a file, and a line (text) or a sheet/page row, and a cell."""

    file: str = ""
    line: int | None = None  # 1-based line of a text file, or 1-based row of a sheet/table
    col: int | None = None  # 1-based cell index within the row
    sheet: str | None = None  # sheet name, "第N页" for PDF pages, "表N" for Word tables

    def __str__(self) -> str:
        parts = [self.file or "<输入>"]
        if self.sheet:
            parts.append(self.sheet)
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.col is not None:
            parts.append(f"第{self.col}列")
        return " ".join(parts)

    def to_dict(self) -> dict:
        d: dict = {"file": self.file}
        if self.sheet is not None:
            d["sheet"] = self.sheet
        if self.line is not None:
            d["line"] = self.line
        if self.col is not None:
            d["col"] = self.col
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> Loc | None:
        if not d:
            return None
        return cls(file=d.get("file", ""), line=d.get("line"), col=d.get("col"), sheet=d.get("sheet"))


@dataclass(slots=True)
class Text:
    """A text cell: the printed text (wrap spaces already removed where they were damage)."""

    text: str = ""
    loc: Loc | None = None

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(slots=True)
class Amount:
    """A number cell: money, a weight, a score or a rate. `value` is None when the cell is blank
    or '—'; for a rate such as 执行率 it is the percentage (99.99 for '99.99%' or '0.9999')."""

    text: str = ""
    value: Decimal | None = None
    loc: Loc | None = None
    # the unit typed in the cell ('万', '万元', '元'; '' when none): `value` is then converted to
    # the block's unit, and `text` keeps what was printed
    unit: str = ""


# Kinds of a Measure (a target 年度指标值 or an actual 实际完成值).
QUANT = "quant"  # [op] number [unit]
QUAL = "qual"  # a word or sentence (健全, 提升, 与…实现共享)
EMPTY = "empty"  # blank cell


@dataclass(slots=True)
class Measure:
    """A target or an actual, per rules.md §3.

    text: as printed; norm: operators in ASCII (>=, <=, =, >, <), LaTeX removed, no spaces;
    op: the operator ('' when none), number: the numeric part, unit: the unit text ('%', '次', '毫秒', …).
    """

    text: str = ""
    norm: str = ""
    kind: str = EMPTY
    op: str = ""
    number: Decimal | None = None
    unit: str = ""
    loc: Loc | None = None


@dataclass(slots=True)
class FundsRow:
    """One row of the 项目资金 block: 年度资金总额 or one of its 其中 rows."""

    label: str = ""
    initial_budget: Amount = field(default_factory=Amount)  # 年初预算数
    annual_budget: Amount = field(default_factory=Amount)  # 全年预算数 (调整后预算数)
    executed: Amount = field(default_factory=Amount)  # 全年执行数
    weight: Amount = field(default_factory=Amount)  # 分值
    rate: Amount = field(default_factory=Amount)  # 执行率
    score: Amount = field(default_factory=Amount)  # 得分
    loc: Loc | None = None
    group: str = ""  # a department-wide form's breakdown: BY_SOURCE or BY_USE ("" for the one breakdown)


@dataclass(slots=True)
class Funds:
    total: FundsRow = field(default_factory=FundsRow)  # 年度资金总额
    rows: list[FundsRow] = field(default_factory=list)  # 其中：当年财政拨款 / 上年结转资金 / 其他资金


@dataclass(slots=True)
class Goals:
    planned: Text = field(default_factory=Text)  # 预算目标 / 预期目标
    achieved: Text = field(default_factory=Text)  # 实际完成情况


@dataclass(slots=True)
class Indicator:
    level1: Text = field(default_factory=Text)  # 一级指标
    level2: Text = field(default_factory=Text)  # 二级指标
    name: Text = field(default_factory=Text)  # 三级指标
    target: Measure = field(default_factory=Measure)  # 年度指标值
    actual: Measure = field(default_factory=Measure)  # 实际完成值
    weight: Amount = field(default_factory=Amount)  # 分值
    score: Amount = field(default_factory=Amount)  # 得分
    deviation: Text = field(default_factory=Text)  # 偏差原因分析及改进措施 / 未完成原因和改进措施
    loc: Loc | None = None  # the row the values came from
    # a department-wide form's flat list: 调整指标值, 得分系数(%) and 是否核心指标 ('是'/'否') as printed
    adjusted: Measure = field(default_factory=Measure)
    coefficient: Amount = field(default_factory=Amount)
    core: Text = field(default_factory=Text)
    # the name of the parent row (一、… / ★…) this indicator is printed under, when the form has
    # parent rows; the parent itself is kept in form.extra["parent_rows"], not scored
    parent: str | None = None
    # the 分值 a form that prints none implies for this row (rules/implied.py): its 一级 block's
    # points under the rule set, shared equally over the block's rows; None when 分值 is printed
    implied_weight: Decimal | None = None


@dataclass(slots=True)
class ManagementItem:
    """One item of a transfer-payment form's 资金管理情况 block (分配科学性…) and its 自评情况."""

    name: Text = field(default_factory=Text)
    text: Text = field(default_factory=Text)


@dataclass(slots=True)
class Total:
    weight: Amount = field(default_factory=Amount)
    score: Amount = field(default_factory=Amount)
    inferred: bool = False  # True when the 总分 row was missing and the reader summed the scores
    loc: Loc | None = None


@dataclass(slots=True)
class Repair:
    """A change the reader made to get past damage in the input (rules.md P002)."""

    kind: str  # stable id of the kind of repair, e.g. "join-name-row"
    message: str  # Chinese, says what was moved or joined
    locs: list[Loc] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "locs": [loc.to_dict() for loc in self.locs]}


@dataclass(slots=True)
class Form:
    title: str = "财政项目支出绩效自评表"
    year: int | None = None
    # The form's name: 项目名称, 部门（单位）名称 (department) or 转移支付（项目）名称 (transfer).
    project: Text = field(default_factory=Text)
    department: Text = field(default_factory=Text)  # 主管部门 (transfer: 中央主管部门)
    unit: Text = field(default_factory=Text)  # 实施单位 (transfer: 资金使用单位)
    amount_unit: str = "元"  # 元 or 万元
    funds: Funds = field(default_factory=Funds)
    goals: Goals = field(default_factory=Goals)
    indicators: list[Indicator] = field(default_factory=list)
    total: Total = field(default_factory=Total)
    repairs: list[Repair] = field(default_factory=list)
    source: Loc | None = None  # file and first line of the form
    extra: dict = field(default_factory=dict)  # columns a reader found but the model does not need
    kind: str = PROJECT  # PROJECT, DEPARTMENT or TRANSFER
    local_department: Text = field(default_factory=Text)  # transfer: 地方主管部门
    management: list[ManagementItem] = field(default_factory=list)  # transfer: 资金管理情况
    layout: str = ""  # the layout family the recogniser read (recognize/layout.py), "" when not read
    incomplete: list[str] = field(default_factory=list)  # what a form kept though cut short is missing
    header_total: Amount | None = None  # a 自评得分 printed in the header
    deviation: Text | None = None  # one 偏差原因 paragraph for the whole form, below the table

    @property
    def label(self) -> str:
        """How a person names this form in a message."""
        return self.project.text or (str(self.source) if self.source else "<未命名表>")
