"""`jixiao export FILE... --xlsx OUT --docx OUT` and `jixiao template --xlsx OUT --docx OUT`."""

from __future__ import annotations

import sys

import click

from ..cli_parse import read_all
from ..errors import RuleSetError, fail, os_error, print_error


@click.command(help="把自评表写成标准格式：--xlsx 写 Excel（每张表一个工作表，执行率、得分、总分为公式，"
                    "旁边附重新评分与检查结果），--docx 写 Word（每张表一节）。")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False), help="写出的 Excel 文件（.xlsx）")
@click.option("--docx", "docx_out", type=click.Path(dir_okay=False), help="写出的 Word 文件（.docx）")
@click.option("--rules", "rules", metavar="FILE", help="复核所用的规则集（默认：内置 cn-2020）")
@click.option("--no-review", is_flag=True, help="只写表格本身，不附重新评分与检查结果")
def export(files: tuple[str, ...], xlsx_out: str | None, docx_out: str | None, rules: str | None, no_review: bool) -> None:
    if not xlsx_out and not docx_out:
        raise click.UsageError("请至少指定 --xlsx 或 --docx 之一")
    forms, errors = read_all(files)
    for e in errors:
        print_error(e)
    if not forms:
        click.echo("没有读到任何自评表，未写出文件。", err=True)
        sys.exit(2)
    reviews = None
    if not no_review:
        from .review import review_forms

        try:
            reviews = review_forms(forms, rules)
        except RuleSetError as e:
            fail(e)
    from . import write_docx, write_xlsx

    try:
        if xlsx_out:
            write_xlsx(forms, xlsx_out, reviews)
            click.echo(f"已写出 {xlsx_out}（{len(forms)} 张自评表）")
        if docx_out:
            write_docx(forms, docx_out, reviews)
            click.echo(f"已写出 {docx_out}（{len(forms)} 张自评表）")
    except OSError as e:
        fail(os_error("无法写出文件", e))
    sys.exit(2 if errors else 0)


@click.command(help="生成空白的自评表填报模板：一级/二级指标为下拉列表（按规则集的指标体系），分值、得分、金额有数字校验。")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False), help="写出的 Excel 模板（.xlsx）")
@click.option("--docx", "docx_out", type=click.Path(dir_okay=False), help="写出的 Word 模板（.docx）")
@click.option("--rules", "rules", metavar="FILE", help="下拉列表所用的规则集（默认：内置 cn-2020）")
@click.option("--rows", default=15, show_default=True, type=click.IntRange(1, 200), help="空白指标行数")
@click.option("--kind", type=click.Choice(["project", "department", "transfer"]), default="project", show_default=True,
              help="表的种类：project 项目支出，department 部门（单位）整体支出，transfer 转移支付")
def template(xlsx_out: str | None, docx_out: str | None, rules: str | None, rows: int, kind: str) -> None:
    if not xlsx_out and not docx_out:
        raise click.UsageError("请至少指定 --xlsx 或 --docx 之一")
    from ..rules import load_ruleset
    from . import write_template_docx, write_template_xlsx

    try:
        ruleset = load_ruleset(rules)
    except RuleSetError as e:
        fail(e)
    try:
        if xlsx_out:
            write_template_xlsx(xlsx_out, dict(ruleset.taxonomy), blank_rows=rows, kind=kind)
            click.echo(f"已写出 {xlsx_out}")
        if docx_out:
            write_template_docx(docx_out, blank_rows=rows, kind=kind)
            click.echo(f"已写出 {docx_out}")
    except OSError as e:
        fail(os_error("无法写出文件", e))
