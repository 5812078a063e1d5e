"""Sessions, log-in, CSRF and role checks: the dependencies every route declares.

- The session is Starlette's signed cookie (itsdangerous), HttpOnly and SameSite=Lax; it holds
  the user id and the CSRF token, nothing else.
- Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token:
  pages send it as the hidden field `csrf_token`, API clients as the header `X-CSRF-Token`
  (returned by `POST /api/login` and `GET /api/me`). The one exception is `POST /api/login`
  itself, which has no session yet and accepts only a JSON body, which a cross-site HTML form
  cannot send.
- Unauthenticated API calls get 401; pages redirect to the log-in page.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from fastapi import HTTPException, Request

from ..store import Store
from ..store.schema import ROLE_ADMIN, User

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """A page needs a logged-in user: answered with a redirect to /login."""

    def __init__(self, next_url: str = "/"):
        self.next_url = next_url


def store_of(request: Request) -> Store:
    return request.app.state.store


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def login(request: Request, user: User) -> str:
    """Start a fresh session for the user (a new CSRF token too: no fixation from before log-in)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["sv"] = user.session_version or 0
    return csrf_token(request)


def logout(request: Request) -> None:
    request.session.clear()


def session_user(request: Request) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user
    uid = request.session.get("uid")
    user = store_of(request).user(uid) if isinstance(uid, int) else None
    # A session ends when the account is deactivated or changed (`store.users.end_sessions`).
    if user is not None and (not user.active or request.session.get("sv", 0) != (user.session_version or 0)):
        user = None
    request.state.user = user
    return user


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403)."""
    if request.method in SAFE_METHODS:
        return
    if "uid" not in request.session and request.url.path != "/login":
        # Not logged in at all: say that (401 / the log-in page), not "bad token".
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "请先登录", headers={"WWW-Authenticate": "Session"})
        raise LoginRequired("/")
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise HTTPException(403, "请求缺少有效的 CSRF 令牌（页面可能已过期，请刷新后重试）")


# -- API dependencies ------------------------------------------------------------------------
def api_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise HTTPException(401, "请先登录", headers={"WWW-Authenticate": "Session"})
    return user


def api_admin(request: Request) -> User:
    user = api_user(request)
    if user.role != ROLE_ADMIN:
        raise HTTPException(403, "只有管理员可以执行此操作")
    return user


# -- page dependencies -----------------------------------------------------------------------
def page_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/")
    return user


def page_admin(request: Request) -> User:
    user = page_user(request)
    if user.role != ROLE_ADMIN:
        raise HTTPException(403, "只有管理员可以访问此页面")
    return user


def login_redirect_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="")


def safe_next(next_url: str | None) -> str:
    """Only same-site paths: never send a user on to another site after log-in."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return "/forms"
    return next_url
