"""Findings about reading: P001 (a file or form could not be read), P002 (layout repaired), P004
(a form kept though incomplete)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import ReadError
from ..rules import RuleSet
from ..rules.catalogue import RULES
from .finding import Finding
from .registry import Context, check


def finding_from_read_error(error: ReadError, ruleset: RuleSet | None = None) -> Finding:
    """A `ReadError` as a P001 finding: the reader's message says what is missing and where."""
    severity = ruleset.check("P001").severity if ruleset else RULES["P001"].severity
    return Finding(rule="P001", severity=severity, message=f"无法读取：{error.message}", location=error.loc)


@check("P002")
def repairs(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.repairs:
        return
    by_line = {ind.loc.line: k for k, ind in enumerate(ctx.form.indicators) if ind.loc and ind.loc.line is not None}
    for r in ctx.form.repairs:
        lines = [loc.line for loc in r.locs if loc.line is not None]
        rows = [by_line[line] for line in lines if line in by_line]
        where = f"（第{'、'.join(str(line) for line in lines)}行）" if lines else ""
        index = rows[0] if rows else None
        yield ctx.finding(
            "P002", f"{r.message}{where}",
            index=index, field=f"indicators[{index}]" if index is not None else None,
            location=r.locs[0] if r.locs else None,
        )


@check("P004")
def incomplete(ctx: Context) -> Iterator[Finding]:
    f = ctx.form
    if f.incomplete:
        yield ctx.finding("P004", f"自评表不完整，缺少：{'、'.join(f.incomplete)}；只检查了读到的部分",
                          location=f.source)
