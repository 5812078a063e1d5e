"""What jixiao's re-score and checks say about a form, arranged for printing beside it.

The exported form keeps what the unit printed; the re-scored values and the findings go next to
the rows they are about (the funds row, each indicator row, the total row), and every finding is
also listed on its own. Columns headed `复核…` are jixiao's notes: the reader skips them, so an
exported workbook reads back as the form alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Form
from ..values import fmt_decimal

_INDEX = re.compile(r"^indicators\[(\d+)\]")


@dataclass
class Review:
    ruleset: str = ""
    rate: Decimal | None = None  # 执行率 as a percentage, as the rules round it
    execution_score: Decimal | None = None
    total: Decimal | None = None  # the re-scored total
    grade: str = ""
    # per indicator: (the score the re-score counts, how it was judged: 达到 / 部分达成 / 无法判断…)
    indicators: list[tuple[Decimal | None, str]] = field(default_factory=list)
    messages: dict[str, list[str]] = field(default_factory=dict)  # 'funds', 'indicator:3', 'total'
    findings: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # rule, 级别, 说明, 应为, 填报

    def note(self, place: str) -> str:
        return "\n".join(self.messages.get(place, []))


def place_of(fld: str | None, index: int | None) -> str | None:
    """Which row of the form a finding is about: 'funds', 'indicator:3', 'total', or None."""
    if index is not None:
        return f"indicator:{index}"
    if not fld:
        return None
    m = _INDEX.match(fld)
    if m:
        return f"indicator:{m.group(1)}"
    if fld.startswith("funds"):
        return "funds"
    if fld.startswith("total"):
        return "total"
    return None



def num(d: Decimal | None) -> str:
    return fmt_decimal(d) if d is not None else "—"


def review_forms(forms: list[Form], rules: str | None = None) -> list[Review]:
    """Re-score and check every form (jixiao.score, jixiao.checks); one Review per form, in order."""
    from ..checks import check_forms
    from ..checks.catalogue import SEVERITY_NAME
    from ..rules import load_ruleset
    from ..score import ACHIEVEMENT_NAMES

    ruleset = load_ruleset(rules)
    out = []
    for report in check_forms(forms, ruleset):
        a = report.assessment
        rv = Review(ruleset=ruleset.id, rate=a.rate, execution_score=a.execution_score, total=a.rescored_total,
                    grade=a.rescored_grade or "")
        for ia in a.indicators:
            how = ACHIEVEMENT_NAMES.get(ia.achievement, ia.achievement)
            if ia.expected is None:
                how += "（沿用填报得分）"
            rv.indicators.append((ia.rescored, how))
        for f in report.findings:
            sev = SEVERITY_NAME.get(f.severity, f.severity)
            rv.findings.append((f.rule, sev, f.message, f.expected or "", f.printed or ""))
            place = place_of(f.field, f.index)
            if place:
                rv.messages.setdefault(place, []).append(f"【{f.rule} {sev}】{f.message}")
        out.append(rv)
    return out
