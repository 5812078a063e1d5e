"""A spreadsheet number is read as its number format prints it (readers/numfmt.py), in Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.readers.numfmt import number_format_for, printed


@pytest.mark.parametrize("value,fmt,shown", [
    (446048.0, "#,##0.00", "446,048.00"),
    (446048, "0.00", "446048.00"),
    (3503794.7, "#,##0.0", "3,503,794.7"),
    (0.99987, "0.00%", "99.99%"),
    (1, "0.00%", "100.00%"),
    (0.958, "0%", "96%"),
    (0.1 + 0.2, "General", "0.3"),  # 0.30000000000000004: General shows 15 significant digits
    (97.33000000000001, "General", "97.33"),
    (100.0, "General", "100"),
    (2.675, "0.00", "2.68"),  # half up on the printed decimal, not on the binary 2.67499…
    (2.5, "0", "3"),
    (-5.5, "#,##0.0;-#,##0.0", "-5.5"),
    (-5.5, "0.00;(0.00)", "(5.50)"),
    (3.5, "0.0#", "3.5"),
    (1234567.891, "#,##0.####", "1,234,567.891"),
    (12, '0"元"', "12"),
    (1e20, "General", "100000000000000000000"),
    ("健全", "General", "健全"),
    (None, "0.00", ""),
])
def test_printed(value, fmt, shown):
    assert printed(value, fmt) == shown


@pytest.mark.parametrize("text,fmt", [
    ("446,048.00", "#,##0.00"), ("446048.00", "0.00"), ("10", "General"), ("99.99%", "0.00%"),
    ("100%", "0%"), ("3,503,794.7", "#,##0.0"),
])
def test_the_format_that_prints_a_text_back(text, fmt):
    assert number_format_for(text) == fmt
    value = Decimal(text.rstrip("%").replace(",", "")) / (100 if text.endswith("%") else 1)
    assert printed(value, fmt) == text
