"""The HTML pages, one module per area. Each router checks CSRF on every state-changing request
and asks for a logged-in user (and role) in each route."""

from __future__ import annotations

from fastapi import Request


async def fields(request: Request) -> dict[str, str]:
    """The submitted text fields of a form post (files are read by the upload page itself)."""
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
