"""Bounded memo tables, used by jixiao/recognize.py and jixiao/recognize_plain.py only.

The rest of the package keeps the results of its pure functions with `functools.lru_cache`; this
module goes when the recogniser does the same (issue 12). A table that reaches its size starts
again empty, so a stream of ever-new texts cannot grow it without end.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

MEMO_SIZE = 16384  # entries of one table before it starts again empty


def remember(table: dict[Any, Any], key: object, value: T, size: int = MEMO_SIZE) -> T:
    """Keep `value` under `key` in a memo table of at most `size` entries; return it."""
    if len(table) >= size:
        table.clear()  # bounded: ever new texts cannot grow a table without end
    table[key] = value
    return value
