"""Every answer the server gives, failures included, in one shape and with the same headers.

JSON errors are `{"error": {"status", "code", "message"}}` under /api and an HTML page elsewhere.
Starlette answers an unhandled exception from its outermost layer, outside every middleware, so
the security headers are put on error responses here as well as by `SecurityHeaders`. A message
never carries a server path: the store's file name is replaced before anything is sent.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storylens.errors import NotFoundError, StorylensError

log = logging.getLogger("storylens.serve")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                    "referrer-policy": "no-referrer", "x-frame-options": "DENY"}
RETRY_AFTER_S = 2  # what a 503 asks a client to wait: about one contended write


class ApiError(Exception):
    """Any failure the API reports, in the one error shape: {"error": {"status", "code", "message"}}."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def is_lock_error(err: BaseException | None) -> bool:
    """SQLite's answer when another connection holds the write lock past the busy timeout,
    raised as it is or as the cause of the store's own error."""
    while err is not None:
        if isinstance(err, sqlite3.OperationalError) and any(w in str(err).lower() for w in ("locked", "busy")):
            return True
        err = err.__cause__
    return False


BUSY_MESSAGE = "the store is busy with another writer; retry shortly"


def path_scrubber(db: str) -> Callable[[str], str]:
    """A function that replaces the store's path, folder and file name in a message."""
    absolute = os.path.abspath(db)
    secrets = sorted({absolute, db, os.path.dirname(absolute), os.path.basename(db)} - {"", "/", "."},
                     key=len, reverse=True)

    def scrub(message: str) -> str:
        for secret in secrets:
            message = message.replace(secret, "the store")
        return message

    return scrub


def install(app: FastAPI, templates: Environment, scrub: Callable[[str], str]) -> None:
    """Route every failure through one responder."""

    def respond(request: Request, status: int, code: str, message: str,
                headers: dict[str, str] | None = None) -> Response:
        message = scrub(message)
        response: Response
        if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
            response = JSONResponse({"error": {"status": status, "code": code, "message": message}}, status)
        else:
            page = templates.get_template("error.html").render(status=status, code=code, message=message)
            response = HTMLResponse(page, status)
        response.headers.update({**SECURITY_HEADERS, **(headers or {})})
        return response

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, err: ApiError) -> Response:
        return respond(request, err.status, err.code, err.message, err.headers)

    @app.exception_handler(NotFoundError)
    async def on_not_found(request: Request, err: NotFoundError) -> Response:
        return respond(request, 404, "not_found", str(err))

    @app.exception_handler(StorylensError)
    async def on_storylens_error(request: Request, err: StorylensError) -> Response:
        if is_lock_error(err):
            return respond(request, 503, "busy", BUSY_MESSAGE, {"retry-after": str(RETRY_AFTER_S)})
        return respond(request, 400, "bad_request", str(err))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, err: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(err.status_code, "http_error")
        return respond(request, err.status_code, code, str(err.detail))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, err: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())
        return respond(request, 422, "invalid_request", problems)

    @app.exception_handler(sqlite3.OperationalError)
    async def on_database_error(request: Request, err: sqlite3.OperationalError) -> Response:
        if is_lock_error(err):
            return respond(request, 503, "busy", BUSY_MESSAGE, {"retry-after": str(RETRY_AFTER_S)})
        return await on_unexpected(request, err)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, err: Exception) -> Response:
        # The cause goes to the server's log; the client learns only that it was not its fault.
        log.error("%s %s failed", request.method, request.url.path, exc_info=err)
        return respond(request, 500, "internal_error", "the server failed on this request; it has been logged")


class SecurityHeaders:
    """Adds the security headers to every response that passes through (a plain ASGI middleware:
    it does not buffer bodies, unlike Starlette's BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


class TrustedHosts(TrustedHostMiddleware):
    """Starlette's Host check (a page on another site that rebinds its name to this machine's
    address sends its own Host, and is refused), answering a refusal in the one error shape."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        async def passed(scope: Scope, receive: Receive, send: Send) -> None:
            scope["storylens.host_ok"] = True
            await app(scope, receive, send)

        super().__init__(passed, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def only_if_passed(message: Message) -> None:
            if scope.get("storylens.host_ok"):
                await send(message)

        await super().__call__(scope, receive, only_if_passed)
        if scope["type"] == "http" and not scope.get("storylens.host_ok"):
            body: dict[str, Any] = {"error": {"status": 400, "code": "bad_host", "message":
                                    "this server does not answer to that Host name (trusted_hosts)"}}
            await JSONResponse(body, 400, headers=SECURITY_HEADERS)(scope, receive, send)
