"""One form being read: the rows of a grid from its title to its 总分, dispatched by section.

Sections come in order (header → funds → goals → indicators → done, or header → checklist for a
transfer-payment form written as one, checklist.py); a row is recognised by its
text (vocab.py), and each section's rows are read by that section's module. At the end the form
is checked for its essential parts (a form cut short is an error that says what is missing and
where it stops), pending pieces are settled, parent rows removed and a missing total inferred.
"""

from __future__ import annotations

import re
from enum import Enum

from ..errors import ReadError
from ..grid import Row
from ..model import Form, Loc, Text, Total
from ..rules.implied import imply_weights
from ..rules.pick import pick_ruleset
from ..values import amount, decimal_text
from . import totals
from .funds import FundsHeader, read_funds, read_funds_header, total_from_rows
from .header import goals_column, is_year_row, label_value, read_goal_row, read_year
from .indicators import IndicatorTable
from . import checklist, department, transfer
from .kinds import PROJECT_SPEC, KindSpec, spec_of_title
from .layout import TWENTY_EIGHTY, family_of
from .repairs import record
from .vocab import (FORM_DEVIATION_LABELS, HEADER_TOTAL_LABELS, NAMES_UNIT, TITLE_WORD, TOTAL_LABELS, WAN, WAN_YUAN,
                    is_goals_header)

_CHILD_PREFIX = re.compile(r"^其中[:：]?\s*")


class Section(Enum):
    HEADER = 1
    FUNDS = 2
    GOALS = 3
    INDICATORS = 4
    DONE = 5
    MANAGEMENT = 6  # a transfer-payment form's 资金管理情况 block (transfer.py)
    CHECKLIST = 7  # a transfer-payment form written as a checklist (checklist.py)


# Members bound once: in Python 3.11 `Section.HEADER` costs several times a global's lookup, and
# the section is tested on every row.
_HEADER, _FUNDS, _GOALS, _INDICATORS, _DONE, _MANAGEMENT, _CHECKLIST = Section


class FormReader:
    def __init__(self, source: str, start: Row, spec: KindSpec = PROJECT_SPEC):
        self.form = Form(source=Loc(file=source, line=start.loc.line, sheet=start.loc.sheet), kind=spec.kind)
        self.spec = spec  # the kind's words (kinds.py); a title read later may change it
        self.section = _HEADER
        self.funds_hdr: FundsHeader | None = None  # None until the funds header is read
        self.goals_col: int | None = None
        self.table: IndicatorTable | None = None
        self.last_row = start
        self.saw_total = False
        self.checklist: checklist.Checklist | None = None

    def feed(self, row: Row, clean: list[str], first: str) -> None:
        """Read one row (`clean`: its cleaned cell texts, `first`: the first non-empty one)."""
        self.last_row = row
        if not first:
            return
        if self.section is _DONE:
            if first.replace(" ", "").startswith(FORM_DEVIATION_LABELS) and self.form.deviation is None:
                self._form_deviation(row, clean)
            return
        if self.section is _CHECKLIST:
            self.checklist.read(row, clean)
            return
        joined = "".join(clean)
        if self.section is _INDICATORS:
            # inside the table nearly every row is an indicator row: only a new header or a row
            # naming the header labels goes through the section tests below
            if first.replace(" ", "").startswith(TOTAL_LABELS):
                self._total(row)
                return
            if not self.spec.is_indicator_header(clean) and not NAMES_UNIT.search(joined):
                self.table.read(row, clean)
                return
        self._by_section(row, clean, first, joined)

    def _by_section(self, row: Row, clean: list[str], first: str, joined: str) -> None:
        form, section, spec = self.form, self.section, self.spec
        if section is _HEADER:
            if TITLE_WORD in first:
                form.title = first
                self.spec = spec = spec_of_title(first)
                form.kind = spec.kind
                read_year(form, joined)
                return
            if form.year is None and is_year_row(joined):
                read_year(form, joined)
                return
        label = first.replace(" ", "")
        early = section in (_HEADER, _FUNDS)
        if early and WAN_YUAN.search(joined):
            form.amount_unit = WAN
        if label.startswith(spec.name_labels):
            name = next((lb for lb in spec.name_labels if label.startswith(lb)), "")
            found = label_value(row.texts(), name)
            if found is not None:
                form.project = Text(text=found[0], loc=row.cell_loc(found[1]))
            return
        if early and label.startswith(HEADER_TOTAL_LABELS):
            self._header_total(row, label)
            return
        if spec.names_header(joined) and (section is _HEADER or not (form.department or form.unit)):
            spec.read_header(form, row)
            return
        if checklist.opens(form, clean):
            self.checklist = checklist.Checklist(form, row, clean)
            self.section = _CHECKLIST
            return
        if transfer.opens_management(form, label):
            self.section = _MANAGEMENT
            return
        if label.startswith(spec.funds_blocks) or (early and all(w in joined for w in spec.funds_header_words)):
            self.funds_hdr = read_funds_header(row)
            self.section = _FUNDS
            if WAN in joined:
                form.amount_unit = WAN
            return
        if (section is _FUNDS or (section is _HEADER and self.funds_hdr is not None)) \
                and read_funds(form, self.funds_hdr, row, clean):
            return
        if is_goals_header(joined):
            self.section = _GOALS
            self.goals_col = goals_column(clean, self.goals_col)
            return
        if spec.is_indicator_header(clean):
            if self.table is None:
                self.table = IndicatorTable(form, row)
            else:
                self.table.header(row)
            self.section = _INDICATORS
            return
        if section is _MANAGEMENT:
            transfer.read_management(form, row, clean)
        elif section is _GOALS:
            read_goal_row(form.goals, clean, self.goals_col, row.cell_loc)
        elif section is _INDICATORS:
            self.table.read(row, clean)

    def _total(self, row: Row) -> None:
        """总分 | … | 100 | 97.5 (totals.read_total)."""
        self.saw_total = True
        fields = self.table.hdr.fields
        self.form.total = totals.read_total(row.texts(), fields.get("weight"), fields.get("score"), row.loc,
                                            row.cell_loc)
        self.section = _DONE

    def _form_deviation(self, row: Row, clean: list[str]) -> None:
        """偏差原因分析及改进措施 | one paragraph for the whole form, below the table."""
        texts = [(i, t) for i, t in enumerate(clean) if t][1:]
        if texts:
            self.form.deviation = Text("".join(t for _, t in texts), row.cell_loc(texts[0][0]))

    def _header_total(self, row: Row, label: str) -> None:
        """自评得分 | 98 in the header rows: the form's self-score, its total when no 总分 row follows."""
        found = label_value(row.texts(), next(x for x in HEADER_TOTAL_LABELS if label.startswith(x)))
        if found is not None:
            a = amount(found[0], row.cell_loc(found[1]))
            if a.value is not None:
                self.form.header_total = a

    def finish(self) -> Form:
        f = self.form
        where = self.last_row.loc
        if self._cut_off():
            return f
        missing = []
        name_label = self.spec.name_labels[0]
        if not f.project.text:
            missing.append(name_label)
        if self.checklist is not None:
            missing += self.checklist.missing()
        elif self.funds_hdr is None:
            missing.append(f"{self.spec.funds_blocks[0]}表头（年初预算数/全年预算数/全年执行数…）")
        elif f.funds.total.annual_budget.value is None and f.funds.total.executed.value is None:
            missing.append("年度资金总额行")
        if self.checklist is not None:
            pass  # its indicators are rows of the checklist
        elif self.table is None or not self.table.hdr.fields:
            missing.append("绩效指标表头（一级指标/二级指标/三级指标…）")
        elif not f.indicators:
            missing.append("绩效指标行")
        if missing:
            start = f.source.line if f.source else None
            raise ReadError(
                f"自评表“{f.project.text or f'（无{name_label}）'}”（自第{start}行起）不完整，读到第{where.line}行为止，缺少："
                + "、".join(missing),
                Loc(file=where.file, line=where.line, sheet=where.sheet),
            )
        if self.checklist is not None:
            return f  # no points, no parent rows, no table columns to settle
        table = self.table
        table.finish(where)
        self._drop_parent_rows()
        department.take_columns(f, table.extras)  # 调整指标值, 得分系数, 是否核心指标 of a flat list
        f.layout = family_of(f, table.hdr.fields)
        if f.layout == TWENTY_EIGHTY:  # no 分值 printed: the weights the fitting rule set implies
            imply_weights(f, pick_ruleset([f])[0])
        if any(table.extras):
            f.extra["indicator_columns"] = [dict(x) for x in table.extras]
        department.group_funds(f)
        total_from_rows(f)
        for ind in f.indicators:
            if not ind.name.text:
                record(f, "missing-name", "指标行缺少三级指标名称", ind.loc or where)
        if not self.saw_total:
            if f.header_total is not None:
                f.total = Total(score=f.header_total, loc=f.header_total.loc)
                record(f, "header-total", f"表格没有“总分”行，总分取表头“自评得分” {f.header_total.text}",
                       f.header_total.loc)
            elif totals.total_in_funds_row(f):
                pass  # the total typed into the funds row's 分值/得分
            elif "weight" in table.hdr.fields or "score" in table.hdr.fields:  # a table without points has no 总分
                totals.infer_total(f, self.last_row.loc)
        return f

    def _cut_off(self) -> bool:
        """A form read through its header, funds and goals that stops before its indicator table
        (a page cut off when it was published) is kept, marked incomplete with what it lacks:
        True. Any other form (complete, or cut short earlier) goes on to finish's checks."""
        f = self.form
        if self.table is not None or not f.project.text or self.funds_hdr is None:
            return False
        if f.funds.total.annual_budget.value is None and f.funds.total.executed.value is None:
            return False
        if not (f.goals.planned.text or f.goals.achieved.text):
            return False
        f.incomplete = ["绩效指标表（一级指标/二级指标/三级指标…）", "总分"]
        f.layout = family_of(f, None)
        return True

    def _drop_parent_rows(self) -> None:
        """Parent rows (一、… over 1、…, ★… over 其中：…) are headings, not indicators: they leave
        the indicator list for form.extra["parent_rows"] and their children name them in
        `parent`. A parent whose points are its children's sum is found by the sum; one whose
        points differ by its marks (check W003 compares the two)."""
        inds = self.form.indicators
        for k, children in totals.parent_rows(inds):
            self._drop_parent(k, children, True)
        for k, children in totals.marked_parent_rows(inds):
            self._drop_parent(k, children, False)

    def _drop_parent(self, k: int, children: int, adds_up: bool) -> None:
        inds = self.form.indicators
        parent = inds.pop(k)
        self.table.drop(k)
        first = inds[k]
        stripped = _CHILD_PREFIX.sub("", first.name.text)
        if stripped and stripped != first.name.text:
            first.name.text = stripped
        kids = inds[k:k + children]
        for child in kids:
            child.parent = parent.name.text
        cw, cs = totals.sum_of(c.weight for c in kids), totals.sum_of(c.score for c in kids)
        self.form.extra.setdefault("parent_rows", []).append(
            {"name": parent.name.text, "weight": parent.weight.text, "score": parent.score.text,
             "children": children, "children_weight": decimal_text(cw) if cw is not None else "",
             "children_score": decimal_text(cs) if cs is not None else "",
             "line": parent.loc.line if parent.loc else None})
        if adds_up:
            message = f"“{parent.name.text}”的分值 {parent.weight.text} 等于其下 {children} 行之和，是汇总行，不计为指标"
        else:
            message = f"“{parent.name.text}”是其下 {children} 行的上级行，不计为指标，按下级行计分"
        record(self.form, "parent-row", message, parent.loc or self.last_row.loc)
