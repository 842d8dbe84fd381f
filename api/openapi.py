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

Every operation also gets, here and not in the routers:

- a stable, readable `operationId` (`getPortfolio`, `listValidators`, `createApiKey`):
  named in `OPERATION_IDS`, else derived from the method and the path (`GET
  /api/admin/users/{user_id}` -> `getAdminUsersByUserId`), so a generated client's
  function names never depend on a handler's Python name;
- its security requirement: `bearerAuth` (a session's access JWT), `apiKey` (an API key
  in the same `Authorization: Bearer` header; GET only), `cookieSession` (the web app's
  httpOnly cookie, with `csrfToken` on every method but GET); `security: []` on public
  routes, `[{}, ...]` where signing in is optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import default_rate_limit, get_job_queue, get_uow
from api.schemas.common import ErrorBody, FieldError
from api.security import (
    auth_rate_limit,
    current_principal,
    optional_principal,
    session_principal,
)
from api.sessions import ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE

ERROR_BODY_REF = "#/components/schemas/ErrorBody"
_REF = "#/components/schemas/{model}"
JSON_VALUE_REF = _REF.format(model="JsonValue")
# any JSON value, spelled out so a generated client types `details` without `unknown`
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "title": "JsonValue",
    "description": "Any JSON value.",
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "array", "items": {"$ref": JSON_VALUE_REF}},
        {"type": "object", "additionalProperties": {"$ref": JSON_VALUE_REF}},
    ],
}


def error_body_schema() -> dict[str, Any]:
    """`ErrorBody` as the wire has it: `details` always sent, an object whose `fields`
    (validation errors) are typed and whose other members are JSON values."""
    schema = ErrorBody.model_json_schema(mode="serialization", ref_template=_REF)
    schema["required"] = ["error", "code", "details"]
    field = {
        "allOf": [
            {"$ref": _REF.format(model="FieldError")},
            {
                "type": "object",
                "properties": {
                    "in": {
                        "type": "string",
                        "description": "Where the value was: body, query, path or header.",
                    }
                },
            },
        ]
    }
    schema["properties"]["details"].update(
        {
            "properties": {"fields": {"type": "array", "items": field}},
            "additionalProperties": {"$ref": JSON_VALUE_REF},
        }
    )
    return schema


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
    ("GET", "/api/metrics"): {401: "`METRICS_TOKEN` is set and the request does not carry it."},
    ("POST", "/api/cron/{step}"): {
        401: "Cron triggers are disabled, or the timestamp or signature is missing, stale "
        "or wrong.",
        413: DESCRIPTIONS[413],  # the handler reads the raw body (it is signed)
    },
}
# authenticated inside the handler (the session and the cached read in one round trip)
HANDLER_AUTHENTICATED: set[tuple[str, str]] = {("GET", "/api/portfolio"), ("GET", "/api/yield")}

# inputs a handler reads itself, documented so clients (and the fuzzer) can send them
CRON_BODY = "CronTriggerIn"
CRON_BODY_SCHEMA: dict[str, Any] = {
    "title": CRON_BODY,
    "type": "object",
    "description": "Which chain to run the step for; all three when `chain` is null or absent. "
    "The raw body is signed, so send exactly the bytes you signed.",
    "properties": {
        "chain": {
            "anyOf": [{"type": "string", "enum": ["eth", "sol", "atom"]}, {"type": "null"}],
            "default": None,
            "title": "Chain",
        },
    },
    "additionalProperties": False,
}
_CRON_HEADERS: list[dict[str, Any]] = [
    {
        "name": "X-Staketrack-Timestamp",
        "in": "header",
        "required": False,  # missing: 401, like a wrong one (the fuzzer sends none)
        "description": "Unix seconds (1-12 ASCII digits), within ±300 s of the server's "
        "clock. Required: without it the call is refused (401).",
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
    },
    {
        "name": "X-Staketrack-Signature",
        "in": "header",
        "required": False,
        "description": '`v2=<hex HMAC-SHA256(key, "<timestamp>.<step>.<raw body>")>` with '
        "any key of CRON_HMAC_KEYS. Required: without it the call is refused (401).",
        "schema": {"type": "string"},
    },
]
_CRON_BODY_REF = {"$ref": f"#/components/schemas/{CRON_BODY}"}
OPERATION_EXTRA: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/cron/{step}"): {
        "parameters": _CRON_HEADERS,
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": _CRON_BODY_REF}},
        },
    },
    ("GET", "/api/metrics"): {
        "responses": {
            "200": {
                "description": "Prometheus text exposition format.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
}

# stable, readable operation ids (a generated client's function names); a route that is
# not named here gets one derived from its method and path (`derived_operation_id`)
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "getHealth",
    ("GET", "/api/ready"): "getReadiness",
    ("GET", "/api/metrics"): "getMetrics",
    ("GET", "/api/auth/nonce"): "getNonce",
    ("GET", "/api/auth/options"): "getSignInOptions",
    ("POST", "/api/auth/siwe"): "signInWithEthereum",
    ("POST", "/api/auth/solana"): "signInWithSolana",
    ("POST", "/api/auth/cosmos"): "signInWithCosmos",
    ("POST", "/api/auth/email"): "requestEmailSignIn",
    ("POST", "/api/auth/email/verify"): "verifyEmailLink",
    ("POST", "/api/auth/refresh"): "refreshSession",
    ("POST", "/api/auth/logout"): "logout",
    ("GET", "/api/me"): "getMe",
    ("DELETE", "/api/me"): "deleteAccount",
    ("POST", "/api/me/email"): "addEmail",
    ("GET", "/api/me/wallets"): "listWallets",
    ("POST", "/api/me/wallets/eth"): "linkEthWallet",
    ("POST", "/api/me/wallets/sol"): "linkSolWallet",
    ("POST", "/api/me/wallets/atom"): "linkAtomWallet",
    ("DELETE", "/api/me/wallets/{wallet_id}"): "unlinkWallet",
    ("GET", "/api/me/api-keys"): "listApiKeys",
    ("POST", "/api/me/api-keys"): "createApiKey",
    ("DELETE", "/api/me/api-keys/{key_id}"): "revokeApiKey",
    ("GET", "/api/jobs/{handle}"): "getJob",
    ("POST", "/api/cron/{step}"): "triggerCronStep",
    ("GET", "/api/portfolio"): "getPortfolio",
    ("GET", "/api/validators"): "listValidators",
    ("GET", "/api/validators/{validator_id}"): "getValidator",
    ("GET", "/api/yield"): "getPortfolioYield",
    ("POST", "/api/yield/calculate"): "calculateYield",
    ("GET", "/api/vrs/methodology"): "getVrsMethodology",
    ("GET", "/api/vrs/{validator_id}"): "getValidatorScore",
    ("GET", "/api/vrs/{validator_id}/history"): "getValidatorScoreHistory",
}
_VERBS = {"GET": "get", "POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}
_WORD = re.compile(r"[A-Za-z0-9]+")


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in _WORD.findall(text))


def derived_operation_id(method: str, path: str) -> str:
    """`GET /api/admin/users/{user_id}` -> `getAdminUsersByUserId`."""
    parts = [p for p in path.split("/") if p][1:]  # without the leading "api"
    words = [
        "By" + _pascal(part[1:-1]) if part.startswith("{") else _pascal(part) for part in parts
    ]
    return _VERBS.get(method, method.lower()) + "".join(words)


def operation_id(method: str, path: str) -> str:
    return OPERATION_IDS.get((method, path)) or derived_operation_id(method, path)


# security schemes (see api/security.py and api/sessions.py for how each is presented)
BEARER = "bearerAuth"
API_KEY = "apiKey"
COOKIE = "cookieSession"
CSRF = "csrfToken"
REFRESH = "refreshCookie"
METRICS = "metricsToken"
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A session's access token (a JWT from a sign-in or a refresh): "
        "`Authorization: Bearer <token>`.",
    },
    API_KEY: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "stk_…",
        "description": "An API key (`stk_…`, created with `createApiKey`, shown once) in the "
        "same header: `Authorization: Bearer stk_…`. Keys are read-only: any other method "
        "than GET is refused with 403 `API_KEY_READ_ONLY`.",
    },
    COOKIE: {
        "type": "apiKey",
        "in": "cookie",
        "name": ACCESS_COOKIE,
        "description": "The web app's session: the access token in an httpOnly cookie, set "
        "by every sign-in. Every method but GET must also send `csrfToken`.",
    },
    CSRF: {
        "type": "apiKey",
        "in": "header",
        "name": CSRF_HEADER,
        "description": f"Double-submit CSRF token: the value of the `{CSRF_COOKIE}` cookie, "
        "required with the session cookies on every method but GET (else 403 "
        "`CSRF_FAILED`).",
    },
    REFRESH: {
        "type": "apiKey",
        "in": "cookie",
        "name": REFRESH_COOKIE,
        "description": "The rotating refresh token (httpOnly cookie, path /api/auth).",
    },
    METRICS: {
        "type": "http",
        "scheme": "bearer",
        "description": "`METRICS_TOKEN`, when the server sets one (else /api/metrics is open).",
    },
}
Requirement = dict[str, list[str]]
_READ: list[Requirement] = [{BEARER: []}, {API_KEY: []}, {COOKIE: []}]
_WRITE: list[Requirement] = [{BEARER: []}, {COOKIE: [], CSRF: []}]  # keys are read-only
_SESSION_READ: list[Requirement] = [{BEARER: []}, {COOKIE: []}]  # signed-in sessions only
# routes whose credentials no dependency shows
SECURITY: dict[tuple[str, str], list[Requirement]] = {
    ("POST", "/api/auth/refresh"): [{REFRESH: [], CSRF: []}],
    ("GET", "/api/metrics"): [{}, {METRICS: []}],
}

_RATE_LIMITS: set[Callable[..., Any]] = {
    default_rate_limit,
    auth_rate_limit,
    current_principal,
    optional_principal,
}
_STORAGE: set[Callable[..., Any]] = {get_uow, get_job_queue, *_RATE_LIMITS}


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


def _security(route: Any, method: str) -> list[Requirement]:
    own = SECURITY.get((method, route.path_format))
    if own is not None:
        return own
    calls = {d.call for d in _dependants(route.dependant)}
    if session_principal in calls:
        return _SESSION_READ if method in {"GET", "HEAD"} else _WRITE
    signed_in = _READ if method in {"GET", "HEAD"} else _WRITE
    if current_principal in calls or _handler_authenticated(route):
        return signed_in
    if optional_principal in calls:
        return [{}, *signed_in]  # anonymous, or signed in for more
    return []  # public


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
    """Add each route's derived error statuses, security, operation id and extras."""
    routes = list(_api_routes(app))
    known = {(m, r.path_format) for r in routes for m in r.methods or ()}
    named = set(ROUTE_RESPONSES) | set(OPERATION_EXTRA) | HANDLER_AUTHENTICATED
    stale = (named | set(OPERATION_IDS) | set(SECURITY)) - known
    if stale:  # a renamed route must not silently lose its documentation
        raise RuntimeError(f"api.openapi names routes that do not exist: {sorted(stale)}")
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["ErrorBody"] = error_body_schema()
    schemas.setdefault("FieldError", FieldError.model_json_schema(mode="serialization"))
    schemas.setdefault("JsonValue", JSON_VALUE_SCHEMA)
    schemas.setdefault(CRON_BODY, CRON_BODY_SCHEMA)
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    ids: dict[str, tuple[str, str]] = {}
    for route in routes:
        statuses = _statuses(route)
        for method in sorted(route.methods or ()):
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
            operation.setdefault("security", _security(route, method))
            name = operation_id(method, route.path_format)
            if name in ids:
                raise RuntimeError(
                    f"operationId {name} names {ids[name]} and {method} "
                    f"{route.path_format}: add one to api.openapi.OPERATION_IDS"
                )
            ids[name] = (method, route.path_format)
            operation["operationId"] = name
            _add_extra(operation, OPERATION_EXTRA.get((method, route.path_format), {}))


def _add_extra(operation: dict[str, Any], extra: dict[str, Any]) -> None:
    """What a handler reads itself, unless the route came to declare it: a parameter it
    does not have, a body when it has none, responses merged in."""
    have = {(p["name"].lower(), p["in"]) for p in operation.get("parameters", [])}
    for parameter in extra.get("parameters", []):
        if (parameter["name"].lower(), parameter["in"]) not in have:
            operation.setdefault("parameters", []).append(parameter)
    if "requestBody" in extra:
        operation.setdefault("requestBody", extra["requestBody"])
    _merge(operation.setdefault("responses", {}), extra.get("responses", {}))


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
