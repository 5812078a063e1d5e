"""The HTML report of `jixiao check --html`: one standalone page a person can open and print.

Each form is drawn as a table like the paper form; every finding is marked on its cell (found
through `Finding.field`) with a numbered link to the list of findings below the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from ..checks import FormReport
from ..rules.catalogue import INTERNAL, RULES, SEVERITY_NAME, SEVERITY_RANK
from ..checks.finding import Finding
from ..errors import ReadError
from ..rules import RuleSet
from ..score import ACHIEVEMENT_NAMES
from ..values import decimal_text

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 24px; color: #222; font-size: 13px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 6px; }
.meta, .muted { color: #666; }
.summary { display: flex; gap: 12px; margin: 8px 0 12px; flex-wrap: wrap; }
.box { border: 1px solid #bbb; border-radius: 4px; padding: 6px 10px; }
.box b { font-size: 16px; }
.changed { color: #a0007a; }
section.form { margin-bottom: 36px; }
table.paper { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.paper td, table.paper th { border: 1px solid #555; padding: 3px 5px; vertical-align: middle;
       word-break: break-all; }
table.paper th { background: #f0f0f0; font-weight: normal; }
td.label { background: #fafafa; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
td.re { text-align: right; background: #f7f3ff; white-space: nowrap; }
td.text { font-size: 12px; }
.sev-error { background: #fde2e2 !important; outline: 2px solid #d33; outline-offset: -2px; }
.sev-warning { background: #fff3cd !important; outline: 2px solid #e0a800; outline-offset: -2px; }
.sev-info { background: #e3f2fd !important; }
sup.mark a { color: #b00; text-decoration: none; font-weight: bold; margin-left: 2px; }
.exp { font-size: 11px; color: #b00; }
.ach { font-size: 11px; color: #666; }
ol.findings { padding-left: 28px; }
ol.findings li { margin: 5px 0; }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; color: #fff; font-size: 12px; }
.badge.error { background: #c62828; } .badge.warning { background: #b8860b; } .badge.info { background: #1565c0; }
.nums { color: #555; font-size: 12px; }
.errors { border: 2px solid #c62828; padding: 8px 12px; margin-bottom: 24px; }
@media print {
  body { margin: 0; font-size: 11px; }
  section.form { page-break-after: always; }
  a { color: inherit; }
}
@page { size: A4 landscape; margin: 12mm; }
"""

_IND_FIELD = re.compile(r"^indicators\[(\d+)\](?:\.(\w+))?$")


def _e(text: object) -> str:
    return escape("" if text is None else str(text))


def _amount(a) -> str:
    return _e(decimal_text(a.value, exact=True) if a.value is not None else a.text)


class _Marks:
    """Findings of one form by the cell they are about."""

    def __init__(self, form_no: int, findings: Sequence[Finding]):
        self.form_no = form_no
        self.by_field: dict[str, list[tuple[int, Finding]]] = {}
        for n, f in enumerate(findings, 1):
            field = f.field or ""
            m = _IND_FIELD.match(field)
            if m and m.group(2) is None:
                field = f"indicators[{m.group(1)}].name"  # a whole-row finding is marked on the name
            self.by_field.setdefault(field, []).append((n, f))

    def cell(self, fields: str | Sequence[str], content: str, cls: str = "", extra: str = "") -> str:
        """A <td> with the marks of the findings on its field(s)."""
        keys = [fields] if isinstance(fields, str) else list(fields)
        found = [x for k in keys for x in self.by_field.get(k, [])]
        classes = [cls] if cls else []
        marks = ""
        if found:
            worst = min(found, key=lambda x: SEVERITY_RANK.get(x[1].severity, 0))[1]
            classes.append(f"sev-{worst.severity}")
            marks = "".join(
                f'<sup class="mark"><a href="#f{self.form_no}-{n}" title="{_e(f.rule)} {_e(f.message)}">{n}</a></sup>'
                for n, f in found
            )
            exp = next((f for _, f in sorted(found, key=lambda x: SEVERITY_RANK.get(x[1].severity, 0))
                        if f.expected is not None and f.severity != "info"), None)
            if exp is not None:
                marks += f'<div class="exp">应为 {_e(exp.expected)}</div>'
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f"<td{attr}{extra}>{content}{marks}</td>"


def _funds_rows(form, marks: _Marks, a) -> list[str]:
    fr = form.funds.total
    n_rows = 2 + len(form.funds.rows)
    out = [
        f'<tr><td class="label" rowspan="{n_rows}">项目资金<br>（{_e(form.amount_unit)}）</td><th></th>'
        "<th>年初预算数</th><th>全年预算数</th><th>全年执行数</th><th>分值</th><th>执行率</th><th>得分</th>"
        "<th>应为（重新计算）</th></tr>"
    ]
    rate = f"{decimal_text(a.rate, exact=True)}%" if a.rate is not None else "—"
    re_score = decimal_text(a.execution_score)
    out.append(
        "<tr><td class=\"label\">年度资金总额</td>"
        + marks.cell("funds.initial_budget", _amount(fr.initial_budget), "num")
        + marks.cell("funds.annual_budget", _amount(fr.annual_budget), "num")
        + marks.cell("funds.executed", _amount(fr.executed), "num")
        + marks.cell("funds.weight", _amount(fr.weight), "num")
        + marks.cell("funds.rate", _e(fr.rate.text), "num")
        + marks.cell("funds.score", _amount(fr.score), "num")
        + f'<td class="re">执行率 {_e(rate)}<br>得分 {_e(re_score)}</td></tr>'
    )
    for k, r in enumerate(form.funds.rows):
        p = f"funds.rows[{k}]"
        out.append(
            f'<tr><td class="label">{_e(r.label)}</td>'
            + marks.cell(f"{p}.initial_budget", _amount(r.initial_budget), "num")
            + marks.cell(f"{p}.annual_budget", _amount(r.annual_budget), "num")
            + marks.cell(f"{p}.executed", _amount(r.executed), "num")
            + marks.cell(f"{p}.weight", _amount(r.weight), "num")
            + marks.cell(f"{p}.rate", _e(r.rate.text), "num")
            + marks.cell(f"{p}.score", _amount(r.score), "num")
            + '<td class="re"></td></tr>'
        )
    return out


def _spans(values: list[str]) -> list[int]:
    """Rowspans for runs of equal values (0 = covered by the cell above), like merged cells on paper."""
    spans = [0] * len(values)
    k = 0
    while k < len(values):
        j = k
        while j + 1 < len(values) and values[j + 1] == values[k]:
            j += 1
        spans[k] = j - k + 1
        k = j + 1
    return spans


def _indicator_rows(form, marks: _Marks, a) -> list[str]:
    out = [
        '<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th>'
        "<th>分值</th><th>得分</th><th>重新评分</th><th>偏差原因分析及改进措施</th></tr>"
    ]
    inds = form.indicators
    l1 = [i.level1.text for i in inds]
    l2 = [f"{i.level1.text}/{i.level2.text}" for i in inds]
    s1, s2 = _spans(l1), _spans(l2)
    for k, ind in enumerate(inds):
        ia = a.indicators[k] if k < len(a.indicators) else None
        cells = []
        for spans, level, text in ((s1, "level1", ind.level1.text), (s2, "level2", ind.level2.text)):
            if spans[k]:
                fields = [f"indicators[{j}].{level}" for j in range(k, k + spans[k])]
                cells.append(marks.cell(fields, _e(text), "label", f' rowspan="{spans[k]}"' if spans[k] > 1 else ""))
        cells.append(marks.cell(f"indicators[{k}].name", _e(ind.name.text)))
        cells.append(marks.cell(f"indicators[{k}].target", _e(ind.target.text)))
        cells.append(marks.cell(f"indicators[{k}].actual", _e(ind.actual.text)))
        cells.append(marks.cell(f"indicators[{k}].weight", _amount(ind.weight), "num"))
        cells.append(marks.cell(f"indicators[{k}].score", _amount(ind.score), "num"))
        if ia is not None:
            re_text = decimal_text(ia.rescored)
            changed = ia.rescored is not None and ind.score.value is not None and ia.rescored != ind.score.value
            kept = "（沿用）" if ia.expected is None and ia.rescored is not None else ""
            cells.append(
                f'<td class="re"><span class="{"changed" if changed else ""}">{_e(re_text)}{kept}</span>'
                f'<div class="ach">{_e(ACHIEVEMENT_NAMES.get(ia.achievement, ""))}</div></td>'
            )
        else:
            cells.append('<td class="re">—</td>')
        cells.append(marks.cell(f"indicators[{k}].deviation", _e(ind.deviation.text), "text"))
        out.append("<tr>" + "".join(cells) + "</tr>")
    t = form.total
    re_total = decimal_text(a.rescored_total)
    out.append(
        '<tr><td class="label" colspan="5">总分' + ("（无总分行，读取时推算）" if t.inferred else "") + "</td>"
        + marks.cell("total.weight", _amount(t.weight), "num")
        + marks.cell("total.score", _amount(t.score), "num")
        + f'<td class="re"><b>{_e(re_total)}</b></td><td></td></tr>'
    )
    return out


def _finding_item(form_no: int, n: int, f: Finding) -> str:
    rule = RULES.get(f.rule, INTERNAL)
    where = []
    if f.indicator:
        where.append(f"指标“{_e(f.indicator)}”")
    if f.field:
        where.append(f"单元格 {_e(f.field)}")
    if f.location:
        where.append(_e(f.location))
    nums = [f"{label} {_e(v)}" for label, v in (("应为", f.expected), ("填报", f.printed), ("相差", f.difference)) if v is not None]
    return (
        f'<li id="f{form_no}-{n}"><span class="badge {_e(f.severity)}">{_e(SEVERITY_NAME.get(f.severity, f.severity))}</span> '
        f"<b>{_e(f.rule)}</b> {_e(rule.title)}：{_e(f.message)}"
        + (f'<div class="nums">{"；".join(nums)}</div>' if nums else "")
        + (f'<div class="muted">{"，".join(where)}</div>' if where else "")
        + "</li>"
    )


def _form_section(form_no: int, report: FormReport, findings: Sequence[Finding]) -> str:
    form, a = report.form, report.assessment
    marks = _Marks(form_no, findings)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    changed = a.rescored_total is not None and a.self_total is not None and a.rescored_total != a.self_total
    total_text = lambda v, g: f"{decimal_text(v)}（{g}）" if v is not None else "—"  # noqa: E731
    parts = [
        f'<section class="form" id="form{form_no}">',
        f"<h2>{form_no}. {_e(form.label)}</h2>",
        f'<div class="meta">{_e(form.year or "")}年度　主管部门：{_e(form.department.text)}　实施单位：{_e(form.unit.text)}'
        f"　来源：{_e(form.source)}</div>",
        '<div class="summary">'
        f'<div class="box">自评总分 <b>{_e(total_text(a.self_total, a.self_grade))}</b></div>'
        f'<div class="box">重新评分 <b class="{"changed" if changed else ""}">{_e(total_text(a.rescored_total, a.rescored_grade))}</b></div>'
        f'<div class="box">错误 <b>{counts["error"]}</b>　警告 <b>{counts["warning"]}</b>　提示 <b>{counts["info"]}</b></div>'
        "</div>",
    ]
    for note in a.notes:
        parts.append(f'<div class="muted">注：{_e(note)}</div>')
    rows = [
        '<table class="paper"><colgroup><col style="width:9%"><col style="width:10%"><col style="width:14%">'
        '<col style="width:9%"><col style="width:9%"><col style="width:6%"><col style="width:6%">'
        '<col style="width:9%"><col style="width:28%"></colgroup>',
        '<tr><td class="label">项目名称</td>' + f'<td colspan="8">{_e(form.project.text)}</td></tr>',
    ]
    rows += _funds_rows(form, marks, a)
    rows.append(
        '<tr><td class="label" rowspan="2">年度总体目标</td><th colspan="4">预算目标</th><th colspan="4">实际完成情况</th></tr>'
        "<tr>" + marks.cell("goals.planned", _e(form.goals.planned.text), "text", ' colspan="4"')
        + marks.cell("goals.achieved", _e(form.goals.achieved.text), "text", ' colspan="4"') + "</tr>"
    )
    rows += _indicator_rows(form, marks, a)
    rows.append("</table>")
    parts += rows
    if findings:
        parts.append(f"<h3>发现的问题（{len(findings)} 处）</h3><ol class=\"findings\">")
        parts += [_finding_item(form_no, n, f) for n, f in enumerate(findings, 1)]
        parts.append("</ol>")
    else:
        parts.append("<p>未发现问题。</p>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(
    reports: Sequence[FormReport],
    errors: Sequence[ReadError] = (),
    ruleset: RuleSet | None = None,
    shown: Sequence[Sequence[Finding]] | None = None,
) -> str:
    """The whole report as one HTML document (inline CSS, no external files)."""
    shown = shown if shown is not None else [r.findings for r in reports]
    total = {s: sum(1 for fs in shown for f in fs if f.severity == s) for s in ("error", "warning", "info")}
    rules_text = f"规则集：{_e(ruleset.name)}（{_e(ruleset.id)}）" if ruleset else ""
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>绩效自评表检查报告</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>绩效自评表检查报告</h1>",
        f'<p class="meta">{rules_text}　共 {len(reports)} 张自评表：错误 {total["error"]} 处，'
        f'警告 {total["warning"]} 处，提示 {total["info"]} 处。单元格上的编号对应表下方的问题列表。</p>',
    ]
    if errors:
        head.append('<div class="errors"><b>无法读取（P001）</b><ul>')
        head += [f"<li>{_e(e)}</li>" for e in errors]
        head.append("</ul></div>")
    body = [_form_section(k, r, fs) for k, (r, fs) in enumerate(zip(reports, shown), 1)]
    return "\n".join(head + body + ["</body></html>"]) + "\n"
