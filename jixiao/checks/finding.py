"""One shape for every problem jixiao reports (rules.md §6): a `Finding`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Loc
from ..score import num_text


@dataclass(slots=True, init=False)
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

    def __init__(self, rule: str, severity: str, message: str, indicator: str | None = None,
                 index: int | None = None, field: str | None = None, expected: str | None = None,
                 printed: str | None = None, difference: str | None = None, location: Loc | None = None) -> None:
        self.rule = rule
        self.severity = severity
        self.message = message
        self.indicator = indicator
        self.index = index
        self.field = field
        self.expected = expected
        self.printed = printed
        self.difference = difference
        self.location = location

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


def dec(d: Decimal | None) -> str | None:
    """A Decimal for a Finding field: '19.36', '3', '-0.5'; None stays None."""
    return None if d is None else num_text(d)
