"""Log-in and log-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ...store.security import LoginFailed, TooManyAttempts
from ..auth import check_csrf, client_address, login, logout, safe_next, session_user, store_of
from ..render import render
from . import fields

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/login")
def login_page(request: Request, next: str = "/forms"):
    user = session_user(request)
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", None, next=safe_next(next))


@router.post("/login")
def login_submit(request: Request, form: Annotated[dict, Depends(fields)]):
    nxt = safe_next(form.get("next"))
    try:
        user = store_of(request).login(form.get("username", ""), form.get("password", ""), client_address(request))
    except (LoginFailed, TooManyAttempts) as e:
        status = 429 if isinstance(e, TooManyAttempts) else 401
        resp = render(request, "login.html", None, status_code=status, next=nxt,
                      username=form.get("username", "")[:100], error=e.message)
        if isinstance(e, TooManyAttempts):
            resp.headers["Retry-After"] = str(e.retry_after)
        return resp
    login(request, user)
    return RedirectResponse(nxt, status_code=303)


@router.post("/logout")
def logout_submit(request: Request):
    logout(request)
    return RedirectResponse("/login", status_code=303)
