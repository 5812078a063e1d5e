"""values: the number readers' quick paths read every text exactly as the regexes they skip."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import values

# The characters numbers, targets and actuals are printed with, and a few that only look alike
# (full-width and Arabic-Indic digits are Unicode decimals, '²' is a digit but no decimal).
_CHARS = "0123456789.,+-% 元次个万分≥<=\n１２٣²"
_TEXTS = st.text(alphabet=_CHARS, max_size=12)


def _parse_decimal_by_regex(text: str) -> Decimal | None:
    """parse_decimal as written before its quick path."""
    t = text.strip().replace(" ", "")
    if t in values._BLANKS or not values._NUM_RE.match(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None


def _number_by_regex(body: str) -> tuple[str, str] | None:
    """(number, unit) as _MEASURE_RE splits a target's body, or None where it reads no number."""
    m = values._MEASURE_RE.match(body)
    return (m.group("num"), m.group("unit")) if m else None


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_parse_decimal_reads_as_the_regex(text):
    assert values.parse_decimal(text) == _parse_decimal_by_regex(text)


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_the_number_scan_splits_as_the_regex(text):
    body = text.replace(" ", "")
    end = values._number_end(body)
    if end > 0:
        assert _number_by_regex(body) == (body[:end], body[end:])


def test_the_number_scan_takes_the_common_texts():
    for body, end in (("95", 2), ("99.5%", 4), ("3次", 1), ("１２个", 2), ("5.x", -1), ("1,234", -1), ("-3", -1),
                      (".5", -1), ("12\n", -1), ("元", -1)):
        assert values._number_end(body) == end, body


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_CHARS + "$\\{}textgq", max_size=14))
def test_measure_is_a_pure_function_of_the_text(text):
    """measure, which now splits most numbers without the regex, still gives a quantity exactly
    when the regex finds a number with a short unit."""
    m = values.measure(text)
    printed = text.strip()
    if not printed:
        assert m.kind == values.EMPTY
        return
    norm = values.normalise_ops(printed)
    body = re.sub(r"^(>=|<=|=|>|<)", "", norm).replace(" ", "")
    split = _number_by_regex(body)
    quantity = split is not None and len(split[1].strip()) <= 6 and not values._PHRASE_MARK.search(split[1])
    assert (m.kind == values.QUANT) == quantity
    if quantity:
        assert m.number == Decimal(split[0].replace(",", ""))
