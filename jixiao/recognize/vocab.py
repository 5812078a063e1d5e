"""What the texts of a form mean: header vocabularies and section markers, as data.

A layout family is mostly words: which header texts name which field of the indicator table or
the funds block, which labels open the header rows, which words mark a section. Every spelling
seen in published forms (layouts.md) is listed here; a new family adds words to these tables,
not branches to the code that reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from ..grid import Row
from ..values import clean_text


class Field(NamedTuple):
    """A field of a table and the header texts that name it (a header cell names the field whose
    spelling it starts with, or contains when the cell is short)."""

    name: str
    spellings: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, a cheap key of the caches below
class Vocabulary:
    """The header vocabulary of one table."""

    fields: tuple[Field, ...]
    # Columns some forms add that the model does not need, kept per row under their canonical
    # name; matched before `fields`, because 指标值设置依据 starts like 指标值, 上年完成值 ends like
    # 完成值 and 得分系数 starts like 得分.
    extras: tuple[Field, ...] = ()
    exact: dict[str, str] = field(default_factory=dict)  # a whole header text → field


INDICATORS = Vocabulary(
    fields=(
        Field("level1", ("一级指标",)),
        Field("level2", ("二级指标",)),
        Field("name", ("三级指标", "指标名称", "绩效指标名称")),
        Field("target_op", ("指标性质", "指标方向")),
        Field("target_unit", ("度量单位", "计量单位", "指标单位")),
        Field("target", ("年度指标值", "年初目标值", "年度目标值", "预期指标值", "全年目标值", "指标值", "目标值",
                         "预期值")),
        Field("actual", ("实际完成值", "全年实际值", "全年完成值", "实际完成", "实际值", "完成值")),
        Field("weight", ("指标分值权重", "分值", "权重")),
        Field("score", ("得分",)),
        Field("deviation", ("偏差原因", "未完成原因", "原因分析", "偏差大或目标未完成原因")),
    ),
    extras=(
        Field("指标值设置依据", ("指标值设置依据", "目标值设置依据", "设置依据", "指标值确定依据")),
        Field("上年完成值", ("上年完成值", "上年实际完成值", "上年实际值", "上年指标值", "上年值")),
        Field("指标赋分规则", ("指标赋分规则", "赋分规则", "评分规则", "评分标准", "计分方法")),
        Field("佐证资料", ("佐证资料", "佐证材料", "证明材料", "佐证")),
        Field("完成率", ("完成率", "指标完成率", "完成比例")),
        Field("得分系数", ("得分系数",)),
        Field("调整指标值", ("调整指标值", "调整后指标值")),  # a department-wide form's flat list
        # a score split in three: 单项指标得分 (a percentage) | 权重占比 | 折算得分 (the score)
        Field("单项指标得分", ("单项指标得分", "单项得分")),
        Field("权重占比", ("权重占比",)),
        Field("是否核心指标", ("是否核心指标", "核心指标")),
        Field("序号", ("序号",)),
        Field("备注", ("备注",)),
    ),
    exact={"单位": "target_unit"},
)

FUNDS = Vocabulary(
    fields=(
        Field("initial_budget", ("年初预算数", "年初预算")),
        Field("annual_budget", ("全年预算数", "调整后预算数", "调整后预算", "全年预算", "全年(调整)预算", "全年（调整）预算",
                                "调整预算数", "调整预算", "预算数")),
        Field("executed", ("全年执行数", "实际执行数", "执行数")),
        Field("weight", ("分值", "权重")),
        Field("rate", ("执行率", "预算执行率", "执行进度")),
        Field("score", ("得分",)),
    ),
    extras=(
        Field("到位数", ("到位数", "资金到位数")),
    ),
)

# The indicator table's fields by role: labels stand left of the values.
LABEL_FIELDS = ("level1", "level2", "name")
VALUE_FIELDS = ("target_op", "target", "target_unit", "actual", "weight", "score", "deviation")
# Fields an unheaded column inside the value columns continues (a text printed over merged cells).
TEXT_FIELDS = ("target", "actual", "deviation")

# What a 指标性质 cell says, as the operator it puts before the target value.
TARGET_OPS = {"定性": "", "定量": "", "正向": ">=", "反向": "<=", "正向指标": ">=", "反向指标": "<=",
              "≥": "≥", "≤": "≤", "=": "=", "＝": "="}

# Columns headed 复核… are notes jixiao's own export writes beside a form; they are not the form.
IGNORED_PREFIX = "复核"
_HEADER_NOISE = re.compile(r"[（(](?:[A-Za-z]|分|%|％|元|万元|个|项)[)）]")  # 年初目标值(A), 分值（分）

# -- section markers ------------------------------------------------------------------------------
TITLE_WORD = "自评表"  # in the title row: 财政项目支出绩效自评表
FORM_TITLE = "绩效自评表"
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
WAN = "万元"  # the amount unit a funds header or a 单位： note may name
WAN_YUAN = re.compile(r"单位[:：]\s*万元|[（(]\s*万元\s*[)）]")  # amounts in 万元
# Header labels and the form field each fills; a value stops at the next label in its cell.
PROJECT_LABEL = "项目名称"  # also starts a form when the form being read has its own already
UNIT_LABELS = ("主管部门", "实施单位")
HEADER_LABELS = ((PROJECT_LABEL, "project"), ("主管部门", "department"), ("实施单位", "unit"))
NAMES_UNIT = re.compile("|".join(UNIT_LABELS))  # a row naming the unit labels (tested on every row)
OTHER_LABELS = ("项目名称", "主管部门", "实施单位", "项目负责人", "联系电话", "预算单位", "填报单位")
FUNDS_BLOCK = "项目资金"  # the funds block's label, heading its header row
FUNDS_HEADER_WORDS = ("年初预算", "执行")  # a funds header row without the block label has both
GOALS_PLANNED = ("预算目标", "预期目标", "年度目标")
GOALS_ACHIEVED = "实际完成"
GOALS_BLOCK = "年度总体目标"
INDICATOR_BLOCK = "绩效指标"
INDICATOR_HEADER_FIRST = "一级指标"
INDICATOR_HEADER_NEXT = ("三级指标", "二级指标", "指标名称")
TOTAL_LABELS = ("总分", "合计", "总计")
HEADER_TOTAL_LABELS = ("自评得分", "自评总分")  # the self-score printed in the header rows
# points printed in a header: 得分 (20分*执行率), 年度绩效目标 (80分)
POINTS_IN_HEADER = re.compile(r"[（(](\d+(?:\.\d+)?)分")
# a row after the table holding one 偏差原因 paragraph for the whole form (the 20/80 family)
FORM_DEVIATION_LABELS = ("偏差原因", "未完成原因", "偏差大或目标未完成原因")


class FundsRowKind(Enum):
    TOTAL = "total"  # 年度资金总额
    SUB = "sub"  # a 其中 row: 当年财政拨款, 上年结转资金, 其他资金


FUNDS_TOTAL_LABELS = ("年度资金总额", "资金总额", "合计")
FUNDS_SUB_LABELS = ("当年财政拨款", "本年财政拨款", "财政拨款", "财政专户管理资金", "财政专户", "财政资金", "上年结转资金",
                    "上年结转", "其他资金", "单位资金", "其他",
                    # department-wide forms, by source and by use; transfer-payment forms
                    "一般公共预算", "政府性基金", "国有资本经营预算", "基本支出", "项目支出",
                    "中央财政资金", "中央资金", "地方资金", "地方财政资金")
_QIZHONG = re.compile(r"^其中[:：]?")


class HeadingKind(Enum):
    FIELD = 1  # a field of the table
    EXTRA = 2  # a known extra column, kept by its canonical name
    IGNORED = 3  # jixiao's own review columns


class Heading(NamedTuple):
    """What a header cell names."""

    kind: HeadingKind
    name: str  # the field, or the extra column's canonical name


IGNORED = Heading(HeadingKind.IGNORED, "")


@lru_cache(maxsize=4096)
def match_header(text: str, vocab: Vocabulary) -> Heading | None:
    """What a header cell's text names under a vocabulary, or None."""
    t = clean_text(text).replace(" ", "")
    if t.startswith(IGNORED_PREFIX):
        return IGNORED
    t = _HEADER_NOISE.sub("", t)
    if t in vocab.exact:
        return Heading(HeadingKind.FIELD, vocab.exact[t])
    for name, spellings in vocab.extras:
        if t.startswith(spellings):
            return Heading(HeadingKind.EXTRA, name)
    for name, spellings in vocab.fields:
        for sp in spellings:
            if t.startswith(sp) or (sp in t and len(t) <= len(sp) + 6):
                return Heading(HeadingKind.FIELD, name)
    return None


class HeaderMap(NamedTuple):
    """A header row's meaning: field → its first column, and column → what it is headed."""

    fields: dict[str, int]
    cols: dict[int, Heading]


@lru_cache(maxsize=256)
def _header_map(cells: tuple[tuple[str, int], ...], vocab: Vocabulary) -> HeaderMap:
    found: dict[str, int] = {}
    cols: dict[int, Heading] = {}
    for i, (text, span) in enumerate(cells):
        if not text.strip():
            continue
        heading = match_header(text, vocab)
        if heading is None:
            continue
        if heading.kind is HeadingKind.FIELD:
            if heading.name in found:
                continue
            found[heading.name] = i
        for k in range(i, i + max(span, 1)):
            cols.setdefault(k, heading)
    return HeaderMap(found, cols)


def header_map(row: Row, vocab: Vocabulary) -> HeaderMap:
    """The map of a header row (a merged header cell names every column it spans): a copy, free
    to change. The same header heads form after form, so the map of its texts is kept."""
    found, cols = _header_map(tuple(zip(row.texts(), (c.span[1] for c in row.cells))), vocab)
    return HeaderMap(dict(found), dict(cols))


def is_indicator_header(clean: list[str]) -> bool:
    """Whether a row (its cleaned cell texts) is the 一级指标 | 二级指标 | … header."""
    if "一" not in "".join(clean):  # the common case, a data row: no cell can match
        return False
    texts = [t.replace(" ", "") for t in clean]
    return (any(t.startswith(INDICATOR_HEADER_FIRST) for t in texts)
            and any(t.startswith(INDICATOR_HEADER_NEXT) for t in texts))


_GOALS_PLANNED = re.compile("|".join(GOALS_PLANNED))


def is_goals_header(joined: str) -> bool:
    return GOALS_ACHIEVED in joined and _GOALS_PLANNED.search(joined) is not None


def starts_form(first: str) -> bool:
    """Whether a row whose first non-empty (cleaned) text is `first` opens a new form."""
    t = first.replace(" ", "")
    return FORM_TITLE in t or t.endswith(TITLE_WORD)


@lru_cache(maxsize=1024)
def funds_label(label: str) -> str:
    """A funds row's label without spaces and without a leading 其中："""
    return _QIZHONG.sub("", label.replace(" ", ""))


@lru_cache(maxsize=1024)
def funds_row_kind(label: str) -> FundsRowKind | None:
    """What a funds row is by its label (spaces and 其中 removed), None for any other label."""
    if label.startswith(FUNDS_TOTAL_LABELS):
        return FundsRowKind.TOTAL
    if label.startswith(FUNDS_SUB_LABELS):
        return FundsRowKind.SUB
    return None
