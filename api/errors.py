"""The one place that maps errors to HTTP: status codes, `{error, code, details}` bodies.

`details` is always an object (contract v1): `{}` when there is nothing to add, never
null and never a list. Validation errors (422 VALIDATION_ERROR) name each problem in
`{"fields": [{field, in, message, type}, ...]}`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from api.error_recorder import ErrorRecorder
from api.schemas.common import ErrorBody
from domain.email import EmailDeliveryFailed
from domain.errors import (
    AuthenticationFailed,
    Conflict,
    DependencyUnavailable,
    DomainError,
    Forbidden,
    InvalidCursor,
    InvalidInput,
    NotFound,
    RateLimited,
)
from domain.real_yield import YieldDataMissing
from infrastructure.availability import candidates, unavailable_dependency
from infrastructure.logging import get_logger

DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    InvalidInput: 422,
    AuthenticationFailed: 401,
    Forbidden: 403,
    EmailDeliveryFailed: 503,
    YieldDataMissing: 503,
    InvalidCursor: 400,
    DependencyUnavailable: 503,
}

HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "The request is malformed."),
    401: ("UNAUTHORIZED", "Authentication required."),
    403: ("FORBIDDEN", "Not allowed."),
    404: ("NOT_FOUND", "The requested resource was not found."),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed on this resource."),
    406: ("NOT_ACCEPTABLE", "The requested representation is not available."),
    409: ("CONFLICT", "The request conflicts with the current state."),
    413: ("PAYLOAD_TOO_LARGE", "The request body is too large."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON."),
    422: ("VALIDATION_ERROR", "The request is invalid."),
    429: ("RATE_LIMITED", "Too many requests; try again later."),
    500: ("INTERNAL_ERROR", "An unexpected error occurred."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
}

# documented on every route in the OpenAPI schema; api/openapi.py adds the statuses each
# route can answer on top (401/403/404/413/429/503 ..., derived from what it uses)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTP_CODES[status][1]} for status in (422, 500)
}


def error_body(message: str, code: str, details: Mapping[str, Any] | None = None) -> bytes:
    """The error envelope as JSON bytes; `details` is an object (`{}` when None)."""
    return orjson.dumps({"error": message, "code": code, "details": dict(details or {})})


def validation_details(fields: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`details` of a 422 VALIDATION_ERROR: `{"fields": [{field, in, message, type}]}`."""
    return {"fields": [dict(field) for field in fields]}


def error_response(
    status: int,
    message: str,
    code: str,
    details: Mapping[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = error_body(message, code, details)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _domain_status(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return 400


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    headers = None
    if isinstance(exc, RateLimited):  # Retry-After plus the IETF RateLimit fields
        headers = {
            "Retry-After": str(exc.retry_after),
            "RateLimit-Limit": str(exc.limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(exc.retry_after),
        }
    elif isinstance(exc, DependencyUnavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    details = _input_details(exc) if isinstance(exc, InvalidInput) else exc.details
    status = _domain_status(exc)
    _record(request, status, exc.code)
    return error_response(status, exc.message, exc.code, details, headers)


def _input_details(exc: InvalidInput) -> dict[str, Any]:
    """A value refused by a use case is a validation error like any other: its `details`
    are `{"fields": [...]}` (the field it names, if any), whatever else it carries kept."""
    details = dict(exc.details)
    if "fields" in details:
        return details
    field = details.pop("field", None)
    fields = [] if field is None else [_invalid(str(field), exc.message)]
    return {**details, "fields": fields}


def _invalid(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "type": "invalid_input"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, default_message = HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "Request failed."))
    message = (
        exc.detail
        if isinstance(exc.detail, str) and exc.detail not in _GENERIC
        else default_message
    )
    details: dict[str, Any] = {}
    if exc.status_code == 404:
        details = {"path": request.url.path}
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        details = {
            "method": request.method,
            "allowed": [m.strip() for m in allowed.split(",") if m],
        }
        message = f"Method {request.method} is not allowed on {request.url.path}."
    _record(request, exc.status_code, code)
    return error_response(exc.status_code, message, code, details, dict(exc.headers or {}))


# Starlette's default phrases ("Not Found", ...) are replaced by our own messages
_GENERIC = {"Not Found", "Method Not Allowed", "Unauthorized", "Forbidden", "Bad Request"}


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        where = str(loc[0]) if loc else "body"
        if error.get("type") == "json_invalid":
            position = loc[1] if len(loc) > 1 else None
            reason = error.get("ctx", {}).get("error", "cannot be parsed")
            details.append(
                {
                    "field": "body",
                    "in": "body",
                    "message": f"Invalid JSON: {reason}",
                    "type": "json_invalid",
                    "position": position,
                }
            )
            continue
        field = ".".join(str(part) for part in loc[1:]) or where
        details.append(
            {
                "field": field,
                "in": where,
                "message": error.get("msg", "invalid"),
                "type": error.get("type"),
            }
        )
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
    _record(request, 422, "VALIDATION_ERROR")
    return error_response(
        422,
        f"Request validation failed — {summary}",
        "VALIDATION_ERROR",
        validation_details(details),
    )


_OUTAGE_LOG_EVERY_SECONDS = 30.0
log = get_logger(__name__)


async def _dependency_error(request: Request, exc: Exception) -> Response:
    """A database (or Redis) that cannot be reached is 503 DEPENDENCY_UNAVAILABLE with
    Retry-After; any other error of these classes is a bug and stays a 500."""
    dependency = unavailable_dependency(exc)
    if dependency is None:
        raise exc
    # one line per dependency per interval (per app), not one per request
    state = request.app.state
    if not hasattr(state, "outage_logged_at"):
        state.outage_logged_at = {}
    logged_at: dict[str, float] = state.outage_logged_at
    now = time.monotonic()
    if now - logged_at.get(dependency, -_OUTAGE_LOG_EVERY_SECONDS) >= _OUTAGE_LOG_EVERY_SECONDS:
        logged_at[dependency] = now
        log.warning("dependency_unavailable", dependency=dependency, error=type(exc).__name__)
    return await _domain_error(request, DependencyUnavailable(dependency=dependency))


# --- counting errors for the admins' view (api/error_recorder.py) ---------------------------


def _record(request: Request, status: int, code: str) -> None:
    recorder: ErrorRecorder | None = getattr(request.app.state, "error_recorder", None)
    if recorder is not None:
        recorder.record(request.scope, status, code)


def record_unhandled(scope: Scope) -> None:
    """Count an exception no handler turned into a response (api/middleware.py answers
    it with the 500)."""
    app = scope.get("app")
    recorder: ErrorRecorder | None = getattr(getattr(app, "state", None), "error_recorder", None)
    if recorder is not None:
        recorder.record(scope, 500, "INTERNAL_ERROR")


def install_error_handlers(app: FastAPI, *, postgres: bool = True, redis: bool = True) -> None:
    """`postgres`/`redis`: whether the app may use that driver (its exception classes get
    the 503 handler; an embedded app passes False for both and never imports them)."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # connection failures of the database or Redis: 503
    for exc_class in candidates(postgres=postgres, redis=redis):
        app.add_exception_handler(exc_class, _dependency_error)


def internal_error_body(request_id: str) -> bytes:
    code, message = "INTERNAL_ERROR", HTTP_CODES[500][1]
    return error_body(message, code, {"requestId": request_id})
