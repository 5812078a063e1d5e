"""The 一级/二级 labels of the indicator table: which group each indicator row belongs to.

Labels are recognised by the taxonomy wherever they stand on a row. A merged label cell prints
its text once, on some row of its group (often the middle one), so a label also names the rows
above it that have none yet; a 一级 missing from a row is inferred from its 二级; satisfaction
rows printed before their 满意度指标 label join it. Each such repair is recorded.
"""

from __future__ import annotations

from typing import NamedTuple

from .. import taxonomy
from ..model import Form, Text
from ..grid import Row
from .repairs import record

SATISFACTION = "满意度指标"
SATISFACTION_L2 = "服务对象满意度指标"
COST = "成本指标"
PROVINCE_SATISFACTION = "服务对象满意度"  # a 一级 in some provinces' department-wide forms


class RowLabel(NamedTuple):
    """A taxonomy label on a row."""

    col: int
    level: int  # 1 or 2
    canonical: str
    points: str | None  # printed with it: 产出指标(50分) → '50'


class Labels:
    """The current 一级/二级 of the table, and which indicators had a label on their own row."""

    def __init__(self, form: Form):
        self.form = form
        self.l1: Text | None = None
        self.l2: Text | None = None
        self.explicit: list[bool] = []  # per indicator: labels printed on its row
        self.l2_row: Row | None = None  # the row that set a 二级 of another framework

    def current(self) -> tuple[Text, Text]:
        """Copies of the current 一级 and 二级 for a new indicator (empty when there is none)."""
        l1, l2 = self.l1, self.l2
        return Text(l1.text, l1.loc) if l1 else Text(), Text(l2.text, l2.loc) if l2 else Text()

    def apply(self, row: Row, labels: list[RowLabel], shift: int, level1_col: int | None) -> bool:
        """Update the current 一级/二级 from the labels on a row (aligned by `shift`; the header's
        一级 column is `level1_col`); True when a label was printed on it."""
        if not labels:
            return False
        if self._foreign_level2(row, labels, shift, level1_col):
            return True
        l1s = [(lb.col, lb.canonical) for lb in labels if lb.level == 1]
        l2s = [(lb.col, lb.canonical) for lb in labels if lb.level == 2]
        for lb in labels:
            if lb.points is not None and lb.level == 1:  # 产出指标(50分): the block's points, as printed
                self.form.extra.setdefault("level1_points", {})[lb.canonical] = lb.points
        if len(l1s) >= 2 and not l2s and l1s[-1][1] == SATISFACTION:
            # '满意度指标' used as the 二级 name means 服务对象满意度指标
            l2s = [(l1s[-1][0], SATISFACTION_L2)]
            l1s = l1s[:-1]
        if (not l1s and len(l2s) >= 2 and l2s[0][1] == l2s[-1][1] == SATISFACTION_L2 and level1_col is not None
                and l2s[0][0] <= level1_col + shift
                and taxonomy.strip_label(row.texts()[l2s[0][0]])[0] == PROVINCE_SATISFACTION):
            # 服务对象满意度 | 服务对象满意度指标: a province's 一级 (dept-performance), kept as printed
            l1s, l2s = [(l2s[0][0], PROVINCE_SATISFACTION)], l2s[1:]
        if l1s:
            j, name = l1s[0]
            if self.l1 is None or self.l1.text != name:
                self.l2 = None
            self.l1 = Text(text=name, loc=row.cell_loc(j))
            self._backfill(row, "level1", self.l1)
            if name == SATISFACTION:
                self._pull_satisfaction_rows(row)
        if l2s:
            j, name = l2s[-1]
            # 成本指标 followed by its own 二级 is a 一级 (central 2021 framework)
            if len(l2s) >= 2 and taxonomy.parent_of(name) == COST and l2s[0][1] == COST:
                self.l1 = Text(text=COST, loc=row.cell_loc(l2s[0][0]))
            self.l2 = Text(text=name, loc=row.cell_loc(j))
            self._backfill(row, "level2", self.l2)
            parent = taxonomy.parent_of(name)
            if not l1s and parent and (self.l1 is None or name not in taxonomy.KNOWN.get(self.l1.text, ())):
                old = self.l1.text if self.l1 else "（无）"
                self.l1 = Text(text=parent, loc=None)
                record(self.form, "infer-level1",
                       f"二级指标“{name}”所在行缺少一级指标（原为{old}），按指标体系推定为“{parent}”", row.loc)
                if parent == SATISFACTION:
                    self._pull_satisfaction_rows(row)
            if not l1s and level1_col is not None and j <= level1_col + shift:
                record(self.form, "move-cell", f"二级指标“{name}”印在一级指标列，已按指标体系识别", row.loc)
        return True

    def unknown(self, row: Row, others: list[tuple[int, str]], heading_of) -> None:
        """Texts left of the name that the taxonomy does not know: a 一级 or 二级 of another
        framework (项目产出 / 产出数量), by the column they stand in (`heading_of(j)`: the field
        name of the column cell j stands under, or None)."""
        for j, t in others:
            f = heading_of(j)
            if f == "level1":
                stripped, points = taxonomy.strip_label(t)  # 项目决策(10分): the block's points, as printed
                if points is not None:
                    t = stripped
                    self.form.extra.setdefault("level1_points", {})[t] = points
                if (self.l1 is None or self.l1.text != t) and self.l2_row is not row:
                    self.l2 = None
                self.l1 = Text(text=t, loc=row.cell_loc(j))
            elif f == "level2" or (self.l2 is None and (j, t) == others[-1]):
                self.l2 = Text(text=t, loc=row.cell_loc(j))
                parent = taxonomy.OTHER_PARENT.get(t)
                if parent and self.l1 is not None and self.l1.text in taxonomy.OTHER_KNOWN and self.l1.text != parent:
                    # the merged 一级 cell printed its text lower down (in the middle of its rows)
                    record(self.form, "infer-level1",
                           f"二级指标“{t}”所在行缺少一级指标（原为{self.l1.text}），按指标体系推定为“{parent}”", row.loc)
                    self.l1 = Text(text=parent, loc=None)

    def _foreign_level2(self, row: Row, labels: list[RowLabel], shift: int, level1_col: int | None) -> bool:
        """Under a 一级 of another framework (项目效益), a label the taxonomy knows standing in the
        二级 column (社会效益, 满意度) is that framework's 二级, kept as printed: True when so."""
        if level1_col is None or (self.l1.text if self.l1 else "") not in taxonomy.OTHER_KNOWN:
            return False
        if not all(lb.col > level1_col + shift for lb in labels):
            return False
        j = labels[-1].col
        printed = taxonomy.strip_label(row.texts()[j])[0]
        if printed not in taxonomy.OTHER_PARENT:  # 时效指标 under 项目产出: a cn-2020 label after all
            return False
        self.l2 = Text(text=printed, loc=row.cell_loc(j))
        self._backfill(row, "level2", self.l2)
        self.l2_row = row  # a 一级 of the framework later on the same row keeps it
        return True

    def _backfill(self, row: Row, level: str, label: Text) -> None:
        """A merged label printed in the middle of its group (its text centred in the merged
        cell) also names the rows above it that have no label of that level yet."""
        inds = self.form.indicators
        k = len(inds)
        current_l1 = self.l1.text if self.l1 else ""
        while k > 0 and not getattr(inds[k - 1], level).text:
            if level == "level2" and inds[k - 1].level1.text not in ("", current_l1):
                break
            k -= 1
        if k == len(inds):
            return
        for ind in inds[k:]:
            setattr(ind, level, Text(text=label.text, loc=label.loc))
        what = "一级" if level == "level1" else "二级"
        record(self.form, "label-after-rows",
               f"{what}指标“{label.text}”印在其所辖各行的中间，已补到上面 {len(inds) - k} 行", row.loc)

    def _pull_satisfaction_rows(self, row: Row) -> None:
        """Satisfaction rows printed just before their 满意度指标 label belong to it."""
        inds = self.form.indicators
        k = len(inds) - 1
        moved = []
        while k >= 0 and not self.explicit[k] and "满意" in inds[k].name.text and inds[k].level1.text != SATISFACTION:
            moved.append(k)
            k -= 1
        for k in moved:
            inds[k].level1 = Text(text=SATISFACTION, loc=None)
            inds[k].level2 = Text(text=SATISFACTION_L2, loc=None)
            record(self.form, "move-satisfaction-row",
                   f"满意度指标行“{inds[k].name.text}”印在“满意度指标”标签之前，已归入满意度指标",
                   inds[k].loc or row.loc, row.loc)

    def drop(self, k: int) -> None:
        del self.explicit[k]

