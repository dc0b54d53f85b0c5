"""One JSON error shape for every error the service returns: ``{"error": {"code", "message"}}``.

Handlers cover :class:`ApiError`, Starlette's HTTP exceptions, request validation, the
library's typed errors (:class:`docsec.errors.DocsecError`, a 422) and anything else (a 500
whose body never carries a traceback).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from docsec.errors import DocsecError

__all__ = ["ERROR_RESPONSES", "ApiError", "ErrorBody", "install_handlers"]

log = logging.getLogger("docsec.service")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ErrorDetail(BaseModel):
    """A machine-readable code and a human-readable message."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: Error responses declared on every API route (OpenAPI).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("Malformed request"),
    401: _doc("Not authenticated"),
    403: _doc("Role not allowed"),
    404: _doc("Not found (or not yours)"),
    422: _doc("Invalid input"),
    429: _doc("Rate limit exceeded"),
    500: _doc("Unexpected error (no details leaked)"),
}


class ApiError(StarletteHTTPException):
    """An HTTP error with a stable code: ``raise ApiError(404, "exercise not found")``."""

    def __init__(self, status_code: int, message: str, *, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code or _CODES.get(status_code, f"http_{status_code}")


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error response in the service's shape."""
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _allowed_methods(request: Request) -> list[str]:
    """Every method the app answers on this path: its plain routes, and the operations of the
    OpenAPI document (routes of one path with different methods are separate routes, so
    Starlette's own Allow header names only one of them)."""
    app = request.app
    table: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "allow_table", None)
    if table is None:
        table = []
        for path, ops in app.openapi().get("paths", {}).items():
            pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"
            table.append((re.compile(pattern), {m.upper() for m in ops if m != "parameters"}))
        app.state.allow_table = table
    methods: set[str] = set()
    path = request.url.path
    for compiled, ops in table:
        if compiled.match(path):
            methods |= ops
    scope = {**request.scope, "method": "__NONE__"}
    for route in app.routes:
        if isinstance(route, Route):
            match, _child = route.matches(scope)
            if match != Match.NONE:
                methods |= set(route.methods or ())
    return sorted(methods)


def install_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error the service's JSON shape."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "code", None) or _CODES.get(exc.status_code,
                                                         f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return error_response(exc.status_code, code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(DocsecError)
    async def _docsec(_request: Request, exc: DocsecError) -> JSONResponse:
        return error_response(422, exc.code, str(exc))

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        log.warning("the database refused a value: %s", exc.orig)
        return error_response(422, "invalid_value", "the database refused a value of the request")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "unexpected error; it has been logged")
