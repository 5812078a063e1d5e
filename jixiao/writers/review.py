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
from ..values import decimal_text

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

    def add_indicator(self, rescored: Decimal | None, achievement: str | None, kept_printed: bool) -> None:
        """An indicator's re-scored value and how it was judged (in Chinese)."""
        from ..score import ACHIEVEMENT_NAMES

        how = ACHIEVEMENT_NAMES.get(achievement, achievement or "")
        if kept_printed:
            how += "（沿用填报得分）"
        self.indicators.append((rescored, how))

    def add_finding(self, rule: str, severity: str, message: str, expected, printed, fld: str | None,
                    index: int | None) -> None:
        """A finding: listed, and noted beside the row it is about."""
        from ..rules.catalogue import SEVERITY_NAME

        sev = SEVERITY_NAME.get(severity, severity)
        self.findings.append((rule, sev, message, expected or "", printed or ""))
        place = place_of(fld, index)
        if place:
            self.messages.setdefault(place, []).append(f"【{rule} {sev}】{message}")


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
    return decimal_text(d, exact=True)


def review_forms(forms: list[Form], rules: str | None = None) -> list[Review]:
    """Re-score and check every form (jixiao.score, jixiao.checks); one Review per form, in order."""
    from ..checks import check_forms
    from ..rules import load_ruleset

    ruleset = load_ruleset(rules)
    out = []
    for report in check_forms(forms, ruleset):
        a = report.assessment
        rv = Review(ruleset=ruleset.id, rate=a.rate, execution_score=a.execution_score, total=a.rescored_total,
                    grade=a.rescored_grade or "")
        for ia in a.indicators:
            rv.add_indicator(ia.rescored, ia.achievement, ia.expected is None)
        for f in report.findings:
            rv.add_finding(f.rule, f.severity, f.message, f.expected, f.printed, f.field, f.index)
        out.append(rv)
    return out
