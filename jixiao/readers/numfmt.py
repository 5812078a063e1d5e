"""A spreadsheet number as a person sees it: the stored value shown through the cell's number format.

Spreadsheet libraries hand back floats (446048.0 for a cell showing `446,048.00`, 0.9999 for one
showing `99.99%`). jixiao keeps what the form printed, so a number is turned into the text its
number format shows, through `Decimal(repr(value))` and half-up rounding, never float arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_PLACEHOLDER = re.compile(r"[0#?]")


def to_decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))


def general(value: Decimal) -> str:
    """Excel's General format: at most 15 significant digits (what a double holds), no exponent."""
    if not value.is_finite():
        return str(value)
    if value == 0:
        return "0"
    digits = value.adjusted() + 1  # digits before the decimal point
    if len(value.as_tuple().digits) > 15:
        value = value.quantize(Decimal(1).scaleb(digits - 15), rounding=ROUND_HALF_UP)
    text = format(value.normalize(), "f")
    return text


def _sections(fmt: str) -> list[str]:
    sections, buf, in_quote = [], [], False
    for ch in fmt:
        if ch == '"':
            in_quote = not in_quote
        if ch == ";" and not in_quote:
            sections.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    sections.append("".join(buf))
    return sections


def format_number(value: Decimal, fmt: str | None) -> str:
    plan = _plan(fmt)
    if plan is None:
        return general(value)
    first, has_second, second = plan
    own_negative = value < 0 and has_second
    section = first
    if own_negative:  # '#,##0.00;-#,##0.00' or '0.00;(0.00)': the section prints its own sign
        section = second
        value = -value
    if section is None:  # no placeholder, a scientific or a fraction format
        return general(-value if own_negative else value)
    percent, required, decimals, thousands, paren, minus = section
    if percent:
        value = value * 100
    try:
        q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return general(value)
    text = format(q, ",f" if thousands else "f")
    if decimals > required:  # '#' places: trailing zeros are not shown
        head, _, tail = text.partition(".")
        tail = tail.rstrip("0")
        while len(tail) < required:
            tail += "0"
        text = head + ("." + tail if tail else "")
    if percent:
        text += "%"
    if own_negative:
        if paren:
            text = f"({text})"
        elif minus:
            text = "-" + text
    return text


@lru_cache(maxsize=4096)
def _plan(fmt: str | None):
    """What format_number needs of a number format, worked out once per format: None for
    General, else (first section, whether a second section with placeholders prints negative
    numbers, that section), a section being (percent, required decimals, decimals, thousands,
    has '(', has '-'), or None where the number prints as General (no placeholder, scientific,
    fraction)."""
    fmt = (fmt or "General").strip()
    if fmt.lower() in ("general", "@", ""):
        return None
    sections = [_QUOTED.sub("", s) for s in _sections(fmt)]
    has_second = len(sections) > 1 and _PLACEHOLDER.search(sections[1]) is not None
    return _section_plan(sections[0]), has_second, (_section_plan(sections[1]) if has_second else None)


def _section_plan(section: str):
    if not _PLACEHOLDER.search(section) or re.search(r"[eE][+-]", section) or "/" in section:
        return None
    integer_part, _, fraction_part = section.partition(".")
    return ("%" in section, fraction_part.count("0"), len(_PLACEHOLDER.findall(fraction_part)),
            "," in integer_part.strip(","), "(" in section, "-" in section)


def printed(value, fmt: str | None) -> str:
    """The text a spreadsheet cell shows for a stored value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        try:
            return format_number(to_decimal(value), fmt)
        except (InvalidOperation, ValueError):
            return str(value)
    return str(value)


def number_format_for(text: str) -> str:
    """The number format that shows a number the way `text` prints it ('446,048.00' → '#,##0.00')."""
    t = text.strip()
    percent = t.endswith(("%", "％"))
    digits = t.rstrip("%％")
    decimals = len(digits.partition(".")[2]) if "." in digits else 0
    frac = "." + "0" * decimals if decimals else ""
    if percent:
        return "0" + frac + "%"
    if "," in t:
        return "#,##0" + frac
    if decimals:
        return "0" + frac
    return "General"
