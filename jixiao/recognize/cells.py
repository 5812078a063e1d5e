"""What a cell's text is: pure functions of the text, cached because the same texts (labels,
10, 100%, =100%, 健全) stand on every row and every form."""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from .. import taxonomy
from ..model import QUANT, Loc, Measure
from ..values import is_blank, measure, parse_decimal, parse_money
from .vocab import INDICATOR_BLOCK

# What a non-empty cell holds, as row alignment sees it: bits of an int.
TEXT = 1
NUMBER = 2
LABEL = 4  # a taxonomy label (产出指标, 数量指标)
QUANTITY = 8  # a quantitative measure (=100%, ≥90%, 19批)
BLANK = 16  # a blank placeholder (—, 无)
PERCENT = 32
MONEY = 64  # an amount typed with its unit (120万, 95万元): a number in the funds block only


@lru_cache(maxsize=8192)
def cell_kind(text: str) -> int:
    """The kind bits of a cell's raw text (0 for an empty cell)."""
    t = text.strip()
    if not t:
        return 0
    kind = TEXT
    if parse_decimal(t) is not None:
        kind |= NUMBER
    elif parse_money(t)[0] is not None:
        kind |= MONEY
    if taxonomy.classify(t):
        kind |= LABEL
    if _measure_parts(t)[2] == QUANT:
        kind |= QUANTITY
    if is_blank(t):
        kind |= BLANK
    if "%" in t:
        kind |= PERCENT
    return kind


def kinds_of(texts: list[str]) -> tuple[int, ...]:
    return tuple([cell_kind(t) for t in texts])


def is_number(text: str) -> bool:
    return parse_decimal(text) is not None


@lru_cache(maxsize=8192)
def _measure_parts(text: str) -> tuple:
    m = measure(text)
    return m.text, m.norm, m.kind, m.op, m.number, m.unit


def measure_at(text: str, loc: Loc | None) -> Measure:
    """values.measure of a target or actual, read once per distinct text."""
    text_, norm, kind, op, number, unit = _measure_parts(text)
    return Measure(text_, norm, kind, op, number, unit, loc)  # positional: a form makes many


class Role(Enum):
    BLOCK = 1  # the block label 绩效指标, or a piece of it
    LABEL = 2  # a taxonomy label: 产出指标, 数量指标(10分)
    NAME = 3  # anything else: an indicator's name


class LeftCell(NamedTuple):
    """What a cell left of an indicator row's values is."""

    role: Role
    level: int = 0  # for a LABEL: 1 or 2
    canonical: str = ""  # for a LABEL: its canonical name
    points: str | None = None  # for a LABEL: the points printed with it, 产出指标(50分) → '50'


@lru_cache(maxsize=4096)
def left_cell(text: str) -> LeftCell:
    """What a (cleaned, non-empty) cell left of an indicator row's values is."""
    if text.replace(" ", "") in INDICATOR_BLOCK:
        return LeftCell(Role.BLOCK)
    c = taxonomy.classify(text)
    if c:
        return LeftCell(Role.LABEL, c[0], c[1], taxonomy.strip_label(text)[1])
    return LeftCell(Role.NAME)


# How a parent row (one whose points are its children's sum) and a child row are numbered.
_PARENT_MARKS = (("cn", re.compile(r"^[一二三四五六七八九十]+[、.．]")), ("num", re.compile(r"^\d+[、.．](?!\d)")),
                 ("star", re.compile(r"^[★☆]")))
_CHILD_MARK = re.compile(r"^(?:其中|[（(]\d+[)）]|\d+\.\d+|[①-⑳]|[-—－]\s*)")


@lru_cache(maxsize=4096)
def numbering(name: str) -> str | None:
    """The numbering style of an indicator name: 'cn' (一、), 'num' (1、), 'star' (★), or None."""
    for style, pattern in _PARENT_MARKS:
        if pattern.match(name):
            return style
    return None


@lru_cache(maxsize=4096)
def child_marked(name: str) -> bool:
    """Whether an indicator name is marked as a child row: 其中, (1), 1.1, ①, a dash."""
    return bool(_CHILD_MARK.match(name))
