"""Administration: users (roles, units, departments) and rule sets."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from ...store import Invalid
from ...store.schema import ROLES, User
from ...store.users import UserError
from ..auth import check_csrf, page_admin, store_of
from ..render import flash, render
from ..params import ID
from . import fields, int_or_none

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
Admin = Annotated[User, Depends(page_admin)]
Fields = Annotated[dict, Depends(fields)]
SECURITY_PAGE = 100


def _departments(text: str | None) -> list[str]:
    return [d for d in re.split(r"[,，;；\n]+", text or "") if d.strip()]


def _users_page(request: Request, user: User, **extra):
    store = store_of(request)
    return render(request, "admin_users.html", user, users=store.users(), roles=ROLES, units=store.units(),
                  departments=store.departments(), **extra)


async def _all_fields(request: Request) -> tuple[dict[str, str], list[str]]:
    """The text fields, and the departments (a multiple select, or one text with commas)."""
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    deps = _departments("\n".join(v for v in form.getlist("departments") if isinstance(v, str)))
    return values, deps


@router.get("/admin/users")
def users_page(request: Request, user: Admin):
    return _users_page(request, user)


@router.post("/admin/users")
async def add_user(request: Request, user: Admin):
    form, deps = await _all_fields(request)
    try:
        u = store_of(request).add_user(form.get("username", ""), form.get("password", ""), form.get("role", ""),
                                       form.get("unit") or None, deps)
    except UserError as e:
        return _users_page(request, user, error=e.message, values=form, status_code=422)
    flash(request, f"已创建用户“{u.username}”（{u.role}）。")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}")
async def change_user(request: Request, user_id: ID, user: Admin):
    form, deps = await _all_fields(request)
    active = {"1": True, "0": False}.get(form.get("active", ""))
    password = form.get("password") or None
    edit = form.get("edit") == "1"
    try:
        if user_id == user.id and active is False:
            raise Invalid("不能停用自己的账号")
        if user_id == user.id and edit and form.get("role") != user.role:
            raise Invalid("不能更改自己的角色")
        u = store_of(request).update_user(
            user_id, active=active, password=password, by=user, role=form.get("role") if edit else None,
            unit=form.get("unit", "") if edit else None, departments=deps if edit else None)
    except Invalid as e:
        flash(request, e.message, "error")
        return RedirectResponse(f"/admin/users#user-{user_id}", status_code=303)
    flash(request, f"已更新用户“{u.username}”（{u.role}{'，' + u.unit if u.unit else ''}"
                   f"{'，' + '、'.join(u.departments) if u.departments else ''}）；该用户需重新登录。")
    return RedirectResponse(f"/admin/users#user-{user_id}", status_code=303)


@router.get("/admin/security")
def security_page(request: Request, user: Admin, page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """Locked accounts (with an unlock button) and the security log, newest first."""
    store = store_of(request)
    events, total = store.security_log(limit=SECURITY_PAGE, offset=(page - 1) * SECURITY_PAGE)
    users = {u.username: u for u in store.users()}
    locked = [(users.get(name), name, until) for name, until in store.locked_accounts().items()]
    return render(request, "admin_security.html", user, events=events, total=total, page=page,
                  pages=max(1, -(-total // SECURITY_PAGE)), locked=locked)


@router.post("/admin/users/{user_id}/unlock")
def unlock_user(request: Request, user_id: ID, user: Admin):
    u = store_of(request).unlock(user_id, by=user)
    flash(request, f"已解除用户“{u.username}”的登录锁定。")
    return RedirectResponse("/admin/security", status_code=303)


@router.get("/admin/rulesets")
def rulesets_page(request: Request, user: Admin):
    store = store_of(request)
    return render(request, "admin_rulesets.html", user, rulesets=store.rulesets(), active=store.ruleset())


@router.post("/admin/rulesets")
async def add_ruleset(request: Request, user: Admin):
    form = await request.form()
    content = form.get("content") or ""
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        raw = await upload.read(1024 * 1024 + 1)
        if len(raw) > 1024 * 1024:
            raise Invalid("规则集文件不能超过 1 MB")
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise Invalid("规则集文件不是 UTF-8 编码") from e
    store = store_of(request)
    try:
        r = store.add_ruleset(str(form.get("name") or ""), str(content), user, activate=form.get("activate") == "1")
    except Invalid as e:
        return render(request, "admin_rulesets.html", user, rulesets=store.rulesets(), active=store.ruleset(),
                      error=e.message, status_code=422)
    flash(request, f"已保存规则集“{r.name}”。")
    return RedirectResponse("/admin/rulesets", status_code=303)


@router.post("/admin/rulesets/activate")
def activate_ruleset(request: Request, user: Admin, form: Fields):
    store_of(request).activate_ruleset(int_or_none(form.get("ruleset_id")) or None)
    flash(request, f"当前规则集：{store_of(request).ruleset().name}。之后的导入和保存按此规则集评分。")
    return RedirectResponse("/admin/rulesets", status_code=303)
