"""The indicator table: its header, and each row under it read as an indicator.

Columns get their meaning from the header's text (vocab.INDICATORS); a row is aligned to them
(align.indicator_fit), its cells are placed by meaning, and the cells left of the values are
labels (labels.py) or the indicator's name. Rows that PDF-to-text tools split are joined: a name
printed on a row of its own before or after its values, a 偏差原因 wrapped onto the next row or
page, the wrapped end of an extra column's text. A row with labels and points but no indicator
is a block's subtotal.
"""

from __future__ import annotations

from typing import NamedTuple

from .. import taxonomy
from ..errors import ReadError
from ..grid import Row
from ..model import TRANSFER, Form, Indicator, Loc, Text
from ..values import amount
from .align import geometry, indicator_fit
from .cells import Role, is_number, kinds_of, left_cell, measure_at
from .labels import Labels, RowLabel
from .repairs import record
from .vocab import INDICATORS, LABEL_FIELDS, TARGET_OPS, TEXT_FIELDS, HeadingKind, header_map, match_header

_TERMINAL = tuple("。．.!！?？;；")  # a deviation text that ends so is complete
# Enum members bound once: in Python 3.11 `HeadingKind.FIELD` costs several times a global's
# lookup, and these are tested for every cell.
_FIELD, _EXTRA, _IGNORED = HeadingKind.FIELD, HeadingKind.EXTRA, HeadingKind.IGNORED
_NAME, _LABEL = Role.NAME, Role.LABEL
# What a cell does in `IndicatorTable._place`, by the column it stands under.
_LEFT, _VALUE, _EXTRA_TEXT, _SKIP = "left", "value", "extra", "skip"
_TO_LEFT = (_LEFT, "")
_DROP = (_SKIP, "")


class Carry(NamedTuple):
    """A piece of a row waiting for the row it belongs to."""

    text: str
    row: Row


class Placed(NamedTuple):
    """A row's cells by meaning."""

    values: dict[str, tuple[str, Loc | None]]  # field → (text, its first cell's location)
    extras: dict[str, str]  # extra column → text
    left: list[tuple[int, str]]  # (cell, text) left of the value columns: labels and the name


class IndicatorTable:
    """The rows of one form's indicator table."""

    def __init__(self, form: Form, header: Row):
        self.form = form
        self.labels = Labels(form)
        self.extras: list[dict[str, str]] = []  # per indicator: its extra columns
        self.name_row: Carry | None = None  # a name that arrived before its values
        self.deviation: Carry | None = None  # a deviation fragment waiting for its row
        self.header(header)

    def header(self, row: Row) -> None:
        """The header row (again after a page break: the rows read so far and the current
        labels stay)."""
        self.hdr = header_map(row, INDICATORS)
        self.geom = geometry(self.hdr)
        self._plan()
        self.rows_seen = 0  # rows read since the header (a second header row comes first)

    def read(self, row: Row, clean: list[str]) -> None:
        """A row under the header (`clean`: its cleaned cell texts)."""
        if self.rows_seen == 0 and self._sub_header(row):
            return
        fields = self.hdr.fields
        # a transfer-payment form's table without points aligns its rows by 指标值 and 完成值
        aligned = "weight" in fields or "score" in fields or (self.form.kind == TRANSFER and "actual" in fields)
        if "target" not in fields or not aligned:
            raise ReadError("绩效指标表头缺少“年度指标值”列，或既无“分值”也无“得分”列，无法对齐指标行", row.loc)
        self.rows_seen += 1
        shift, fit = indicator_fit(self.geom, kinds_of(row.texts()))
        self._row(row, clean, shift, fit)

    def _sub_header(self, row: Row) -> bool:
        """A second header row under the first (指标性质 | 指标值 | 度量单位 under a merged
        年度指标值): its columns refine the header's."""
        texts = [(i, t) for i, t in enumerate(row.texts()) if t.strip()]
        if not texts:
            return False
        matched = [match_header(t, INDICATORS) for _, t in texts]
        if any(h is None for h in matched) or any(taxonomy.classify(t) for _, t in texts):
            return False
        cells = row.cells  # the spans of merged header cells
        fields, cols = self.hdr
        for (i, _), h in zip(texts, matched):
            if h.kind is _FIELD:
                fields[h.name] = i
            for k in range(i, i + max(cells[i].span[1], 1)):
                cols[k] = h
        self.geom = geometry(self.hdr)
        self._plan()
        record(self.form, "join-header", "绩效指标表头分两行，已合并为一行表头", row.loc)
        return True

    def _plan(self) -> None:
        """What a cell does under each column of the header (`self.actions`, by column; a cell
        left of column 0 is a label or the name), and right of the last one (`self.beyond`)."""
        fields, cols = self.hdr
        first, last = self.geom.first, self.geom.last
        actions = []
        for col in range(last + 1):
            h = cols.get(col)
            if h is None:
                if col < first:
                    actions.append(_TO_LEFT)
                    continue
                # an unheaded column inside the value columns (a target printed over the cells
                # of a merged header): it continues the text field on its left
                before = next((cols[c] for c in range(col - 1, first - 1, -1) if c in cols), None)
                keep = before is not None and before.kind is _FIELD and before.name in TEXT_FIELDS
                actions.append((_VALUE, before.name) if keep else _DROP)
            elif h.kind is _IGNORED:
                actions.append(_DROP)
            elif h.kind is _EXTRA:
                actions.append((_EXTRA_TEXT, h.name))
            else:
                actions.append(_TO_LEFT if h.name in LABEL_FIELDS else (_VALUE, h.name))
        self.actions = tuple(actions)
        # text run over the last column continues the 偏差原因
        self.beyond = (_VALUE, "deviation") if "deviation" in fields else _DROP

    def _place(self, row: Row, shift: int, clean: list[str]) -> Placed:
        """The row's cells by meaning, each under the column `shift` puts it in."""
        values: dict[str, tuple[str, Loc | None]] = {}
        extras: dict[str, str] = {}
        left: list[tuple[int, str]] = []
        actions, beyond = self.actions, self.beyond
        last = len(actions) - 1
        for j, t in enumerate(clean):
            if not t:
                continue
            col = j - shift
            action, name = _TO_LEFT if col < 0 else beyond if col > last else actions[col]
            if action == _VALUE:
                prev = values.get(name)
                values[name] = (t, row.cell_loc(j)) if prev is None else (prev[0] + t, prev[1])
            elif action == _LEFT:
                left.append((j, t))
            elif action == _EXTRA_TEXT:
                extras[name] = extras.get(name, "") + t
        return Placed(values, extras, left)

    def _row(self, row: Row, clean: list[str], shift: int, fit: int) -> None:
        values, extras, left = self._place(row, shift, clean)
        fields = self.hdr.fields
        none = ("", row.loc)  # a field with no cell on the row: empty text, located at the row
        tgt, tgt_loc = values.get("target", none)
        unit_text = values.get("target_unit", none)[0]
        if "target_op" in fields or "target_unit" in fields:
            op_text = values.get("target_op", none)[0]
            op_text = TARGET_OPS.get(op_text, op_text)
            tgt = f"{op_text}{tgt}{unit_text}" if tgt else tgt
        act, act_loc = values.get("actual", none)
        if act and "target_unit" in fields and is_number(act):
            act = act + unit_text
        wgt, wgt_loc = values.get("weight", none)
        scr, scr_loc = values.get("score", none)
        dev, dev_loc = values.get("deviation", none)

        labels: list[RowLabel] = []
        names: list[tuple[int, str]] = []
        for j, t in left:
            c = left_cell(t)
            if c.role is _NAME:
                cut = taxonomy.completed(t) if self._field_at(j - shift) in ("level1", "level2") else None
                if cut is not None:
                    # a label a page break cut in two (产出指 | 标): its rest stands on a row of its own
                    labels.append(RowLabel(j, cut[0], cut[1], None))
                    record(self.form, "join-label", f"标签“{t}”被分页截断，按指标体系读作“{cut[1]}”", row.loc)
                else:
                    names.append((j, t))
            elif c.role is _LABEL:
                labels.append(RowLabel(j, c.level, c.canonical, c.points))
        if fit <= 0:
            self._row_without_values(row, labels, names, dev, clean, shift)
            return
        if shift:
            record(self.form, "shift-row", f"指标行整体错位 {shift:+d} 列（分页后合并列缺失），已按表头对齐", row.loc)
        if not names and not tgt and not act and wgt and self.name_row is None:
            self._subtotal_row(row, labels, wgt, scr, shift)
            return
        explicit = self._apply(row, labels, shift)
        name_text = ""
        name_loc: Loc | None = row.loc
        if names:
            j, name_text = names[-1]
            name_loc = row.cell_loc(j)
            self.labels.unknown(row, names[:-1], lambda j: self._field_at(j - shift))
            raw = row.texts()[j].strip()
            if raw != name_text and " " in raw:
                record(self.form, "clean-label", f"指标名称“{raw}”中的换行空格已去除", row.loc)
            if "name" in fields and j != fields["name"] + shift:
                record(self.form, "move-cell", f"指标名称“{name_text}”不在三级指标列（第{j + 1}格），已按内容识别",
                       row.loc)
        level1, level2 = self.labels.current()
        # positional, in the order of Indicator's fields: a form makes many
        ind = Indicator(level1, level2, Text(name_text, name_loc), measure_at(tgt, tgt_loc), measure_at(act, act_loc),
                        amount(wgt, wgt_loc), amount(scr, scr_loc), Text(dev, dev_loc if dev else None), row.loc)
        if not name_text and self.name_row is not None:
            pname, prow = self.name_row
            ind.name = Text(text=pname, loc=prow.loc)
            self.name_row = None
            record(self.form, "join-name-row", f"指标名称“{pname}”与下一行的数值合并为一行", prow.loc, row.loc)
        if self.deviation is not None:
            frag, frow = self.deviation
            self.deviation = None
            ind.deviation = Text(text=frag + ind.deviation.text, loc=frow.loc)
            record(self.form, "join-deviation", "偏差原因分析被拆成两行，已合并", frow.loc, row.loc)
        self.form.indicators.append(ind)
        self.labels.explicit.append(explicit)
        self.extras.append(extras)

    def _field_at(self, col: int) -> str | None:
        h = self.hdr.cols.get(col)
        return h.name if h is not None and h.kind is _FIELD else None

    def _apply(self, row: Row, labels: list[RowLabel], shift: int) -> bool:
        return self.labels.apply(row, labels, shift, self.hdr.fields.get("level1"))

    def _subtotal_row(self, row: Row, labels: list[RowLabel], wgt: str, scr: str, shift: int) -> None:
        """A row with labels and a weight but no indicator (产出指标 | | | 50 | 48): the subtotal
        of a block, not an indicator."""
        self._apply(row, labels, shift)
        what = "、".join(lb.canonical for lb in labels) or "（无标签）"
        self.form.extra.setdefault("subtotals", []).append({"labels": what, "weight": wgt, "score": scr})
        record(self.form, "subtotal-row", f"“{what}”行只有分值 {wgt}、得分 {scr or '—'}，是小计行，不计为指标", row.loc)

    def _row_without_values(self, row: Row, labels: list[RowLabel], names: list[tuple[int, str]], dev: str,
                            clean: list[str], shift: int) -> None:
        """A row with no value where the header says: labels alone, a name alone, or the wrapped
        end of a text (偏差原因, an extra column's)."""
        cols = self.hdr.cols
        dev_col = self.hdr.fields.get("deviation")

        def kind_at(j: int) -> HeadingKind | None:
            h = cols.get(j)
            return h.kind if h is not None else None

        nonempty = [(j, t) for j, t in enumerate(clean) if t and kind_at(j) is not _IGNORED]
        if not nonempty:
            return
        if all(kind_at(j) is _EXTRA for j, _ in nonempty):
            # the wrapped end of an extra column's text (佐证资料…): it belongs to the row above
            if self.extras:
                for j, t in nonempty:
                    key = cols[j].name
                    self.extras[-1][key] = self.extras[-1].get(key, "") + t
            return
        inds = self.form.indicators
        prev = inds[-1] if inds else None
        # text standing in the deviation column (or right of the score) is a deviation fragment
        if dev_col is not None and all(j >= dev_col and kind_at(j) is not _EXTRA for j, _ in nonempty):
            frag = "".join(t for _, t in nonempty)
            if prev is not None and prev.deviation.text and not prev.deviation.text.endswith(_TERMINAL):
                prev.deviation.text += frag
                record(self.form, "join-deviation", "偏差原因分析被拆成两行，已合并", prev.loc or row.loc, row.loc)
            else:
                self.deviation = Carry(frag, row)
            return
        if labels:
            self._apply(row, labels, shift)
        if names:
            j, name = names[-1]
            if prev is not None and not prev.name.text:
                prev.name = Text(text=name, loc=row.cell_loc(j))
                record(self.form, "join-name-row", f"指标名称“{name}”印在数值行之后，已与上一行的数值合并",
                       prev.loc or row.loc, row.loc)
            else:
                self.name_row = Carry(name, row)

    def finish(self, where: Loc) -> None:
        """What is left pending at the end of the table: an orphan name, a deviation fragment;
        the extra columns kept on the form; indicators without a name."""
        f = self.form
        if self.name_row is not None:
            name, prow = self.name_row
            record(f, "orphan-row", f"第{prow.loc.line}行的指标名称“{name}”找不到对应的数值行，已忽略", prow.loc)
        if self.deviation is not None:
            frag, frow = self.deviation
            if f.indicators:
                f.indicators[-1].deviation.text += frag
                record(f, "join-deviation", "偏差原因分析被拆成两行，已合并", frow.loc)

    def drop(self, k: int) -> None:
        """Forget indicator k (a parent row)."""
        del self.extras[k]
        self.labels.drop(k)
