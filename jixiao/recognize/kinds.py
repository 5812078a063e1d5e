"""Which kind of form is being read, and the words that differ between the kinds.

The project form, the department-wide form (部门（单位）整体支出绩效自评表) and the transfer-payment
form (转移支付区域（项目）绩效自评表) share their sections: a header of labelled values, a funds
block, the goals, an indicator table. What differs is mostly words — the label naming the form,
the header labels, the funds block's label — kept here as one `KindSpec` per kind; the sections
only one kind has are read by its own module (`department`, `transfer`). The kind is decided by
the title, or, for a form printed without one, by the label naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grid import Row
from ..model import DEPARTMENT, PROJECT, TRANSFER, Form, Text
from .header import label_value
from .vocab import FUNDS_BLOCK, FUNDS_HEADER_WORDS, HEADER_LABELS, PROJECT_LABEL, is_indicator_header


@dataclass(frozen=True)
class KindSpec:
    kind: str
    name_labels: tuple[str, ...]  # the label naming the form (also starts a form without a title)
    header_labels: tuple[tuple[str, str], ...]  # (label, Form attribute) of the other header values
    funds_blocks: tuple[str, ...]  # the funds block's label, heading its header row
    funds_header_words: tuple[str, ...]  # a funds header row without the block label has all of these
    flat_indicators: bool = False  # an indicator table may be a flat list (指标名称 | 计量单位 | …)

    def names_header(self, joined: str) -> bool:
        """Whether a row (its joined text) names one of the header labels."""
        return any(label in joined for label, _ in self.header_labels)

    def read_header(self, form: Form, row: Row) -> None:
        """The header values a row gives."""
        texts = row.texts()
        for label, attr in self.header_labels:
            found = label_value(texts, label)
            if found is not None:
                setattr(form, attr, Text(text=found[0], loc=row.cell_loc(found[1])))

    def is_indicator_header(self, clean: list[str]) -> bool:
        if is_indicator_header(clean):
            return True
        if not self.flat_indicators:
            return False
        texts = [t.replace(" ", "") for t in clean]
        return (any(t.startswith("指标名称") for t in texts)
                and any(t.startswith(("指标权重", "全年完成值", "年初指标值")) for t in texts))


PROJECT_SPEC = KindSpec(
    PROJECT, (PROJECT_LABEL,), tuple((lb, attr) for lb, attr in HEADER_LABELS if attr != "project"),
    (FUNDS_BLOCK,), FUNDS_HEADER_WORDS,
)
DEPARTMENT_SPEC = KindSpec(
    DEPARTMENT, ("部门（单位）名称", "部门(单位)名称", "部门名称"), (),
    ("部门预算资金", "年度预算执行情况", "预算资金"), FUNDS_HEADER_WORDS, flat_indicators=True,
)
TRANSFER_SPEC = KindSpec(
    TRANSFER, ("转移支付（项目）名称", "转移支付(项目)名称", "转移支付名称", "项目名称"),
    (("中央主管部门", "department"), ("地方主管部门", "local_department"), ("资金使用单位", "unit")),
    ("资金投入情况", "资金情况"), ("全年预算", "全年执行"),
)
SPECS = {s.kind: s for s in (PROJECT_SPEC, DEPARTMENT_SPEC, TRANSFER_SPEC)}

_DEPARTMENT_TITLE = re.compile(r"部门[（(]?单位[)）]?整体|整体支出")
_TRANSFER_TITLE = re.compile(r"转移支付")


def spec_of_title(title: str) -> KindSpec:
    """The kind a title names: 部门（单位）整体支出… → department, 转移支付… → transfer, else project."""
    t = title.replace(" ", "")
    if _TRANSFER_TITLE.search(t):
        return TRANSFER_SPEC
    if _DEPARTMENT_TITLE.search(t):
        return DEPARTMENT_SPEC
    return PROJECT_SPEC


def spec_of_name_label(label: str) -> KindSpec | None:
    """The kind whose name label opens a row (without spaces), for a form printed without a title;
    项目名称 is the project form's."""
    if label.startswith(PROJECT_LABEL):
        return PROJECT_SPEC
    for spec in (DEPARTMENT_SPEC, TRANSFER_SPEC):
        if label.startswith(spec.name_labels):
            return spec
    return None
