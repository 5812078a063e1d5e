"""`jixiao parse FILE... [--json]`: read forms and show them."""

from __future__ import annotations

import sys

import click

from .errors import ReadError, print_error
from .model import DEPARTMENT, KIND_NAMES, PROJECT, TRANSFER, Form
from .readers import read_forms
from .readers.jsonio import dumps
from .recognize.layout import name_of
from .values import decimal_text


def _ocr_progress(name: str, page: int) -> None:
    click.echo(f"\r正在识别 {name} 第{page}页…", err=True, nl=False)


def read_all(files: tuple[str, ...]) -> tuple[list[Form], list[ReadError]]:
    """Read every file; a broken file never stops the others. Scans read by OCR show the page
    being read on a terminal (a page takes seconds)."""
    if sys.stderr.isatty():
        from .readers import ocr

        ocr.on_page = _ocr_progress
    forms: list[Form] = []
    errors: list[ReadError] = []
    for name in files:
        f, e = read_forms(name)
        forms.extend(f)
        errors.extend(e)
    return forms, errors


def _amt(a) -> str:
    return decimal_text(a.value, exact=True) if a.value is not None else (a.text or "")


def _header(f: Form) -> str:
    """The form's name line: what kind of form it is and the header values that kind prints."""
    kind = f"（{KIND_NAMES[f.kind]}）"
    if f.kind == DEPARTMENT:
        return f"【{f.project.text}】{kind} {f.year or ''}年度"
    if f.kind == TRANSFER:
        return (f"【{f.project.text}】{kind} {f.year or ''}年度  中央主管部门：{f.department.text}  "
                f"地方主管部门：{f.local_department.text}  资金使用单位：{f.unit.text}")
    return f"【{f.project.text}】 {f.year or ''}年度  主管部门：{f.department.text}  实施单位：{f.unit.text}"


def uncertain_cells(f: Form) -> list:
    """The P003 findings of a form read by OCR: the numbers a person should check."""
    if not f.extra or "ocr" not in f.extra:
        return []
    from .checks import check_form
    from .rules import load_ruleset

    return [x for x in check_form(f, load_ruleset(None)) if x.rule == "P003"]


def _weight(i) -> str:
    """The printed 分值, or the one a form without 分值 implies, marked as implied."""
    if i.weight.text or i.implied_weight is None:
        return _amt(i.weight)
    return f"{decimal_text(i.implied_weight)}（隐含）"


def summary(f: Form) -> str:
    t = f.funds.total
    lines = [
        _header(f),
        f"  来源：{f.source}",
        *([f"  版式：{name_of(f.layout)}"] if f.layout else []),
        *([f"  不完整，缺少：{'、'.join(f.incomplete)}"] if f.incomplete else []),
        f"  资金（{f.amount_unit}）：年初预算 {_amt(t.initial_budget)}  全年预算 {_amt(t.annual_budget)}  "
        f"全年执行 {_amt(t.executed)}  分值 {_amt(t.weight)}  执行率 {t.rate.text}  得分 {_amt(t.score)}",
        *(f"    {'其中 ' if k == 0 else '     '}{r.label}：全年预算 {_amt(r.annual_budget)}  全年执行 {_amt(r.executed)}"
          f"  执行率 {r.rate.text or '—'}" for k, r in enumerate(f.funds.rows) if f.kind != PROJECT),
        *(f"  资金管理情况 {m.name.text}：{m.text.text[:40]}" for m in f.management),
        f"  预算目标：{f.goals.planned.text[:60]}{'…' if len(f.goals.planned.text) > 60 else ''}",
        f"  实际完成：{f.goals.achieved.text[:60]}{'…' if len(f.goals.achieved.text) > 60 else ''}",
        "  绩效指标：",
    ]
    for i in f.indicators:
        dev = f"  偏差：{i.deviation.text[:30]}" if i.deviation.text else ""
        if i.coefficient.text or i.core.text:
            dev += f"  得分系数 {i.coefficient.text or '—'}  核心指标 {i.core.text or '—'}"
        lines.append(
            f"    {i.level1.text or '?'} / {i.level2.text or '?'} / {i.name.text}  "
            f"指标值 {i.target.norm or '—'}  完成值 {i.actual.norm or '—'}  分值 {_weight(i)}  得分 {_amt(i.score)}{dev}"
        )
    inferred = "（无总分行，推算）" if f.total.inferred else ""
    lines.append(f"  总分：分值 {_amt(f.total.weight)}  得分 {_amt(f.total.score)}{inferred}")
    if f.header_total is not None:
        lines.append(f"  表头自评得分：{_amt(f.header_total)}")
    if f.deviation is not None:
        lines.append(f"  偏差原因（全表）：{f.deviation.text[:60]}{'…' if len(f.deviation.text) > 60 else ''}")
    uncertain = uncertain_cells(f)
    if uncertain:
        lines.append(f"  识别不确定，请核对 {len(uncertain)} 处：")
        lines += [f"    - {u.location}：{u.message.split('：', 1)[1]}" for u in uncertain]
    if f.repairs:
        lines.append(f"  读取时修复 {len(f.repairs)} 处：")
        for r in f.repairs:
            where = "、".join(str(l.line) for l in r.locs if l.line is not None)
            lines.append(f"    - {r.message}" + (f"（第{where}行）" if where else ""))
    return "\n".join(lines)


@click.command(help="读取自评表（PDF 转出的文本或 markdown、HTML、CSV、Excel、Word、PDF（含扫描件）、图片（.png/.jpg/.tif）、JSON）并显示；扫描件和图片经文字识别（OCR）读取，并列出识别不确定、需要核对的数字；--json 输出 JSON 数组。")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（每张表一个对象）")
def parse(files: tuple[str, ...], as_json: bool) -> None:
    forms, errors = read_all(files)
    if as_json:
        sys.stdout.write(dumps(forms) + "\n")
    else:
        for f in forms:
            click.echo(summary(f))
            click.echo("")
        click.echo(f"共读取 {len(forms)} 张自评表，{len(errors)} 处错误。")
    for e in errors:
        print_error(e)
    sys.exit(2 if errors else 0)
