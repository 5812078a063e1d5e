"""Bounded memo tables for the pure functions a form's reading and scoring ask again and again.

The same cell texts recur on every form (10, 100%, 数量指标, =100%), so the functions of a text
(parse_decimal, classify, a cell's kind) keep their results. They keep them in a plain dict
read in place, not behind `functools.lru_cache`: compiled code calls an lru_cache wrapper as a
generic Python callable, with an argument tuple and a key built on every call, which cost more
than most of the functions it saved. A table that reaches its size starts again empty, so a
stream of ever-new texts (amounts, 偏差原因) cannot grow it without end.

Each table is a module-level dict of its function, read as

    if key in TABLE:
        return TABLE[key]
    return remember(TABLE, key, compute(key))

(or `.get` when no result is None). Tables of bulky results (a header line's maps) are kept
smaller. Compiled with the modules that use it (setup.py).
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

T = TypeVar("T")

MEMO_SIZE: Final = 16384  # entries of one table before it starts again empty


def remember(table: dict[Any, Any], key: object, value: T, size: int = MEMO_SIZE) -> T:
    """Keep `value` under `key` in a memo table of at most `size` entries; return it."""
    if len(table) >= size:
        table.clear()  # bounded: ever new texts cannot grow a table without end
    table[key] = value
    return value
