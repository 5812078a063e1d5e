"""The web application: `create_app(db_url)` → a FastAPI app serving the pages and the JSON API
over one `Store`. `jixiao serve` runs it with uvicorn."""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ..store import Conflict, Forbidden, Invalid, NeedsConfirmation, NotFound, Store, open_store
from . import api, api_round, upload
from .auth import LoginRequired, login_redirect_url, session_user
from .pages import admin, dashboard, forms, login, review, uploads
from .render import HERE, render

SESSION_HOURS = 8

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, NeedsConfirmation: 409, Invalid: 422}

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
                    body = json.dumps({"detail": TOO_LARGE_TEXT.format(mb=limit // (1024 * 1024))},
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
        resp = JSONResponse({"detail": TOO_LARGE_TEXT.format(mb=upload.MAX_REQUEST_BYTES // (1024 * 1024))},
                            status_code=413)
        await resp(scope, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(db_url: str | None = None, store: Store | None = None) -> FastAPI:
    store = store or open_store(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        store.close()

    app = FastAPI(title="jixiao 绩效自评表", description="财政项目支出绩效自评表的填报、审核与检查（JSON API）",
                  version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan)
    # Swagger UI 4 (bundled, no CDN) reads OpenAPI 3.0 documents.
    app.openapi_version = "3.0.3"
    app.state.store = store

    app.add_middleware(SessionMiddleware, secret_key=store.secret(), session_cookie="jixiao_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax",
                       https_only=os.environ.get("JIXIAO_HTTPS", "") == "1")
    app.add_middleware(Limits)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    try:
        import swagger_ui_bundle

        app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")
        swagger = ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css")
    except ImportError:  # pragma: no cover - then Swagger UI comes from FastAPI's default CDN
        swagger = None

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        kw = {"swagger_js_url": swagger[0], "swagger_css_url": swagger[1], "swagger_favicon_url": ""} if swagger else {}
        return get_swagger_ui_html(openapi_url="/openapi.json", title="jixiao API", **kw)

    app.include_router(api.login_router)
    app.include_router(api_round.router)
    app.include_router(api.router)
    for module in (login, review, forms, uploads, dashboard, admin):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/forms", status_code=303)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        return RedirectResponse(login_redirect_url(exc.next_url), status_code=303)

    def _error(request: Request, status: int, message: str, extra: dict | None = None):
        if _is_api(request):
            return JSONResponse({"detail": message, **(extra or {})}, status_code=status)
        return render(request, "error.html", session_user(request), status_code=status, status=status,
                      message=message)

    for exc_type, status in STATUS.items():
        def handler(request: Request, exc, status=status):
            extra = {"current_version": exc.current_version} if isinstance(exc, Conflict) else None
            if isinstance(exc, NeedsConfirmation):
                extra = {"open_errors": exc.open_errors}
            return _error(request, status, exc.message, extra)

        app.add_exception_handler(exc_type, handler)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "请求有误"
        if exc.status_code == 404 and message == "Not Found":
            message = "页面不存在"
        if exc.status_code == 405:
            message = "不支持这种请求方式"
        resp = _error(request, exc.status_code, message)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = "；".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}：{e.get('msg', '')}" for e in exc.errors()
        )
        return _error(request, 422, f"请求内容有误：{problems}")

    return app
