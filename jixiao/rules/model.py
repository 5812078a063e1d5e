"""A rule set as the scoring engine and the checks use it: plain values, already validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from functools import lru_cache
from typing import Any

from ..taxonomy import strip_label

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Band:
    """A qualitative score band as shares of the weight: [low, high), or [low, 1] when high is 1."""

    low: Decimal
    high: Decimal

    def contains(self, share: Decimal) -> bool:
        if self.high >= 1:
            return self.low <= share <= self.high
        return self.low <= share < self.high


@dataclass(frozen=True, slots=True)
class CheckConfig:
    enabled: bool = True
    severity: str = "error"
    params: dict[str, Any] = field(default_factory=dict)


_DEFAULT_CHECK = CheckConfig()


@dataclass(frozen=True, slots=True)
class QualWords:
    achieved: tuple[str, ...]
    partial_prefixes: tuple[str, ...]
    partial: tuple[str, ...]
    not_achieved_prefixes: tuple[str, ...]
    not_achieved: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded rule set. Frozen: its fields are never reassigned after loading, and the tables
    it holds are not edited in place either, because what it derives from them (the rounding
    quantum, the rules switched off) is worked out once and what the scoring engine and the
    checks work out under it is kept (lru_cache, keyed on the rule set); a different rule set is
    a new object (`loads_ruleset`, or `dataclasses.replace`)."""

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
    operators: tuple[tuple[str, str], ...]  # (spelling, ASCII operator), longest spelling first
    unit_aliases: dict[str, str]  # spelling → canonical unit
    allow_missing_unit: bool
    words: QualWords
    bands: dict[str, Band]  # "achieved" / "partial" / "not_achieved"
    achieved_rescore: str  # "full" | "edge"
    reverse: str  # "ratio" | "linear"
    grades: list[tuple[str, Decimal]]  # highest threshold first
    checks: dict[str, CheckConfig]
    # Form kinds this rule set is picked for by itself when their 一级指标 fit its taxonomy
    # (rules/pick.py); empty: only when asked for.
    for_kinds: tuple[str, ...] = ()
    # Derived once from the fields above (see __post_init__), never part of the rule set's value.
    switched_off: frozenset[str] = field(init=False, repr=False, compare=False)  # rule ids not enabled
    _quantum: Decimal = field(init=False, repr=False, compare=False)  # 0.01 for 2 decimals
    _mode: str = field(init=False, repr=False, compare=False)  # the decimal rounding constant
    _level2s: frozenset[str] = field(init=False, repr=False, compare=False)  # every 二级 of the taxonomy

    def __post_init__(self) -> None:
        init = object.__setattr__
        init(self, "switched_off", frozenset(rule for rule, conf in self.checks.items() if not conf.enabled))
        init(self, "_quantum", Decimal(1).scaleb(-self.decimals))
        init(self, "_mode", ROUNDING_MODES[self.rounding])
        init(self, "_level2s", frozenset(l2 for l2s in self.taxonomy.values() for l2 in l2s))

    def __hash__(self) -> int:
        """Equal rule sets have one id: what the caches of results under a rule set key on (two
        rule sets with one id and different values are told apart by ==)."""
        return hash(self.id)

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
    # canonical_level1/2 keep their results: the same labels stand on every form.
    @lru_cache(maxsize=4096)
    def canonical_level1(self, text: str) -> str:
        """'产出指标(50分)' / '产出' → '产出指标' when the rule set knows it; else the cleaned text."""
        t, _ = strip_label(text)
        for candidate in (t, t + "指标"):
            if candidate in self.taxonomy:
                return candidate
        return t

    @lru_cache(maxsize=4096)
    def canonical_level2(self, text: str) -> str:
        t, _ = strip_label(text)
        if t in self.level2_aliases:
            return self.level2_aliases[t]
        for candidate in (t, t + "指标"):
            if candidate in self._level2s:
                return candidate
            if candidate in self.level2_aliases:
                return self.level2_aliases[candidate]
        return t

    # -- checks ----------------------------------------------------------------------------
    def check(self, rule: str) -> CheckConfig:
        return self.checks.get(rule) or _DEFAULT_CHECK

    def param(self, rule: str, name: str, default: Any = None) -> Any:
        return self.check(rule).params.get(name, default)
