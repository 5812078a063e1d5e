"""Read one file of the zoo and score the reading against its family's facts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.readers import read_forms

from .families import Family, facts, leaves


@dataclass
class Reading:
    read: bool  # as many forms as the family has, and no error
    right: int  # facts equal to the expected ones
    total: int  # facts expected
    errors: list[str]
    got: list[dict]

    @property
    def exact(self) -> bool:
        return self.read and self.right == self.total

    @property
    def percent(self) -> float:
        return 100.0 * self.right / self.total if self.total else 0.0


def reading(family: Family, path: Path) -> Reading:
    forms, errors = read_forms(path)
    got = [facts(f) for f in forms]
    total = right = 0
    for k, want in enumerate(family.expected):
        have = dict(leaves(got[k])) if k < len(got) else {}
        for key, value in leaves(want):
            total += 1
            right += have.get(key, object()) == value
    return Reading(len(forms) == len(family.expected) and not errors, right, total, [str(e) for e in errors], got)
