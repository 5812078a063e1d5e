"""Parameters checked at the edge, before any query: ids that fit the database's integer, years
a form can have, page sizes with a default and a maximum."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**31 - 1  # INTEGER on both databases; a larger id names nothing (→ 404)
ID = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]

# Lists: a page of `limit` (default 50, at most 500) from `offset`.
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_OFFSET = 10_000_000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"每页条数（默认 {DEFAULT_LIMIT}，最多 {MAX_LIMIT}）")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过的条数")]


def page(items: list, total: int, limit: int, offset: int) -> dict:
    """The one shape of a paged list in the API."""
    return {"items": items, "total": total, "limit": limit, "offset": offset}


# An id inside a JSON body: the same bounds as in a path (out of range → 422, never a database error).
BodyID = Annotated[int, Field(ge=1, le=MAX_ID)]
