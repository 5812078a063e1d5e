"""Templates and the context every page gets (user, CSRF token, flash message)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from ..store.schema import User
from . import formview
from .auth import csrf_token

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def money(value) -> str:
    """446048 → '446,048.00' (two decimals, thousands separators); None → ''."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except Exception:  # noqa: BLE001 - a printed value that is not a number is shown as printed
        return str(value)


def num(value) -> str:
    """A score or rate without trailing zeros: Decimal('97.50') → '97.5'."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except Exception:  # noqa: BLE001
        return str(value)
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# China keeps one time zone; times are stored in UTC and shown as Beijing time.
BEIJING = timezone(timedelta(hours=8))


def localtime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


templates.env.filters["localtime"] = localtime
templates.env.filters["money"] = money
templates.env.filters["num"] = num
templates.env.globals["cell_id"] = formview.cell_id
templates.env.globals["field_label"] = formview.field_label


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


STATUS_CLASS = {"草稿": "draft", "已提交": "submitted", "退回": "returned", "已审核": "approved"}
templates.env.filters["status_class"] = lambda status: "st-" + STATUS_CLASS.get(status, "other")


def compile_templates() -> None:
    """Compile every template now (a worker's start), not in its first requests: a page's first
    compilation costs 0.1–0.3 s, which the first visitors of each worker process would wait for."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)


def render(request: Request, name: str, user: User | None = None, status_code: int = 200, **context):
    context.update(
        user=user,
        todo_count=request.app.state.store.todo_count(user) if user is not None else 0,
        csrf=csrf_token(request),
        flash=request.session.pop("flash", None),
        path=request.url.path,
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)
