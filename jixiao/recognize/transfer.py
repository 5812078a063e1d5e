"""What only a transfer-payment form (转移支付区域（项目）绩效自评表) has: the 资金管理情况 block,
one row per item (分配科学性, 下达及时性…) with its 自评情况 text."""

from __future__ import annotations

from ..grid import Row
from ..model import TRANSFER, Form, ManagementItem, Text

MANAGEMENT_BLOCK = "资金管理情况"
MANAGEMENT_ITEMS = ("分配科学性", "下达及时性", "拨付合规性", "使用规范性", "执行准确性", "预算绩效管理情况",
                    "支出责任履行情况")
_HEADINGS = ("管理内容", "自评情况", "情况说明", "项目")  # the block's own column headings


def opens_management(form: Form, label: str) -> bool:
    """Whether a row (its first text, without spaces) opens the 资金管理情况 block."""
    return form.kind == TRANSFER and label.startswith(MANAGEMENT_BLOCK)


def read_management(form: Form, row: Row, clean: list[str]) -> None:
    """A row of the 资金管理情况 block: the item's name, then its 自评情况 (the rest of the row).
    A row with no name continues the item above (a text wrapped onto a second row)."""
    cells = [(i, t) for i, t in enumerate(clean) if t and not t.replace(" ", "").startswith(MANAGEMENT_BLOCK)]
    if not cells or all(t.replace(" ", "") in _HEADINGS for _, t in cells):
        return
    j, name = cells[0]
    rest = cells[1:]
    if len(cells) == 1 and form.management and not name.replace(" ", "").startswith(MANAGEMENT_ITEMS):
        last = form.management[-1]
        text = "".join(t for _, t in cells)
        last.text = Text(last.text.text + text, last.text.loc or row.cell_loc(j))
        return
    text = "".join(t for _, t in rest)
    loc = row.cell_loc(rest[0][0]) if rest else row.cell_loc(j + 1)
    form.management.append(ManagementItem(name=Text(name, row.cell_loc(j)), text=Text(text, loc)))
