"""`jixiao synth --forms N --out DIR [--formats txt,xlsx,docx,pdf] [--layouts standard|all|a,b] [--seed S]`."""

from __future__ import annotations

import sys

import click

from ..errors import JixiaoError, fail, os_error
from .corpus import FORMATS, MANIFEST, write_corpus
from .families import NAMES, STANDARD
from .inject import RULES
from .kinds import KIND_RULES


def _split(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.replace("，", ",").split(",") if x.strip())


@click.command(help="生成带已知错误的模拟自评表；DIR/manifest.csv 记录每张表注入了哪条规则的错误。")
@click.option("--forms", "n", type=click.IntRange(min=1), required=True, help="生成多少张表")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="输出目录")
@click.option("--formats", default="txt", show_default=True, help=f"文件格式，逗号分隔，依次轮换：{','.join(FORMATS)}")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子生成同样的表")
@click.option("--error-share", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="注入错误的表所占比例")
@click.option("--rules", "rules_opt", default="", help="只注入这些规则（逗号分隔），默认全部")
@click.option("--per-file", type=click.IntRange(min=1), default=1, show_default=True, help="每个文件几张表（仅 txt）")
@click.option("--layouts", default=STANDARD, show_default=True,
              help="版式，逗号分隔，依次轮换（每轮换一种文件格式）；all 为全部版式：" + "、".join(NAMES))
@click.option("--check", "then_check", is_flag=True, help="生成后读取并检查，打印各规则的召回率和精确率")
@click.option("--kinds", "other_kinds", is_flag=True,
              help="也生成部门整体支出和转移支付自评表（各种格式；注入 F007、K001–K006）；--rules 含这些规则时自动开启")
def synth(n: int, out: str, formats: str, seed: int, error_share: float, rules_opt: str, per_file: int,
          layouts: str, then_check: bool, other_kinds: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    fmts = _split(formats)
    bad = [f for f in fmts if f not in FORMATS]
    if not fmts or bad:
        raise click.UsageError(f"不支持的格式：{'、'.join(bad) or '（空）'}；可选：{'、'.join(FORMATS)}")
    rules = _split(rules_opt) or RULES
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise click.UsageError(f"未知的规则编号：{'、'.join(unknown)}")
    names = NAMES if layouts.strip().lower() == "all" else _split(layouts)
    unknown_layouts = [x for x in names if x not in NAMES]
    if not names or unknown_layouts:
        raise click.UsageError(f"未知的版式：{'、'.join(unknown_layouts) or '（空）'}；可选：all、{'、'.join(NAMES)}")
    if per_file > 1 and names != (STANDARD,):
        raise click.UsageError("每个文件多张表（--per-file）只适用于标准版式（--layouts standard）")
    other_kinds = other_kinds or bool(set(_split(rules_opt)) & set(KIND_RULES))
    columns = (TextColumn("生成自评表"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("synth", total=n)
        try:
            info = write_corpus(out, n, seed=seed, formats=fmts, error_share=error_share, rules=rules,
                                per_file=per_file, progress=lambda done: bar.update(task, completed=done),
                                other_kinds=other_kinds, layouts=names)
        except OSError as e:
            fail(os_error("无法写出模拟自评表", e), 1)
        except (ValueError, RuntimeError) as e:
            fail(JixiaoError(str(e)), 1)
    by_format = "，".join(f"{fmt} {k} 张" for fmt, k in info.by_format.items())
    click.echo(f"已生成 {info.forms} 张自评表（{by_format}），{info.files} 个文件，写入 {info.out}")
    if names != (STANDARD,):
        click.echo("按版式（张）：" + "，".join(f"{name} {info.by_layout[name]}" for name in names if info.by_layout[name]))
    injected = "，".join(f"{rule} {k}" for rule, k in sorted(info.by_rule.items()))
    click.echo(f"注入的错误（按规则，张）：{injected or '无'}")
    click.echo(f"清单：{info.out / MANIFEST}")
    if then_check:
        from .evaluate import evaluate

        click.echo(evaluate(info.out).table())
