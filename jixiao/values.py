"""Reading printed values: money, weights, rates, and targets/actuals (rules.md §3).

Everything numeric is `Decimal`; nothing here touches float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from .model import EMPTY, QUAL, QUANT, Amount, Loc, Measure

# Cells that mean "nothing here" in the funds block.
_BLANKS = {"", "—", "-", "--", "——", "/", "／", "无", "\\"}

_NUM_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")

# Operator spellings, longest first so that '>=' wins over '>'.
_OPS: list[tuple[str, str]] = [
    ("\\geqslant", ">="), ("\\leqslant", "<="), ("\\geq", ">="), ("\\leq", "<="),
    ("\\ge", ">="), ("\\le", "<="), ("\\gt", ">"), ("\\lt", "<"),
    (">=", ">="), ("<=", "<="), ("=>", ">="), ("=<", "<="),
    ("≥", ">="), ("≧", ">="), ("⩾", ">="), ("≤", "<="), ("≦", "<="), ("⩽", "<="),
    ("＞＝", ">="), ("＜＝", "<="), ("＞", ">"), ("＜", "<"),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("大于等于", ">="), ("大于或等于", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), ("不多于", "<="),
    ("小于等于", "<="), ("小于或等于", "<="),
    ("大于", ">"), ("小于", "<"), ("高于", ">"), ("低于", "<"),
    ("＝", "="), ("═", "="), ("=", "="), (">", ">"), ("<", "<"),
]
_OP_PREFIXES = sorted(_OPS, key=lambda p: -len(p[0]))
_OP_FIRST = frozenset(spelled[0] for spelled, _ in _OPS)  # a text starting otherwise has no operator

# Word forms of units that are spelled out.
_UNIT_ALIASES = {"百分比": "%", "％": "%", "百分点": "%"}

_MEASURE_RE = re.compile(r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)(?P<unit>.*)$")

_WRAP_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")
_PHRASE_MARK = re.compile(r"[，。,；;、]")  # a unit never has these: '100%完成年度任务，…' is a sentence

_LATEX_STRIP = re.compile(r"\\[,;:! ]|\\(?:text|mathrm)\{([^}]*)\}")

# The functions of a cell's text keep their results (lru_cache): the same texts recur in every
# form (labels, 10, 100%, —), and their results are immutable.


@lru_cache(maxsize=16384)
def clean_text(text: str) -> str:
    """Trim a cell and fold the whitespace that line wrapping leaves inside Chinese text."""
    text = text.replace("\u3000", " ").replace("\xa0", " ").strip()
    if " " in text:
        # A space between two CJK characters (or CJK and punctuation) is wrap damage; keep
        # spaces between Latin words and numbers ("GB/T 22239-2019", "2021 年度" stays readable).
        text = _WRAP_SPACE.sub("", text)
        text = _SPACES.sub(" ", text)
    return text


@lru_cache(maxsize=16384)
def parse_decimal(text: str) -> Decimal | None:
    """'446,048' → Decimal('446048'); '' / '—' → None; anything else non-numeric → None."""
    t = text.strip().replace(" ", "")
    if t in _BLANKS:
        return None
    if not _NUM_RE.match(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex already guarantees a number
        return None


# An amount typed with its unit: '120万', '56.80万元', '1,234,567.89元' (rules.md §3).
_MONEY_RE = re.compile(r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|万|元)$")
# How many yuan one of each unit is.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000)}


@lru_cache(maxsize=16384)
def parse_money(text: str) -> tuple[Decimal | None, str]:
    """An amount and the unit typed with it: '120万' → (120, '万'), '1,000.5元' → (1000.5, '元'),
    '446,048' → (446048, ''); anything else → (None, '')."""
    t = text.strip().replace(" ", "")
    value = parse_decimal(t)
    if value is not None:
        return value, ""
    m = _MONEY_RE.match(t)
    if not m:
        return None, ""
    return Decimal(m.group("num").replace(",", "")), m.group("unit")


def money(text: str, block_unit: str, loc: Loc | None = None) -> Amount:
    """An amount of a block whose unit is `block_unit` (元 or 万元): a unit typed in the cell is
    kept in `unit` and the value converted to the block's unit ('120万' in 元 → 1200000)."""
    t = text.strip()
    value, unit = parse_money(t)
    if value is not None and unit and MONEY_UNITS[unit] != MONEY_UNITS.get(block_unit, Decimal(1)):
        value = (value * MONEY_UNITS[unit] / MONEY_UNITS.get(block_unit, Decimal(1))).normalize()
        if value.as_tuple().exponent > 0:  # 1.2E+6 → 1200000
            value = value.quantize(Decimal(1))
    return Amount(t, value, loc, unit)


def is_blank(text: str) -> bool:
    return text.strip() in _BLANKS


def amount(text: str, loc: Loc | None = None) -> Amount:
    t = text.strip()
    return Amount(t, parse_decimal(t), loc)


@lru_cache(maxsize=16384)
def parse_rate(text: str) -> Decimal | None:
    """'99.99%' → 99.99; '0.9999' → 99.99 (a fraction); '=100%' → 100."""
    t = text.strip().replace(" ", "").lstrip("=＝")
    if t in _BLANKS:
        return None
    pct = t.endswith(("%", "％"))
    if pct:
        t = t[:-1]
    value = parse_decimal(t)
    if value is None:
        return None
    if not pct and value <= 1 and "." in t:
        value = value * 100  # printed as a fraction
    return value


def rate(text: str, loc: Loc | None = None) -> Amount:
    t = text.strip()
    return Amount(t, parse_rate(t), loc)


def normalise_ops(text: str) -> str:
    """Target/actual text with LaTeX removed and the leading operator in ASCII.

    '$\\geq 90\\%$' → '>=90%', '≤5毫秒' → '<=5毫秒', '不低于95%' → '>=95%'.
    """
    t = text.strip()
    if "$" in t or "\\" in t:
        t = t.replace("$", "").replace("\\%", "%")
        t = _LATEX_STRIP.sub(_latex_kept, t).strip()
    if t[:1] not in _OP_FIRST:
        return t
    for spelled, ascii_op in _OP_PREFIXES:
        if t.startswith(spelled):
            rest = t[len(spelled):].strip()
            symbolic = not any("\u4e00" <= ch <= "\u9fff" for ch in spelled)
            # A word is an operator only before a number: '高于同类水平' is a sentence.
            if symbolic or rest[:1].isdigit() or rest[:1] in "+-.":
                compact = rest.replace(" ", "")
                return ascii_op + (compact if _MEASURE_RE.match(compact) else rest)
            return t
    return t


def _latex_kept(m: re.Match[str]) -> str:
    """What stays of a LaTeX command _LATEX_STRIP matched: the text of \\text{…}, nothing else."""
    return m.group(1) or ""


def measure(text: str, loc: Loc | None = None) -> Measure:
    """Read a target or an actual (rules.md §3)."""
    printed = text.strip()
    if not printed:
        return Measure(text="", norm="", kind=EMPTY, loc=loc)
    norm = normalise_ops(printed)
    op = ""
    body = norm
    for ascii_op in (">=", "<=", "=", ">", "<"):
        if body.startswith(ascii_op):
            op, body = ascii_op, body[len(ascii_op):]
            break
    body_ns = body.replace(" ", "")
    m = _MEASURE_RE.match(body_ns)
    if m:
        num_text, unit = m.group("num"), m.group("unit").strip()
        unit = _UNIT_ALIASES.get(unit, unit)
        try:
            number: Decimal | None = Decimal(num_text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover
            number = None
        # A number followed by a long phrase ('100%完成年度任务') is qualitative text, not a unit.
        if number is not None and len(unit) <= 6 and not _PHRASE_MARK.search(unit):
            return Measure(text=printed, norm=op + body_ns, kind=QUANT, op=op, number=number, unit=unit, loc=loc)
    return Measure(text=printed, norm=norm, kind=QUAL, op=op, loc=loc)


def round2(value: Decimal) -> Decimal:
    """Excel ROUND(x, 2): half up, never banker's rounding."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal | None, exact: bool = False) -> str:
    """The one way a Decimal becomes text: fixed point, never an exponent ('1E+2' → '100').

    As a person writes it ('19.36', '3', '2.5': no trailing zeros) in messages and reports, or
    `exact`: every digit as kept ('446048.00'), for the JSON of a form, which reads back as
    printed. None (a blank cell, a score that cannot be computed) is '—'.
    """
    if value is None:
        return "—"
    if exact:
        return format(value, "f")
    text = str(value)
    # str() prints the digits as kept. Without an exponent and with no more digits than the
    # default context keeps (28), taking the trailing zeros off is what normalize() and a
    # fixed-point format give, at a fraction of their cost: this runs for every number a
    # reason or a finding prints.
    if len(text) <= 28 and "E" not in text and value.is_finite():
        return text.rstrip("0").rstrip(".") if "." in text else text
    return format(value.normalize(), "f")


