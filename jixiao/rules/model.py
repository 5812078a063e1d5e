"""A rule set as the scoring engine and the checks use it: plain values, already validated."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any, Final

from ..memo import remember
from ..taxonomy import strip_label

ROUNDING_MODES: Final = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}
SEVERITIES: Final = ("error", "warning", "info")


def _rebuilt(value: Any) -> tuple[Any, tuple[Any, ...]]:
    """How pickle and copy make a frozen rule-set value again: its class, called with its fields.
    (Compiled with mypyc, a class restores a pickled state attribute by attribute, which a frozen
    class refuses; its constructor also recomputes what a RuleSet derives and starts its caches
    empty.)"""
    return value.__class__, tuple(getattr(value, f.name) for f in fields(value) if f.init)


@dataclass(frozen=True, slots=True)
class Band:
    """A qualitative score band as shares of the weight: [low, high), or [low, 1] when high is 1."""

    low: Decimal
    high: Decimal

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)

    def contains(self, share: Decimal) -> bool:
        if self.high >= 1:
            return self.low <= share <= self.high
        return self.low <= share < self.high


@dataclass(frozen=True, slots=True)
class CheckConfig:
    enabled: bool = True
    severity: str = "error"
    params: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)


_DEFAULT_CHECK: Final = CheckConfig()


@dataclass(frozen=True, slots=True)
class QualWords:
    achieved: tuple[str, ...]
    partial_prefixes: tuple[str, ...]
    partial: tuple[str, ...]
    not_achieved_prefixes: tuple[str, ...]
    not_achieved: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded rule set. Frozen: the scoring engine and the checks keep values derived from it
    (rounding quantum, canonical labels, per-text results) on the object itself, so its fields
    are never reassigned after loading, and the tables it holds are not edited in place either;
    a different rule set is a new object (`loads_ruleset`, or `dataclasses.replace`), which
    starts with empty caches."""

    id: str
    name: str
    source: str
    path: str  # the file it was loaded from
    decimals: int
    rounding: str
    total_weight: Decimal
    funds_weight: Decimal
    level1_weights: dict[str, Decimal]
    taxonomy: dict[str, tuple[str, ...]]
    level2_aliases: dict[str, str]
    operators: list[tuple[str, str]]  # (spelling, ASCII operator), longest spelling first
    unit_aliases: dict[str, str]  # spelling → canonical unit
    allow_missing_unit: bool
    words: QualWords
    bands: dict[str, Band]  # "achieved" / "partial" / "not_achieved"
    achieved_rescore: str  # "full" | "edge"
    reverse: str  # "ratio" | "linear"
    grades: list[tuple[str, Decimal]]  # highest threshold first
    checks: dict[str, CheckConfig]
    # Derived once from the fields above (see __post_init__), never part of the rule set's value.
    _quantum: Decimal = field(init=False, repr=False, compare=False)  # 0.01 for 2 decimals
    _mode: str = field(init=False, repr=False, compare=False)  # the decimal rounding constant
    _level1: dict[str, str] = field(init=False, repr=False, compare=False)  # text → canonical_level1
    _level2: dict[str, str] = field(init=False, repr=False, compare=False)  # text → canonical_level2
    # Per-rule-set memo of the scoring engine and the checks (jixiao/score.py, jixiao/checks/):
    # each entry is a value derived from this rule set alone, or a bounded dict of results of a
    # pure function of text under this rule set.
    memo: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)

    def __post_init__(self) -> None:
        init = object.__setattr__
        init(self, "_quantum", Decimal(1).scaleb(-self.decimals))
        init(self, "_mode", ROUNDING_MODES[self.rounding])
        init(self, "_level1", {})
        init(self, "_level2", {})
        init(self, "memo", {})

    # -- arithmetic ------------------------------------------------------------------------
    def round(self, value: Decimal) -> Decimal:
        """Round a computed score or rate the way the rule set says (cn-2020: ROUND(x, 2) half up)."""
        return value.quantize(self._quantum, rounding=self._mode)

    def grade(self, total: Decimal | None) -> str | None:
        if total is None:
            return None
        for name, threshold in self.grades:
            if total >= threshold:
                return name
        return self.grades[-1][0] if self.grades else None

    # -- taxonomy --------------------------------------------------------------------------
    def canonical_level1(self, text: str) -> str:
        """'产出指标(50分)' / '产出' → '产出指标' when the rule set knows it; else the cleaned text."""
        try:
            return self._level1[text]
        except KeyError:
            return remember(self._level1, text, self._level1_of(text))

    def canonical_level2(self, text: str) -> str:
        try:
            return self._level2[text]
        except KeyError:
            return remember(self._level2, text, self._level2_of(text))

    def _level1_of(self, text: str) -> str:
        t, _ = strip_label(text)
        for candidate in (t, t + "指标"):
            if candidate in self.taxonomy:
                return candidate
        return t

    def _level2_of(self, text: str) -> str:
        t, _ = strip_label(text)
        if t in self.level2_aliases:
            return self.level2_aliases[t]
        known = {l2 for l2s in self.taxonomy.values() for l2 in l2s}
        for candidate in (t, t + "指标"):
            if candidate in known:
                return candidate
            if candidate in self.level2_aliases:
                return self.level2_aliases[candidate]
        return t

    def allows(self, level1: str, level2: str) -> bool:
        return self.canonical_level2(level2) in self.taxonomy.get(self.canonical_level1(level1), ())

    # -- units -----------------------------------------------------------------------------
    def unit(self, text: str) -> str:
        return self.unit_aliases.get(text, text)

    # -- checks ----------------------------------------------------------------------------
    def check(self, rule: str) -> CheckConfig:
        return self.checks.get(rule) or _DEFAULT_CHECK

    def param(self, rule: str, name: str, default: Any = None) -> Any:
        return self.check(rule).params.get(name, default)
