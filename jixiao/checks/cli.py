"""`jixiao check FILE... [--json] [--html OUT] [--rules FILE] [--min-severity …] [--detail]`.

The terminal report lists every finding of up to five forms, and gives more forms one line each
unless --detail is given (checks/terminal.py).

Exit status: 0 when no error-severity finding, 1 when there is one, 2 when an input (or the
rule set) could not be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..cli_parse import read_all
from ..errors import RuleSetError
from ..rules import load_ruleset
from ..rules.pick import DEFAULT, pick_ruleset
from . import check_forms, read_error_to_dict, report_to_dict
from ..rules.catalogue import SEVERITY_RANK


@click.command(help="按规则集重新评分并检查自评表，列出每一处不一致（规则、应为、填报、差额、位置）。")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 数组（每张表一个对象）")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, writable=True), help="另外写一份可打印的 HTML 报告")
@click.option("--rules", "rules_file", metavar="FILE", help="规则集文件，或内置编号，如 cn-2021-central（默认：按表的指标体系从内置规则集中选择，通常为 cn-2020）")
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="info", show_default=True,
              help="只显示不低于此级别的问题")
@click.option("--detail", is_flag=True, help="逐条列出每张表的问题（默认：超过 5 张表时每张表一行）")
def check(files: tuple[str, ...], as_json: bool, html_out: str | None, rules_file: str | None, min_severity: str,
          detail: bool) -> None:
    try:
        ruleset = load_ruleset(rules_file) if rules_file else None
    except RuleSetError as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(2)
    forms, errors = read_all(files)
    if ruleset is None:
        ruleset, why = pick_ruleset(forms)
        if not as_json and ruleset.id != DEFAULT:  # the default (cn-2020) goes without saying, as before
            click.echo(f"规则集：{why}")
    reports = check_forms(forms, ruleset)
    limit = SEVERITY_RANK[min_severity]
    shown = [[f for f in r.findings if SEVERITY_RANK.get(f.severity, 0) <= limit] for r in reports]
    if as_json:
        out = []
        for r, fs in zip(reports, shown):
            d = report_to_dict(r)
            d["findings"] = [f.to_dict() for f in fs]
            out.append(d)
        out += [read_error_to_dict(e, ruleset) for e in errors]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        from .terminal import print_report

        print_report(reports, errors, shown, detail)
    if html_out:
        from ..report.html import render_html

        try:
            Path(html_out).write_text(render_html(reports, errors, ruleset, shown), encoding="utf-8")
        except OSError as e:
            click.echo(f"错误：无法写入 HTML 报告 {html_out}：{e.strerror or e}", err=True)
            sys.exit(2)
        if not as_json:
            click.echo(f"HTML 报告已写入 {html_out}")
    if errors:
        sys.exit(2)
    sys.exit(1 if any(r.errors for r in reports) else 0)
