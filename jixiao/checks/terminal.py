"""The terminal report of `jixiao check`: per form the self-score against the re-score, then the
findings as a table, errors first."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import ReadError
from ..score import num_text
from ..values import fmt_decimal
from . import FormReport
from ..rules.catalogue import SEVERITY_NAME
from .finding import Finding

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _where(f: Finding) -> str:
    parts = []
    if f.indicator:
        parts.append(f.indicator)
    elif f.field:
        parts.append(FIELD_NAMES.get(f.field, f.field))
    if f.location is not None and f.location.line is not None:
        parts.append(f"第{f.location.line}行")
    return "\n".join(parts)


FIELD_NAMES = {
    "funds.initial_budget": "年初预算数", "funds.annual_budget": "全年预算数", "funds.executed": "全年执行数",
    "funds.weight": "执行率分值", "funds.rate": "执行率", "funds.score": "执行率得分",
    "total.weight": "总分·分值", "total.score": "总分·得分",
    "goals.planned": "预算目标", "goals.achieved": "实际完成情况",
}


def _total(value, grade) -> str:
    return f"{num_text(value)}（{grade}）" if value is not None else "—"


def print_report(console: Console, reports: list[FormReport], errors: list[ReadError], shown: list[list[Finding]]) -> None:
    for report, findings in zip(reports, shown):
        a, f = report.assessment, report.form
        console.print(Text(f"【{f.label}】", style="bold"), Text(f"  {f.source or ''}", style="dim"))
        rate = f"{fmt_decimal(a.rate)}%" if a.rate is not None else "无法计算"
        line = Text("  自评总分 ")
        line.append(_total(a.self_total, a.self_grade) + ("（读取时推算）" if f.total.inferred else ""))
        line.append("    重新评分 ")
        changed = a.rescored_total is not None and a.self_total is not None and a.rescored_total != a.self_total
        line.append(_total(a.rescored_total, a.rescored_grade), style="bold magenta" if changed else "bold green")
        line.append(f"    执行率 {rate}（填报 {f.funds.total.rate.text or '—'}）")
        console.print(line)
        for note in a.notes:
            console.print(Text(f"  注：{note}", style="dim"))
        hidden = len(report.findings) - len(findings)
        if not findings:
            more = f"（另有 {hidden} 处较低级别的问题未显示）" if hidden else ""
            console.print(Text(f"  未发现问题{more}。", style="green"))
            console.print()
            continue
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1), pad_edge=False)
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置", max_width=20, overflow="fold")
        table.add_column("说明", ratio=1, overflow="fold")
        for x in findings:
            table.add_row(
                Text(SEVERITY_NAME.get(x.severity, x.severity), style=STYLE.get(x.severity, "")),
                x.rule,
                _where(x),
                x.message,
            )
        console.print(table)
        if hidden:
            console.print(Text(f"  另有 {hidden} 处较低级别的问题未显示。", style="dim"))
        console.print()
    if errors:
        console.print(Text("无法读取：", style="bold red"))
        for e in errors:
            console.print(Text(f"  P001 错误  {e}", style="red"))
        console.print()
    counts = {s: sum(1 for fs in shown for x in fs if x.severity == s) for s in ("error", "warning", "info")}
    console.print(
        f"共检查 {len(reports)} 张自评表"
        + (f"，{len(errors)} 处无法读取" if errors else "")
        + f"：错误 {counts['error']} 处，警告 {counts['warning']} 处，提示 {counts['info']} 处。"
    )
