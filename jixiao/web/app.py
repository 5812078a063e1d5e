"""The web application: `create_app(db_url)` → a FastAPI app serving the pages and the JSON API
over one `Store`. `jixiao serve` runs it with uvicorn."""

from __future__ import annotations

import html
import json
import os
from contextlib import asynccontextmanager

import anyio

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ..store import Conflict, Forbidden, Invalid, NeedsConfirmation, NotFound, Store, open_store
from ..store.db import pool_size
from ..store.security import LoginFailed, TooManyAttempts
from . import api, api_round, errors, upload
from .auth import LoginRequired, ServerSessions, login_redirect_url, session_user
from .pages import account, admin, dashboard, forms, login, review, uploads
from .render import HERE, compile_templates, render

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, NeedsConfirmation: 409, Invalid: 422, LoginFailed: 401,
          TooManyAttempts: 429}

# Pages load scripts and styles only from this site; inline style attributes are allowed for the
# SVG charts. /docs is the exception: Swagger UI starts itself with an inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


TOO_LARGE_TEXT = "请求过大：一次上传总量不能超过 {mb} MB"


class _TooLarge(Exception):
    pass


class Limits:
    """Refuse an oversized request body before reading it, and set security headers."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length and length.isdigit() and int(length) > upload.MAX_REQUEST_BYTES:
            return await self._too_large(scope, receive, send)
        docs = scope["path"] in ("/docs", "/docs/oauth2-redirect")
        limit = upload.MAX_REQUEST_BYTES
        state = {"seen": 0, "too_large": False, "replaced": False}

        async def counted_receive():
            # A body sent without Content-Length (chunked) is counted as it arrives; past the
            # limit the app gets an error, and whatever it answers is replaced by the 413 below.
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    state["too_large"] = True
                    raise _TooLarge
            return message

        async def send_with_headers(message):
            if state["too_large"]:
                if not state["replaced"] and message["type"] == "http.response.start":
                    state["replaced"] = True
                    body = json.dumps(errors.body(413, TOO_LARGE_TEXT.format(mb=limit // (1024 * 1024))),
                                      ensure_ascii=False).encode()
                    await send({"type": "http.response.start", "status": 413,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                return
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"same-origin"),
                         (b"content-security-policy", (DOCS_CSP if docs else CSP).encode())]
                message["headers"] = list(message.get("headers") or []) + extra
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            if not state["replaced"]:
                await send_with_headers({"type": "http.response.start", "status": 413, "headers": []})

    @staticmethod
    async def _too_large(scope, receive, send):
        resp = JSONResponse(errors.body(413, TOO_LARGE_TEXT.format(mb=upload.MAX_REQUEST_BYTES // (1024 * 1024))),
                            status_code=413)
        await resp(scope, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(db_url: str | None = None, store: Store | None = None) -> FastAPI:
    store = store or open_store(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # As many request threads as database connections: beyond that, requests wait for a
        # thread (in order) instead of all taking a connection and timing out on the pool.
        anyio.to_thread.current_default_thread_limiter().total_tokens = pool_size()
        compile_templates()
        yield
        store.close()

    app = FastAPI(title="jixiao 绩效自评表", description="财政项目支出绩效自评表的填报、审核与检查（JSON API）",
                  version="0.1.0", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    # Swagger UI 4 (bundled, no CDN) reads OpenAPI 3.0 documents.
    app.openapi_version = "3.0.3"
    app.state.store = store

    app.add_middleware(ServerSessions, store=store, https_only=os.environ.get("JIXIAO_HTTPS", "") == "1")
    app.add_middleware(Limits)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    try:
        import swagger_ui_bundle

        app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")
        swagger = ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css")
    except ImportError:  # pragma: no cover - then Swagger UI comes from FastAPI's default CDN
        swagger = None

    # The API's description is for its users: /docs and /openapi.json need a session.
    @app.get("/openapi.json", include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        if session_user(request) is None:
            raise HTTPException(401, "请先登录", headers={"WWW-Authenticate": "Session"})
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        if session_user(request) is None:
            raise LoginRequired("/docs")
        kw = {"swagger_js_url": swagger[0], "swagger_css_url": swagger[1], "swagger_favicon_url": ""} if swagger else {}
        return get_swagger_ui_html(openapi_url="/openapi.json", title="jixiao API", **kw)

    app.include_router(api.login_router)
    app.include_router(api_round.router)
    app.include_router(api.router)
    for module in (login, account, review, forms, uploads, dashboard, admin):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/forms", status_code=303)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        return RedirectResponse(login_redirect_url(exc.next_url), status_code=303)

    def _error(request: Request, status: int, message: str, extra: dict | None = None,
               headers: dict | None = None):
        if _is_api(request) or request.url.path == "/openapi.json":
            resp = JSONResponse(errors.body(status, message, extra), status_code=status)
        elif "jixiao.session" in request.scope:
            resp = render(request, "error.html", session_user(request), status_code=status, status=status,
                          message=message)
        else:  # failed before the session was read (the database is down …): a page without it
            resp = HTMLResponse(errors.FALLBACK_PAGE.format(message=html.escape(message)), status_code=status)
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    for exc_type, status in STATUS.items():
        def handler(request: Request, exc, status=status):
            extra = {"current_version": exc.current_version} if isinstance(exc, Conflict) else None
            headers = None
            if isinstance(exc, NeedsConfirmation):
                extra = {"open_errors": exc.open_errors}
            if isinstance(exc, TooManyAttempts):
                extra, headers = {"retry_after": exc.retry_after}, {"Retry-After": str(exc.retry_after)}
            return _error(request, status, exc.message, extra, headers)

        app.add_exception_handler(exc_type, handler)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return _error(request, exc.status_code, errors.http_message(exc.status_code, exc.detail), None, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        status, message, problems = errors.validation(exc.errors())
        return _error(request, status, message, {"errors": problems} if problems else None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        # Whatever went wrong, the answer is a page or JSON in Chinese, never a bare 500; the
        # traceback goes to the server's log (Starlette logs it and re-raises after this answer).
        return _error(request, 500, "服务器内部错误，请稍后再试；如果一再出现，请联系管理员")

    return app


def app_from_env() -> FastAPI:
    """The application over $JIXIAO_DB: what each worker process of `jixiao serve --workers N` builds."""
    return create_app(os.environ.get("JIXIAO_DB"))
