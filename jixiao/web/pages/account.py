"""The user's own account: change the password, see and end their sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ...store.schema import User
from ...store.users import MIN_PASSWORD, UserError
from ..auth import check_csrf, client_address, page_user, session_id, store_of
from ..params import ID
from ..render import flash, render
from . import fields

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PageUser = Annotated[User, Depends(page_user)]
Fields = Annotated[dict, Depends(fields)]


def _page(request: Request, user: User, error: str | None = None, status_code: int = 200):
    return render(request, "account.html", user, sessions=store_of(request).sessions_of(user),
                  current=session_id(request), error=error, min_password=MIN_PASSWORD, status_code=status_code)


@router.get("/account")
def account_page(request: Request, user: PageUser):
    return _page(request, user)


@router.post("/account/password")
def change_password(request: Request, user: PageUser, form: Fields):
    new = form.get("new_password", "")
    if new != form.get("repeat_password", ""):
        return _page(request, user, "两次输入的新密码不一致", 422)
    try:
        store_of(request).change_password(user, form.get("current_password", ""), new, keep_session=session_id(request),
                                          address=client_address(request))
    except UserError as e:
        return _page(request, user, e.message, 422)
    flash(request, "密码已修改；您在其他浏览器或程序中的登录已全部失效。")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sessions/{sid}/end")
def end_session(request: Request, sid: ID, user: PageUser):
    if store_of(request).end_session(sid, user):
        flash(request, "已结束该会话。")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sessions/end-others")
def end_others(request: Request, user: PageUser):
    n = store_of(request).end_sessions(user, keep=session_id(request))
    flash(request, f"已结束其他 {n} 个会话。")
    return RedirectResponse("/account", status_code=303)
