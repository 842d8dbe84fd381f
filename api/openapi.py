"""Every operation documents every status it can answer, each with the error envelope.

`document_responses(app)` runs once, after the routers are included. Each route gains the
statuses that what it uses makes possible, derived from its dependencies and inputs (so a
new route is documented the moment it is added):

- everyone: 500 (the last-resort envelope);
- takes any parameter or a body: 422 (validation: types, bounds, control characters,
  unknown fields, JSON nesting depth);
- takes a body: 400 (a body that cannot be read), 413 (over the size limit), 415;
- has a `cursor` query parameter: 400 `INVALID_CURSOR`;
- has a path parameter: 404;
- rate limited (per IP, per sign-in IP, or per user/API key as part of authentication):
  429 with `Retry-After` and the IETF `RateLimit-*` fields;
- authenticated (a session or an API key), or optionally so: 401 for a missing, wrong or
  expired credential; on every method but GET, or where a session is required: 403
  (CSRF on cookie calls, `API_KEY_READ_ONLY`, session-only actions);
- needs the database, Redis or the job queue: 503 `DEPENDENCY_UNAVAILABLE` (+ Retry-After).

Statuses a handler raises itself (a refused proof, 409 conflicts, ...) are listed in
`ROUTE_RESPONSES` below; a status a route already declares keeps its own description.
Authenticated operations also name the `bearer` security scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import default_rate_limit, get_job_queue, get_uow
from api.schemas.common import ErrorBody
from api.security import (
    auth_rate_limit,
    current_principal,
    optional_principal,
    session_principal,
)

ERROR_BODY_REF = "#/components/schemas/ErrorBody"

DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: a body that cannot be read, or a paging cursor this API did not "
    "issue (`INVALID_CURSOR`).",
    401: "Missing, invalid or expired credentials.",
    403: "Not allowed: the cookie call lacks its `X-CSRF-Token`, an API key was used "
    "for a change (`API_KEY_READ_ONLY`: keys are read-only), or the action needs a "
    "signed-in session.",
    404: "Not found.",
    413: "The request body is larger than the limit (`PAYLOAD_TOO_LARGE`).",
    415: "The request body must be JSON (`UNSUPPORTED_MEDIA_TYPE`).",
    422: "The request is invalid (`VALIDATION_ERROR`): a wrong type or bound, a control "
    "character, an unknown field or a JSON body nested too deeply; `details` names each.",
    429: "Too many requests (`RATE_LIMITED`); retry after `Retry-After` seconds.",
    500: "An unexpected error occurred (`INTERNAL_ERROR`, with the request id).",
    503: "A service this request needs is temporarily unavailable "
    "(`DEPENDENCY_UNAVAILABLE`); retry after `Retry-After` seconds.",
}

_SECONDS = {"type": "integer", "minimum": 0}
HEADERS: dict[int, dict[str, Any]] = {
    429: {
        "Retry-After": {
            "description": "Seconds until a retry can succeed.",
            "required": True,
            "schema": _SECONDS,
        },
        "RateLimit-Limit": {"description": "Requests allowed per window.", "schema": _SECONDS},
        "RateLimit-Remaining": {"description": "Requests left in the window.", "schema": _SECONDS},
        "RateLimit-Reset": {"description": "Seconds until the window resets.", "schema": _SECONDS},
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying (sent with DEPENDENCY_UNAVAILABLE).",
            "schema": _SECONDS,
        },
    },
}

_PROOF_REFUSED = (
    "The wallet proof was refused: a bad signature or message, another domain or chain "
    "id, or an unknown, expired or used nonce."
)
# statuses handlers raise themselves, by (method, path); each entry must name a route
ROUTE_RESPONSES: dict[tuple[str, str], dict[int, str]] = {
    ("POST", "/api/auth/siwe"): {401: _PROOF_REFUSED},
    ("POST", "/api/auth/solana"): {401: _PROOF_REFUSED},
    ("POST", "/api/auth/cosmos"): {401: _PROOF_REFUSED},
    ("POST", "/api/auth/email"): {400: "The captcha check failed (`TURNSTILE_FAILED`)."},
    ("POST", "/api/auth/email/verify"): {
        401: "The link is invalid, used or expired.",
        409: "The address of a confirmed email change belongs to another account "
        "(`EMAIL_ALREADY_USED`).",
    },
    ("POST", "/api/auth/refresh"): {
        401: "No refresh cookie, or it is unknown, expired or reused (`TOKEN_REUSED` ends "
        "the session).",
        403: "The `X-CSRF-Token` header does not match the CSRF cookie.",
    },
    ("POST", "/api/me/wallets/eth"): {409: "The wallet is already linked to an account."},
    ("POST", "/api/me/wallets/sol"): {409: "The wallet is already linked to an account."},
    ("POST", "/api/me/wallets/atom"): {409: "The wallet is already linked to an account."},
    ("DELETE", "/api/me/wallets/{wallet_id}"): {
        409: "The account's last way to sign in cannot be unlinked (`LAST_LOGIN_METHOD`)."
    },
    ("POST", "/api/yield/calculate"): {404: "No such validator (`validatorId`)."},
    ("POST", "/api/cron/{step}"): {
        401: "Cron triggers are disabled, or the timestamp or signature is missing, stale "
        "or wrong.",
        413: DESCRIPTIONS[413],  # the handler reads the raw body (it is signed)
    },
}
# authenticated inside the handler (the session and the cached read in one round trip)
HANDLER_AUTHENTICATED: set[tuple[str, str]] = {("GET", "/api/portfolio"), ("GET", "/api/yield")}

# inputs a handler reads itself, documented so clients (and the fuzzer) can send them
_CRON_EXTRA: dict[str, Any] = {
    "parameters": [
        {
            "name": "X-Staketrack-Timestamp",
            "in": "header",
            "required": False,
            "description": "Unix seconds; within ±300 s of the server's clock.",
            "schema": {"type": "string"},
        },
        {
            "name": "X-Staketrack-Signature",
            "in": "header",
            "required": False,
            "description": 'v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>',
            "schema": {"type": "string"},
        },
    ],
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "chain": {"enum": ["eth", "sol", "atom", None]},
                    },
                    "additionalProperties": False,
                }
            }
        },
    },
}
OPERATION_EXTRA: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/cron/{step}"): _CRON_EXTRA,
    ("GET", "/api/metrics"): {
        "responses": {
            "200": {
                "description": "Prometheus text exposition format.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
}

BEARER = "bearer"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "A session access token (JWT from a sign-in) or an API key "
        "(`stk_…`, read-only: GET requests only). The web app may use the session "
        "cookies instead, with `X-CSRF-Token` on changes.",
    }
}

_RATE_LIMITS: set[Callable[..., Any]] = {
    default_rate_limit,
    auth_rate_limit,
    current_principal,
    optional_principal,
}
_STORAGE: set[Callable[..., Any]] = {get_uow, get_job_queue} | _RATE_LIMITS


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Every API route as the app serves it (router prefixes and dependencies applied)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def _handler_authenticated(route: Any) -> bool:
    return any((m, route.path_format) in HANDLER_AUTHENTICATED for m in route.methods or ())


def _statuses(route: Any) -> dict[int, str]:
    """The statuses this route can answer, derived from what it uses."""
    everything = list(_dependants(route.dependant))
    calls = {d.call for d in everything if d.call is not None}
    path = [p for d in everything for p in d.path_params]
    query = [p for d in everything for p in d.query_params]
    other = [p for d in everything for p in (*d.header_params, *d.cookie_params)]
    body = route.body_field is not None
    methods = set(route.methods or ())
    authenticated = bool(calls & {current_principal, session_principal})
    authenticated = authenticated or _handler_authenticated(route)

    codes = {500}
    if body or path or query or other:
        codes.add(422)
    if body:
        codes |= {400, 413, 415}
    if any(p.name == "cursor" for p in query):
        codes.add(400)
    if path:
        codes.add(404)
    if calls & _RATE_LIMITS or authenticated:
        codes.add(429)
    if authenticated or optional_principal in calls:
        codes.add(401)
    if (authenticated and methods - {"GET", "HEAD"}) or session_principal in calls:
        codes.add(403)
    if calls & _STORAGE or authenticated:
        codes.add(503)
    statuses = {code: DESCRIPTIONS[code] for code in codes}
    for method in methods:
        statuses.update(ROUTE_RESPONSES.get((method, route.path_format), {}))
    return statuses


def _security(route: Any) -> list[dict[str, list[str]]] | None:
    calls = {d.call for d in _dependants(route.dependant)}
    if calls & {current_principal, session_principal} or _handler_authenticated(route):
        return [{BEARER: []}]
    if optional_principal in calls:
        return [{}, {BEARER: []}]  # anonymous, or signed in for more
    return None


def _error_response(code: int, description: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR_BODY_REF}}},
    }
    if code in HEADERS:
        response["headers"] = HEADERS[code]
    return response


def _merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key] = [*target[key], *value]
        else:
            target[key] = value


def document_operations(app: FastAPI, schema: dict[str, Any]) -> None:
    """Add each route's derived error statuses, security and extras to `schema`."""
    routes = list(_api_routes(app))
    known = {(m, r.path_format) for r in routes for m in r.methods or ()}
    stale = (set(ROUTE_RESPONSES) | set(OPERATION_EXTRA) | HANDLER_AUTHENTICATED) - known
    if stale:  # a renamed route must not silently lose its documentation
        raise RuntimeError(f"api.openapi names routes that do not exist: {sorted(stale)}")
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).setdefault(
        "ErrorBody", ErrorBody.model_json_schema(mode="serialization")
    )
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    for route in routes:
        statuses = _statuses(route)
        security = _security(route)
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in sorted(statuses.items()):
                current = responses.get(str(code))
                if current is None:
                    responses[str(code)] = _error_response(code, description)
                elif code in HEADERS:  # keep the route's own words, add the headers
                    current.setdefault("headers", HEADERS[code])
            if security is not None:
                operation.setdefault("security", security)
            _merge(operation, OPERATION_EXTRA.get((method, route.path_format), {}))


def document_responses(app: FastAPI) -> None:
    """Make `app.openapi()` document every status each operation can answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, cached until the routes change
        if schema is not getattr(app.state, "documented_openapi", None):
            document_operations(app, schema)
            app.state.documented_openapi = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
