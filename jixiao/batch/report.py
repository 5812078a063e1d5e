"""What a batch run leaves for people: a summary workbook (per department and unit, per rule,
the files that could not be read, with native Excel charts) and a CSV of every finding.

Both are built from the store, a chunk of forms at a time, for exactly the forms of the batch
(the ledger lists them), so a resumed run reports on the whole batch and memory stays flat:
only the per-department, per-unit and per-rule totals are held.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ..rules.catalogue import RULES, SEVERITY_NAME
from ..model import KIND_NAMES, KINDS, PROJECT, Loc
from ..rules import RuleSet
from ..store.queries import Group as Figures
from ..values import round2
from .ledger import DUPLICATE, FAILED, SKIPPED, STORED, UNREADABLE, Ledger
from .sink import FINDINGS, FORMS, IN_CHUNK, StoreWriter

STATUS_NAME = {STORED: "已保存", SKIPPED: "此前已保存", DUPLICATE: "与本批其他文件相同", UNREADABLE: "无法读取",
               FAILED: "处理失败"}
GRADES = ("优", "良", "中", "差")
MAX_PROBLEM_ROWS = 20_000  # rows of the 问题文件 sheet; memory for a workbook grows with its cells
HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class Group(Figures):
    """The dashboard's figures of a department or unit, with the counts the workbook adds."""

    unit: str = ""
    self_grades: Counter = field(default_factory=Counter)
    rescored_grades: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)  # rule → findings

    @property
    def department(self) -> str:
        return self.name

    def add(self, r) -> None:
        super().add(r)
        if r.self_grade:
            self.self_grades[r.self_grade] += 1
        if r.rescored_grade:
            self.rescored_grades[r.rescored_grade] += 1


@dataclass
class Totals:
    all: Group = field(default_factory=lambda: Group("合计"))
    departments: dict[str, Group] = field(default_factory=dict)
    units: dict[tuple[str, str], Group] = field(default_factory=dict)
    kinds: dict[str, Group] = field(default_factory=dict)  # form kind → its figures
    rule_forms: Counter = field(default_factory=Counter)  # rule → forms with at least one finding


def gather(ledger: Ledger, writer: StoreWriter) -> Totals:
    t = Totals()
    cols = (FORMS.c.id, FORMS.c.department, FORMS.c.unit, FORMS.c.budget, FORMS.c.executed, FORMS.c.self_total,
            FORMS.c.rescored_total, FORMS.c.self_grade, FORMS.c.rescored_grade, FORMS.c.kind)
    with writer.engine.connect() as c:
        for ids in ledger.form_ids(IN_CHUNK):
            groups: dict[int, tuple[Group, ...]] = {}
            for r in c.execute(select(*cols).where(FORMS.c.id.in_(ids))):
                dep = t.departments.setdefault(r.department, Group(r.department or "（未填）"))
                unit = t.units.setdefault((r.department, r.unit), Group(r.department or "（未填）", unit=r.unit or "（未填）"))
                kind = t.kinds.setdefault(r.kind, Group(KIND_NAMES.get(r.kind, r.kind)))
                for g in (t.all, dep, unit, kind):
                    g.add(r)
                groups[r.id] = (t.all, dep, unit, kind)
            seen: set[tuple[int, str]] = set()
            for form_id, rule, severity in c.execute(select(FINDINGS.c.form_id, FINDINGS.c.rule, FINDINGS.c.severity)
                                                     .where(FINDINGS.c.form_id.in_(ids))):
                for g in groups[form_id]:
                    g.rules[rule] += 1
                    g.severities[severity] += 1
                if (form_id, rule) not in seen:
                    seen.add((form_id, rule))
                    t.rule_forms[rule] += 1
    for _, _, errors in ledger.files_with_errors():
        # a file (or a form in it) that could not be read: the batch's P001, in no form's counts
        t.all.rules["P001"] += len(errors)
        t.all.severities["error"] += len(errors)
        t.rule_forms["P001"] += 1
    return t


# -- the workbook ---------------------------------------------------------------------------
def _header(ws, row: int, names: list[str]) -> None:
    for k, name in enumerate(names, 1):
        cell = ws.cell(row=row, column=k, value=name)
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws, widths: list[int]) -> None:
    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w


def _group_row(g: Group, rules: list[str]) -> list:
    self_avg, rescored_avg = g.self_avg, g.rescored_avg
    diff = rescored_avg - self_avg if self_avg is not None and rescored_avg is not None else None
    return [g.forms, g.budget, g.executed, g.rate, self_avg, rescored_avg, diff,
            *(g.self_grades.get(x, 0) for x in GRADES), *(g.rescored_grades.get(x, 0) for x in GRADES),
            g.severities.get("error", 0), g.severities.get("warning", 0), g.severities.get("info", 0),
            *(g.rules.get(r, 0) for r in rules)]


GROUP_HEAD = ["自评表数", "全年预算数（元）", "全年执行数（元）", "执行率（%）", "自评平均分", "重新评分平均分", "差值",
              *(f"自评{x}" for x in GRADES), *(f"重评{x}" for x in GRADES), "错误", "警告", "提示"]


def _group_sheet(wb: Workbook, title: str, groups: list[Group], by_unit: bool, rules: list[str],
                 lead: list[str] | None = None) -> None:
    ws = wb.create_sheet(title)
    lead = lead or (["主管部门", "实施单位"] if by_unit else ["主管部门"])
    _header(ws, 1, lead + GROUP_HEAD + [f"{r}条数" for r in rules])
    for g in groups:
        ws.append(([g.department, g.unit] if by_unit else [g.department]) + _group_row(g, rules))
    for row in ws.iter_rows(min_row=2, min_col=len(lead) + 2, max_col=len(lead) + 3):
        for cell in row:
            cell.number_format = "#,##0.00"
    ws.freeze_panes = ws.cell(row=2, column=len(lead) + 1)
    _widths(ws, [28] * len(lead) + [10, 18, 18] + [12] * (len(GROUP_HEAD) - 3 + len(rules)))
    n = len(groups)
    if not n:
        return
    first = len(lead) + 1  # 自评表数
    if by_unit:
        # each unit a point: its self-reported average against the re-scored one
        chart = ScatterChart()
        chart.title = "各单位自评平均分与重新评分平均分"
        chart.style = 13
        chart.x_axis.title = "自评平均分"
        chart.y_axis.title = "重新评分平均分"
        xs = Reference(ws, min_col=first + 4, min_row=2, max_row=n + 1)
        ys = Reference(ws, min_col=first + 5, min_row=2, max_row=n + 1)
        s = Series(ys, xs, title="单位")
        s.marker.symbol = "circle"
        s.graphicalProperties.line.noFill = True
        chart.series.append(s)
    else:
        chart = BarChart()
        chart.type = "col"
        chart.title = "各部门自评平均分与重新评分平均分"
        chart.y_axis.title = "平均分"
        data = Reference(ws, min_col=first + 4, max_col=first + 5, min_row=1, max_row=n + 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, ws.cell(row=n + 4, column=1).coordinate)


def write_workbook(path: Path, ledger: Ledger, writer: StoreWriter, ruleset: RuleSet, summary) -> None:
    t = gather(ledger, writer)
    rules = [r for r in RULES if t.all.rules.get(r)]
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws["A1"] = "自评表批量检查汇总"
    ws["A1"].font = Font(bold=True, size=14)
    c = summary.counts
    a = t.all
    facts = [
        ("规则集", ruleset.name),
        ("文件数", summary.files),
        ("新读取并保存", c.get(STORED, 0)),
        ("此前已保存（跳过）", c.get(SKIPPED, 0)),
        ("与本批其他文件相同", c.get(DUPLICATE, 0)),
        ("无法读取", c.get(UNREADABLE, 0)),
        ("处理失败", c.get(FAILED, 0)),
        ("自评表数", a.forms),
        ("全年预算数合计（元）", a.budget),
        ("全年执行数合计（元）", a.executed),
        ("总体执行率（%）", a.rate),
        ("自评平均分", a.self_avg),
        ("重新评分平均分", a.rescored_avg),
        ("错误 / 警告 / 提示", f"{a.severities.get('error', 0)} / {a.severities.get('warning', 0)} / {a.severities.get('info', 0)}"),
        ("运行于", summary.engine),
        ("用时（秒）", round2(Decimal(str(summary.seconds)))),
    ]
    for k, (name, value) in enumerate(facts, 3):
        ws.cell(row=k, column=1, value=name).font = HEAD
        ws.cell(row=k, column=2, value=value)
    top = len(facts) + 5
    _header(ws, top, ["等级", "自评", "重新评分"])
    for k, g in enumerate(GRADES, 1):
        ws.append([g, a.self_grades.get(g, 0), a.rescored_grades.get(g, 0)])
    chart = BarChart()
    chart.type = "col"
    chart.title = "等级分布：自评与重新评分"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=top, max_row=top + len(GRADES)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(GRADES)))
    chart.height, chart.width = 8, 14
    ws.add_chart(chart, "E3")
    _widths(ws, [22, 40, 12])

    _group_sheet(wb, "按部门", sorted(t.departments.values(), key=lambda g: g.department), False, rules)
    _group_sheet(wb, "按单位", sorted(t.units.values(), key=lambda g: (g.department, g.unit)), True, rules)
    if set(t.kinds) - {PROJECT}:  # forms of other kinds in the batch: their figures apart
        _group_sheet(wb, "按种类", [t.kinds[k] for k in KINDS if k in t.kinds], False, rules, lead=["种类"])

    ws = wb.create_sheet("按规则")
    _header(ws, 1, ["规则", "说明", "级别", "发现条数", "涉及自评表数"])
    for r in rules:
        rule = RULES[r]
        ws.append([r, rule.title, SEVERITY_NAME.get(ruleset.check(r).severity, ""), a.rules.get(r, 0), t.rule_forms.get(r, 0)])
    _widths(ws, [8, 36, 8, 12, 14])
    if rules:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各规则涉及的自评表数"
        chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=len(rules) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rules) + 1))
        chart.height, chart.width = 12, 16
        ws.add_chart(chart, "G2")

    ws = wb.create_sheet("问题文件")
    _header(ws, 1, ["文件", "处理结果", "原因", "位置"])
    shown = more = 0
    for rel, status, errors in ledger.files_with_errors():
        for e in errors:
            if shown >= MAX_PROBLEM_ROWS:  # the workbook stays small; the CSV has every one
                more += 1
                continue
            loc = Loc.from_dict(e.get("location"))
            ws.append([rel, STATUS_NAME.get(status, status), e.get("message", ""), str(loc) if loc else ""])
            shown += 1
    if more:
        ws.append([f"……另有 {more:,} 条，见全部发现的 CSV（规则 P001）"])
    _widths(ws, [40, 16, 80, 40])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# -- the findings CSV -----------------------------------------------------------------------
CSV_HEAD = ["文件", "项目名称", "主管部门", "实施单位", "规则", "级别", "说明", "指标", "字段", "应为", "填报", "差额", "位置"]


def write_findings_csv(path: Path, ledger: Ledger, writer: StoreWriter) -> int:
    """Every finding of the batch, file by file in walk order; files that could not be read as P001."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh, writer.engine.connect() as c:
        out = csv.writer(fh)
        out.writerow(CSV_HEAD)
        for files in ledger.files_in_order():
            by_seq: dict[int, list[int]] = {}
            for seq, form_id in ledger.forms_between(files[0][0], files[-1][0]):
                by_seq.setdefault(seq, []).append(form_id)
            ids = [fid for ids in by_seq.values() for fid in ids]
            forms = {r.id: r for r in c.execute(select(FORMS.c.id, FORMS.c.project, FORMS.c.department, FORMS.c.unit)
                                                  .where(FORMS.c.id.in_(ids)))} if ids else {}
            found: dict[int, list] = {}
            if ids:
                for r in c.execute(select(FINDINGS).where(FINDINGS.c.form_id.in_(ids))
                                   .order_by(FINDINGS.c.form_id, FINDINGS.c.position)):
                    found.setdefault(r.form_id, []).append(r)
            for seq, rel, status, errors in files:
                for e in errors or ():
                    loc = Loc.from_dict(e.get("location"))
                    out.writerow([rel, "", "", "", "P001", SEVERITY_NAME["error"], f"无法读取：{e.get('message', '')}",
                                  "", "", "", "", "", str(loc) if loc else rel])
                    n += 1
                for fid in by_seq.get(seq, ()):
                    f = forms[fid]
                    for r in found.get(fid, ()):
                        loc = Loc.from_dict(r.location)
                        out.writerow([rel, f.project, f.department, f.unit, r.rule, SEVERITY_NAME.get(r.severity, r.severity),
                                      r.message, r.indicator or "", r.field or "", r.expected or "", r.printed or "",
                                      r.difference or "", str(loc) if loc else ""])
                        n += 1
    return n
