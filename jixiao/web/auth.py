"""Sessions, log-in, CSRF and role checks: the dependencies every route declares.

- The session lives in the database (`store.security`, table `sessions`); the cookie
  `jixiao_session` (HttpOnly, SameSite=Lax) holds only its random token. `ServerSessions` loads
  it before a request (one short transaction) and writes what changed after it (another), so no
  database connection is held while a page renders. Ending a session is deleting its row.
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
from http.cookies import SimpleCookie
from urllib.parse import quote

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Store
from ..store import security
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


COOKIE = "jixiao_session"


class Handle:
    """What a request knows of its session; `ServerSessions` writes the changes back."""

    def __init__(self, loaded: security.Loaded | None):
        self.id = loaded.id if loaded else None
        self.user = loaded.user if loaded else None
        self.saved = dict(loaded.data) if loaded else {}
        self.started: User | None = None  # logged in during this request: a new session
        self.ended = False


def handle_of(request: Request) -> Handle:
    return request.scope["jixiao.session"]


def client_address(request_or_scope) -> str:
    scope = request_or_scope.scope if isinstance(request_or_scope, Request) else request_or_scope
    client = scope.get("client")
    return client[0] if client else ""


class ServerSessions:
    """Sessions kept in the database; the cookie is only a random token."""

    def __init__(self, app: ASGIApp, store: Store, https_only: bool = False):
        self.app, self.store = app, store
        self.flags = "; HttpOnly; SameSite=Lax" + ("; Secure" if https_only else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/static/", "/docs-static/")):
            return await self.app(scope, receive, send)  # files need no session: no query for them
        token = self._token(scope)
        loaded = await run_in_threadpool(self.store.load_session, token) if token else None
        handle = Handle(loaded)
        scope["session"] = dict(handle.saved)
        scope["jixiao.session"] = handle

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Most requests change nothing in the session: then no thread and no transaction
                # (a request thread may be busy with the next request's page).
                had = token is not None
                cookie = (await run_in_threadpool(self._persist, scope, handle, had) if self._writes(scope, handle)
                          else self._persist(scope, handle, had))
                if cookie is not None:
                    message["headers"] = list(message.get("headers") or []) + [(b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    @staticmethod
    def _token(scope: Scope) -> str | None:
        for name, value in scope.get("headers") or []:
            if name == b"cookie":
                try:
                    jar = SimpleCookie(value.decode("latin-1"))
                except Exception:  # noqa: BLE001 - a malformed Cookie header is no session
                    return None
                morsel = jar.get(COOKIE)
                if morsel is not None and 20 <= len(morsel.value) <= 100:
                    return morsel.value
        return None

    @staticmethod
    def _writes(scope: Scope, handle: Handle) -> bool:
        """Does `_persist` write to the database for this request?"""
        data = scope["session"]
        return (handle.ended or handle.started is not None or (handle.id is None and bool(data))
                or (handle.id is not None and data != handle.saved))

    def _persist(self, scope: Scope, handle: Handle, had_cookie: bool) -> str | None:
        """Write the session's changes; the Set-Cookie value to send, if any."""
        data = scope["session"]
        if handle.ended or handle.started is not None:
            if handle.id is not None:
                self.store.end_session(handle.id)
            if handle.ended:
                return f"{COOKIE}=; Path=/; Max-Age=0" + self.flags
        if handle.started is not None or (handle.id is None and data):
            agent = dict(scope.get("headers") or []).get(b"user-agent", b"").decode("latin-1")
            sid, token = self.store.open_session(handle.started, data, client_address(scope), agent)
            handle.id = sid
            return f"{COOKIE}={token}; Path=/; Max-Age={int(security.ABSOLUTE.total_seconds())}" + self.flags
        if handle.id is not None and data != handle.saved:
            self.store.save_session(handle.id, data)
        elif handle.id is None and had_cookie:
            return f"{COOKIE}=; Path=/; Max-Age=0" + self.flags  # an ended or unknown session: forget it
        return None


def login(request: Request, user: User) -> str:
    """Start a fresh session for the user: a new token and a new CSRF token (nothing carried over
    from before log-in, so no session fixation)."""
    handle = handle_of(request)
    handle.started, handle.user = user, user
    request.session.clear()
    return csrf_token(request)


def logout(request: Request) -> None:
    handle = handle_of(request)
    if handle.user is not None:
        store_of(request).log_event(security.LOGOUT, handle.user, client_address(request))
    handle.ended, handle.user = True, None
    request.session.clear()


def session_user(request: Request) -> User | None:
    return handle_of(request).user


def session_id(request: Request) -> int | None:
    return handle_of(request).id


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403)."""
    if request.method in SAFE_METHODS:
        return
    if session_user(request) is None and request.url.path != "/login":
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
# `async`, though they only read the request: FastAPI runs a plain function dependency in a
# request thread, and a page would wait for a free thread once more for nothing.
async def api_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise HTTPException(401, "请先登录", headers={"WWW-Authenticate": "Session"})
    return user


async def api_admin(request: Request) -> User:
    user = await api_user(request)
    if user.role != ROLE_ADMIN:
        raise HTTPException(403, "只有管理员可以执行此操作")
    return user


# -- page dependencies -----------------------------------------------------------------------
async def page_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/")
    return user


async def page_admin(request: Request) -> User:
    user = await page_user(request)
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
