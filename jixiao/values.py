"""Reading printed values: money, weights, rates, and targets/actuals (rules.md §3).

Everything numeric is `Decimal`; nothing here touches float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from .memo import remember
from .model import EMPTY, QUAL, QUANT, Amount, Loc, Measure, Rate

# Cells that mean "nothing here" in the funds block.
_BLANKS: Final = {"", "—", "-", "--", "——", "/", "／", "无", "\\"}

_NUM_RE: Final = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")

# Operator spellings, longest first so that '>=' wins over '>'.
_OPS: Final[list[tuple[str, str]]] = [
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
_OP_PREFIXES: Final = sorted(_OPS, key=lambda p: -len(p[0]))
_OP_FIRST: Final = frozenset(spelled[0] for spelled, _ in _OPS)  # a text starting otherwise has no operator

# Word forms of units that are spelled out.
_UNIT_ALIASES: Final = {"百分比": "%", "％": "%", "百分点": "%"}

_MEASURE_RE: Final = re.compile(r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)(?P<unit>.*)$")

_WRAP_SPACE: Final = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_SPACES: Final = re.compile(r"\s+")
_PHRASE_MARK: Final = re.compile(r"[，。,；;、]")  # a unit never has these: '100%完成年度任务，…' is a sentence

_LATEX_STRIP: Final = re.compile(r"\\[,;:! ]|\\(?:text|mathrm)\{([^}]*)\}")

# memo tables (jixiao.memo) of the functions below
_CLEAN_TEXT: Final[dict[str, str]] = {}
_PARSE_DECIMAL: Final[dict[str, Decimal]] = {}
_NO_NUMBER: Final = Decimal("NaN")  # parse_decimal's table: the text is no number (it never reads a NaN)
_PARSE_RATE: Final[dict[str, Decimal | None]] = {}


def clean_text(text: str) -> str:
    """Trim a cell and fold the whitespace that line wrapping leaves inside Chinese text."""
    # cell texts repeat across rows and forms (labels, 100%, 10): each distinct text once
    cleaned = _CLEAN_TEXT.get(text)
    if cleaned is None:
        cleaned = remember(_CLEAN_TEXT, text, _clean_text(text))
    return cleaned


def _clean_text(text: str) -> str:
    text = text.replace("\u3000", " ").replace("\xa0", " ").strip()
    if " " in text:
        # A space between two CJK characters (or CJK and punctuation) is wrap damage; keep
        # spaces between Latin words and numbers ("GB/T 22239-2019", "2021 年度" stays readable).
        text = _WRAP_SPACE.sub("", text)
        text = _SPACES.sub(" ", text)
    return text


# parse_decimal and parse_rate are pure and their results (Decimal or None) immutable, and the
# same cells recur in every form (10, 100%, 0, —): each distinct text is parsed once.
def parse_decimal(text: str) -> Decimal | None:
    """'446,048' → Decimal('446048'); '' / '—' → None; anything else non-numeric → None."""
    got = _PARSE_DECIMAL.get(text)  # one lookup: a text that is no number is kept as _NO_NUMBER
    if got is None:
        value = _parse_decimal(text)
        got = remember(_PARSE_DECIMAL, text, _NO_NUMBER if value is None else value)
    return None if got is _NO_NUMBER else got


def _parse_decimal(text: str) -> Decimal | None:
    t = text.strip().replace(" ", "")
    if t in _BLANKS:
        return None
    whole, dot, fraction = t.partition(".")
    if whole.isdecimal() and (not dot or fraction.isdecimal()):
        return Decimal(t)  # 15, 446048, 99.99: what _NUM_RE accepts (its \d is isdecimal), without it
    if not _NUM_RE.match(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex already guarantees a number
        return None


def is_blank(text: str) -> bool:
    return text.strip() in _BLANKS


def amount(text: str, loc: Loc | None = None) -> Amount:
    t = text.strip()
    return Amount(t, parse_decimal(t), loc)


def parse_rate(text: str) -> Decimal | None:
    """'99.99%' → 99.99; '0.9999' → 99.99 (a fraction); '=100%' → 100."""
    if text in _PARSE_RATE:
        return _PARSE_RATE[text]
    return remember(_PARSE_RATE, text, _parse_rate(text))


def _parse_rate(text: str) -> Decimal | None:
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


def rate(text: str, loc: Loc | None = None) -> Rate:
    t = text.strip()
    return Rate(text=t, value=parse_rate(t), loc=loc)


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


def _number_end(s: str) -> int:
    """Where the number at the start of `s` ends, as `_MEASURE_RE` reads it, for the texts it
    reads most (digits, then at most one '.' and digits: 95, 99.5%, 3次); -1 for any other text,
    which the regex then reads (a sign, thousands commas, a leading '.', a line break)."""
    n = len(s)
    i = 0
    while i < n and s[i].isdecimal():
        i += 1
    if i == 0 or "\n" in s:
        return -1
    if i < n and s[i] == "." and i + 1 < n and s[i + 1].isdecimal():
        i += 2
        while i < n and s[i].isdecimal():
            i += 1
    if i < n and s[i] in ",.":
        return -1  # 1,234 or 1.2.3: the regex's own reading
    return i


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
    end = _number_end(body_ns)
    if end > 0:
        num_text: str | None = body_ns[:end]
        unit = body_ns[end:]
    else:
        m = _MEASURE_RE.match(body_ns)
        num_text, unit = (m.group("num"), m.group("unit")) if m else (None, "")
    if num_text is not None:
        unit = unit.strip()
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


def fmt_decimal(value: Decimal | None) -> str:
    """A Decimal as plain text without exponent ('1E+2' → '100')."""
    if value is None:
        return ""
    text = format(value, "f")
    return text
