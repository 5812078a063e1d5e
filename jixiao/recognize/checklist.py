"""A transfer-payment form written as a checklist: after its header, one table
说明 | 自查内容 | 完成情况 | 佐证材料, the amounts inside sentences and no points.

    说明          | 自查内容          | 完成情况                                          | 佐证材料
    资金投入情况  | 年度资金总额      | 全年预算数1234.56万元，全年执行数1200万元，预算执行率97.2% | …
                  | 中央财政资金      | …
    资金管理情况  | 分配科学性        | （自评情况）
    总体目标      | 全年预期目标      | …
                  | 全年实际完成情况  | …
    产出指标      | 数量指标：指标名称 | 指标值：≥100个；全年实际完成值：120个；未完成原因和改进措施：…

The 说明 of a row left blank is the one above (a merged cell). What can be checked is read into
the transfer form's fields — the funds rows (全年预算数 A, 全年执行数 B, 预算执行率), the
资金管理情况 items, the goals, the indicators with their values and 未完成原因 — so the checks of a
transfer form without points run on it; the 佐证材料 are kept in `Form.extra["evidence"]`.
"""

from __future__ import annotations

import re

from ..errors import ReadError
from ..grid import Row
from ..model import TRANSFER, Form, FundsRow, Indicator, ManagementItem, Text
from ..values import amount, measure, rate
from .transfer import MANAGEMENT_BLOCK
from .vocab import WAN

HEADINGS = ("说明", "自查内容", "完成情况")
FUNDS_BLOCK = "资金投入情况"
GOALS_BLOCK = "总体目标"
TOTAL_LABEL = "年度资金总额"
PLANNED, ACHIEVED = "全年预期目标", "全年实际完成情况"
_NUMBER = r"([-+]?[\d,]+(?:\.\d+)?)"
_BUDGET = re.compile(r"全年预算数[（(]?A?[)）]?[:：为]?\s*" + _NUMBER + r"\s*(万?元)")
_EXECUTED = re.compile(r"全年执行数[（(]?B?[)）]?[:：为]?\s*" + _NUMBER + r"\s*(万?元)")
_RATE = re.compile(r"(?:预算)?执行率[:：为]?\s*(" + r"[-+]?[\d.]+\s*[%％])")
_INDICATOR = re.compile(r"^指标值[:：](?P<target>[^；;]*)[；;]\s*全年实际完成值[:：](?P<actual>[^；;]*)"
                        r"(?:[；;]\s*未完成原因(?:和改进措施)?[:：](?P<reason>.*))?$")
_ITEM = re.compile(r"^(?P<level2>[^：:]+)[：:](?P<name>.+)$")


def opens(form: Form, clean: list[str]) -> bool:
    """说明 | 自查内容 | 完成情况 (| 佐证材料) on a transfer-payment form: the checklist's header."""
    texts = [t.replace(" ", "") for t in clean if t]
    return form.kind == TRANSFER and texts[:3] == list(HEADINGS)


class Checklist:
    """The checklist table's rows, read into a transfer form."""

    def __init__(self, form: Form, header: Row, clean: list[str]):
        self.form = form
        texts = [t.replace(" ", "") for t in clean]
        self.cols = {name: texts.index(name) for name in HEADINGS}
        self.evidence_col = texts.index("佐证材料") if "佐证材料" in texts else None
        self.block = ""
        self.saw_total = False

    def read(self, row: Row, clean: list[str]) -> None:
        cell = lambda name: clean[self.cols[name]] if self.cols[name] < len(clean) else ""  # noqa: E731
        block = cell("说明").replace(" ", "")
        if block:
            self.block = block
        item, text = cell("自查内容"), cell("完成情况")
        if not item and not text:
            return
        loc = row.cell_loc(self.cols["完成情况"])
        form = self.form
        if self.evidence_col is not None and self.evidence_col < len(clean) and clean[self.evidence_col]:
            form.extra.setdefault("evidence", []).append({"item": item, "text": clean[self.evidence_col]})
        if self.block.startswith(FUNDS_BLOCK):
            self._funds(row, item, text)
        elif self.block.startswith(MANAGEMENT_BLOCK):
            form.management.append(ManagementItem(Text(item, row.cell_loc(self.cols["自查内容"])),
                                                  Text(text, loc if text else None)))
        elif self.block.startswith(GOALS_BLOCK):
            target = form.goals.planned if item.replace(" ", "").startswith(PLANNED) else form.goals.achieved
            target.text, target.loc = text, loc
        elif self.block:
            self._indicator(row, item, text)

    def _funds(self, row: Row, item: str, text: str) -> None:
        loc = row.cell_loc(self.cols["完成情况"])
        label = item.replace(" ", "")
        budget, executed, printed_rate = _BUDGET.search(text), _EXECUTED.search(text), _RATE.search(text)
        if text and not (budget or executed):
            raise ReadError(f"“{item}”的完成情况中找不到全年预算数或全年执行数（应写作“全年预算数…万元，"
                            f"全年执行数…万元，预算执行率…%”）：{text}", loc)
        if any(m and m.group(2) == "万元" for m in (budget, executed)):
            self.form.amount_unit = WAN
        fr = FundsRow(label=label, annual_budget=amount(budget.group(1) if budget else "", loc),
                      executed=amount(executed.group(1) if executed else "", loc),
                      rate=rate(printed_rate.group(1).replace(" ", "") if printed_rate else "", loc), loc=row.loc)
        if label.startswith(TOTAL_LABEL):
            fr.label = TOTAL_LABEL
            self.form.funds.total = fr
            self.saw_total = True
        else:
            fr.label = re.sub(r"^其中[:：]?", "", label)
            self.form.funds.rows.append(fr)

    def _indicator(self, row: Row, item: str, text: str) -> None:
        loc = row.cell_loc(self.cols["完成情况"])
        m = _INDICATOR.match(text)
        if m is None:
            raise ReadError(f"绩效指标“{item}”的完成情况应写作“指标值：…；全年实际完成值：…”"
                            f"（可加“；未完成原因和改进措施：…”），实际为：{text or '（空）'}", loc)
        named = _ITEM.match(item)
        level2, name = (named.group("level2"), named.group("name")) if named else ("", item)
        item_loc = row.cell_loc(self.cols["自查内容"])
        reason = m.group("reason") or ""
        self.form.indicators.append(Indicator(
            level1=Text(self.block, row.cell_loc(self.cols["说明"])), level2=Text(level2, item_loc),
            name=Text(name, item_loc), target=measure(m.group("target"), loc), actual=measure(m.group("actual"), loc),
            deviation=Text(reason, loc if reason else None), loc=row.loc))

    def missing(self) -> list[str]:
        """What a checklist must have to be a form."""
        out = []
        if not self.saw_total:
            out.append("资金投入情况中的年度资金总额行")
        if not self.form.indicators:
            out.append("绩效指标行")
        return out
