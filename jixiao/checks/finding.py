"""One shape for every problem jixiao reports (rules.md §6): a `Finding`."""

from __future__ import annotations

from dataclasses import dataclass
from ..model import Loc


@dataclass(slots=True)
class Finding:
    rule: str  # "S002"
    severity: str  # "error" / "warning" / "info"
    message: str  # Chinese: the rule and the numbers
    indicator: str | None = None  # the 三级指标 name
    index: int | None = None  # the indicator's index in form.indicators
    field: str | None = None  # the cell: "funds.rate", "indicators[3].score", "total.score", …
    expected: str | None = None  # decimal strings
    printed: str | None = None
    difference: str | None = None  # printed − expected
    location: Loc | None = None

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "indicator": self.indicator,
            "index": self.index,
            "field": self.field,
            "expected": self.expected,
            "printed": self.printed,
            "difference": self.difference,
            "location": str(self.location) if self.location else None,
        }
