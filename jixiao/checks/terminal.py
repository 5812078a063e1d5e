"""The terminal report of `jixiao check`.

For a few forms (up to DETAIL_UP_TO) or with --detail: per form the self-score against the
re-score, then every finding as a table, errors first. For more forms: one line per form
(project, self-score and re-score, counts by severity, where it came from, the worst finding).
Both end with the totals.

Plain lines written with click: styles only when the output is a terminal, the detailed table
wrapped to the terminal's width only there (in a file or a pipe every finding is one line, for
grep). No layout
engine: printing stays a small fraction of reading (docs/benchmarks.md).
"""

from __future__ import annotations

import shutil
import sys

import click
from rich.cells import cell_len, chop_cells

from ..errors import ReadError
from ..model import KIND_NAMES, PROJECT
from ..values import decimal_text
from . import FormReport
from ..rules.catalogue import SEVERITY_NAME
from .finding import Finding

DETAIL_UP_TO = 5  # forms: more than this and the report is one line per form unless --detail
SEVERITIES = ("error", "warning", "info")
STYLE = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}
PLACE_MAX = 30  # cells: the widest the 位置 column of the detailed table is padded to

FIELD_NAMES = {
    "funds.initial_budget": "年初预算数", "funds.annual_budget": "全年预算数", "funds.executed": "全年执行数",
    "funds.weight": "执行率分值", "funds.rate": "执行率", "funds.score": "执行率得分",
    "total.weight": "总分·分值", "total.score": "总分·得分",
    "goals.planned": "预算目标", "goals.achieved": "实际完成情况",
}


def _where(f: Finding) -> str:
    parts = []
    if f.indicator:
        parts.append(f.indicator)
    elif f.field:
        parts.append(FIELD_NAMES.get(f.field, f.field))
    if f.location is not None and f.location.line is not None:
        parts.append(f"第{f.location.line}行")
    return " ".join(parts)


def _total(value, grade) -> str:
    return f"{decimal_text(value)}（{grade}）" if value is not None else "—"


def _pad(text: str, cells: int) -> str:
    return text + " " * (cells - cell_len(text))


def _severity(severity: str) -> str:
    return click.style(SEVERITY_NAME.get(severity, severity), **STYLE.get(severity, {}))


def _width() -> int | None:
    """The terminal's width when the report goes to one, else None (no wrapping)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for x in findings:
        counts[x.severity] = counts.get(x.severity, 0) + 1
    return counts


def _rescored(report: FormReport) -> str:
    a = report.assessment
    changed = a.rescored_total is not None and a.self_total is not None and a.rescored_total != a.self_total
    return click.style(_total(a.rescored_total, a.rescored_grade), fg="magenta" if changed else "green", bold=True)


def _self_total(report: FormReport) -> str:
    a = report.assessment
    return _total(a.self_total, a.self_grade) + ("（读取时推算）" if report.form.total.inferred else "")


def _form_detail(report: FormReport, findings: list[Finding], width: int | None) -> list[str]:
    a, f = report.assessment, report.form
    rate = f"{decimal_text(a.rate, exact=True)}%" if a.rate is not None else "无法计算"
    kind = f"（{KIND_NAMES[f.kind]}）" if f.kind != PROJECT else ""  # another kind of form says so
    lines = [click.style(f"【{f.label}】{kind}", bold=True) + click.style(f"  {f.source or ''}", dim=True),
             f"  自评总分 {_self_total(report)}    重新评分 {_rescored(report)}"
             f"    执行率 {rate}（填报 {f.funds.total.rate.text or '—'}）"]
    lines += [click.style(f"  注：{note}", dim=True) for note in a.notes]
    hidden = len(report.findings) - len(findings)
    if not findings:
        more = f"（另有 {hidden} 处较低级别的问题未显示）" if hidden else ""
        return lines + [click.style(f"  未发现问题{more}。", fg="green"), ""]
    places = [_where(x) for x in findings]
    place_w = max(4, min(PLACE_MAX, max(cell_len(p) for p in places)))
    indent = 2 + 4 + 2 + 4 + 2 + place_w + 2  # 级别, 规则, 位置 and the gaps before 说明
    lines.append("  " + click.style(f"级别  规则  {_pad('位置', place_w)}  说明", bold=True))
    for x, place in zip(findings, places):
        head = f"  {_severity(x.severity)}  {x.rule:<4}  {_pad(place, place_w)}  "
        if width is None or width - indent < 20:
            lines.append(head + x.message)
            continue
        # a 位置 wider than its column pushes the first piece right; a piece narrower than 10
        # cells is not worth it: the text then starts on the next line, under 说明
        room = width - (indent + max(0, cell_len(place) - place_w))
        first = chop_cells(x.message, room)[0] if room >= 10 else ""
        lines.append(head + first)
        lines += [" " * indent + c for c in chop_cells(x.message[len(first):], width - indent)]
    if hidden:
        lines.append(click.style(f"  另有 {hidden} 处较低级别的问题未显示。", dim=True))
    return lines + [""]


def _worst(findings: list[Finding]) -> str:
    """The first finding of a form (errors come first), as a line's last column: never cut, a
    terminal wraps it."""
    if not findings:
        return click.style("未发现问题", fg="green")
    x = findings[0]
    place = _where(x)
    return f"{_severity(x.severity)} {x.rule} " + (f"{place}：" if place else "") + x.message


def _form_lines(reports: list[FormReport], shown: list[list[Finding]]) -> list[str]:
    """One line per form: 项目, 自评, 复核, counts by severity, 来源, 最严重的问题."""
    rows = []
    for report, findings in zip(reports, shown):
        counts = _counts(findings)
        rows.append((report.form.label, _self_total(report), _rescored(report),
                     "  ".join(click.style(f"{counts[s]:>4}", **STYLE[s]) if counts[s] else f"{0:>4}" for s in SEVERITIES),
                     str(report.form.source or ""), _worst(findings)))
    widths = [max([cell_len(h)] + [cell_len(click.unstyle(r[i])) for r in rows]) for i, h in
              enumerate(("项目", "自评总分", "重新评分"))]
    widths[0] = min(widths[0], 40)  # a longer name pushes its own line only
    source_w = min(40, max([2] + [cell_len(r[4]) for r in rows]))
    head = "  ".join(_pad(h, w) for h, w in zip(("项目", "自评总分", "重新评分"), widths))
    lines = [click.style(f"{head}  错误  警告  提示  {_pad('来源', source_w)}  最严重的问题", bold=True)]
    for name, self_total, rescored, counts, source, worst in rows:
        lines.append(f"{_pad(name, widths[0])}  {_pad(self_total, widths[1])}  "
                     f"{rescored}{' ' * (widths[2] - cell_len(click.unstyle(rescored)))}  {counts}  "
                     f"{_pad(source, source_w)}  {worst}")
    return lines + [""]


def print_report(reports: list[FormReport], errors: list[ReadError], shown: list[list[Finding]],
                 detail: bool = False) -> None:
    """Print the report of `jixiao check` to standard output; `shown[i]` are the findings of
    `reports[i]` at or above the chosen severity."""
    width = _width()
    if detail or len(reports) <= DETAIL_UP_TO:
        for report, findings in zip(reports, shown):
            click.echo("\n".join(_form_detail(report, findings, width)))
    elif reports:
        click.echo("\n".join(_form_lines(reports, shown)))
    if errors:
        click.echo(click.style("无法读取：", fg="red", bold=True))
        click.echo("\n".join(click.style(f"  P001 错误  {e}", fg="red") for e in errors) + "\n")
    counts = _counts([x for fs in shown for x in fs])
    with_errors = sum(1 for fs in shown if any(x.severity == "error" for x in fs))
    click.echo(
        f"共检查 {len(reports)} 张自评表"
        + (f"，{len(errors)} 处无法读取" if errors else "")
        + f"：错误 {counts['error']} 处，警告 {counts['warning']} 处，提示 {counts['info']} 处"
        + (f"；{with_errors} 张表有错误" if with_errors else "") + "。"
        + ("逐条列出每张表的问题：加 --detail。" if not detail and len(reports) > DETAIL_UP_TO else "")
    )
