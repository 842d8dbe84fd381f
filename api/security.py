"""Who is calling: a session (Bearer access JWT or the SPA's cookies, with CSRF
double-submit on state-changing cookie calls) or an API key (`Bearer stk_…`).

API keys are read-only, enforced here for every route at once: a key authenticates
GET and HEAD requests only; any other method carrying a key is refused with 403
API_KEY_READ_ONLY before the key is even looked up (so nothing is written, not even
its last-used time). A leaked key can read the account but never change it: no new
email or wallet (which would let its holder sign in), no unlinking, no deletion."""

from __future__ import annotations

import math
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, Request
from starlette.responses import Response

from api.deps import ResourcesDep, UowDep, client_ip, enforce_limit, limits_counted
from api.sessions import ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER
from domain.errors import (
    ApiKeyReadOnly,
    AuthenticationFailed,
    CsrfFailed,
    Forbidden,
    InvalidToken,
    RateLimited,
)
from domain.models import User
from domain.ports import RateLimitResult
from infrastructure.auth.tokens import API_KEY_PREFIX, decode_access_token, parse_api_key
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services.accounts import session_user
from services.api_keys import authenticate_api_key
from services.user_cache import Peeked, load_snapshot

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_KEY_METHODS = frozenset({"GET", "HEAD"})  # what an API key may do: read
Peek = Callable[[uuid.UUID], str]  # user id -> the cache key a handler will read


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    via: Literal["session", "api_key"]
    session_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None


async def _from_api_key(uow: SqlUnitOfWork, key: str, method: str) -> Principal:
    prefix = parse_api_key(key)  # checksum first: a mistyped key costs no query
    if method not in API_KEY_METHODS:
        raise ApiKeyReadOnly()
    user, stored = await authenticate_api_key(uow, prefix, key, datetime.now(UTC))
    return Principal(user, "api_key", api_key_id=stored.id)


def _user_limit_key(user_id: uuid.UUID) -> str:
    return f"api:user:{user_id}"


# (the caller, the entry peeked at, the rate-limit decision when already counted)
Authenticated = tuple[Principal, Peeked | None, RateLimitResult | None]


async def _from_access_token(
    uow: SqlUnitOfWork,
    resources: Resources,
    token: str,
    peek: Peek | None,
    *,
    counted_already: bool = False,
) -> Authenticated:
    assert resources.settings.secret_key is not None
    claims = decode_access_token(resources.settings.secret_key.get_secret_value(), token)
    counted: list[RateLimitResult] = []

    async def fetch(*keys: str) -> list[bytes | None]:
        """The snapshot (and peeked entry) with the user's rate-limit hit, one round trip
        on Redis (the token's signature is checked, so only its user is counted)."""
        rule, limit_key = resources.settings.rate_limit_default, _user_limit_key(claims.user_id)
        if counted_already:  # by api/fast_reads.py, allowed: only read
            return await resources.cache.get_many(*keys)
        combined = await resources.rate_limiter.hit_and_get(rule, limit_key, keys)
        if combined is None:  # in memory, or Redis is down: each falls back on its own
            return await resources.cache.get_many(*keys)
        counted.append(combined[0])
        return combined[1]

    # the user (tier included) is the server's record: the session snapshot, which every
    # change to the user drops at once, or the database — never a token claim
    user, peeked = await load_snapshot(
        resources.cache,
        claims.user_id,
        claims.session_id,
        peek=peek(claims.user_id) if peek else None,
        fetch=fetch,
    )
    if user is None:
        user = await session_user(uow, resources.cache, claims.user_id, claims.session_id)
    principal = Principal(user, "session", session_id=claims.session_id)
    return principal, peeked, counted[0] if counted else None


async def _authenticate(
    request: Request, uow: SqlUnitOfWork, resources: Resources, peek: Peek | None
) -> Authenticated:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise InvalidToken("Use 'Authorization: Bearer <token or API key>'.")
        if credential.startswith(API_KEY_PREFIX):
            return await _from_api_key(uow, credential, request.method), None, None
        return await _from_access_token(
            uow, resources, credential, peek, counted_already=limits_counted(request)
        )
    cookie = request.cookies.get(ACCESS_COOKIE)
    if not cookie:
        raise AuthenticationFailed("Authentication required.")
    if request.method not in SAFE_METHODS:
        require_csrf(request)
    return await _from_access_token(
        uow, resources, cookie, peek, counted_already=limits_counted(request)
    )


async def authenticate(
    request: Request, uow: SqlUnitOfWork, resources: Resources, *, peek: Peek | None = None
) -> tuple[Principal, Peeked | None]:
    """The caller, rate limited per user with RATE_LIMIT_DEFAULT: the user's sessions and
    API keys share one allowance (a key never adds requests on top of its owner's).

    `peek(user_id)` names the cache entry the handler reads next: for a session it is
    fetched together with the session snapshot and, on Redis, the rate-limit hit (one
    round trip for the three)."""
    principal, peeked, counted = await _authenticate(request, uow, resources, peek)
    if counted is None and limits_counted(request):  # by api/fast_reads.py, allowed
        return principal, peeked
    if counted is None:
        rule = resources.settings.rate_limit_default
        await enforce_limit(resources, rule, _user_limit_key(principal.user.id))
    elif not counted.allowed:
        raise RateLimited(counted.retry_after, limit=counted.limit)
    return principal, peeked


async def cached_user_read(
    request: Request,
    uow: SqlUnitOfWork,
    resources: Resources,
    *,
    entity: str,
    key: Peek,
    ttl_seconds: float,
    build: Callable[[Principal], Awaitable[bytes]],
) -> Response:
    """An authenticated read served from the cache as JSON bytes: the caller's session
    snapshot and their entry `key(user_id)` come in one cache round trip; on a miss
    `build(principal)` makes the bytes, which are stored for `ttl_seconds`."""
    principal, peeked = await authenticate(request, uow, resources, peek=key)
    body = await resources.reads.get_or_build(
        entity,
        key(principal.user.id),
        ttl_seconds,
        lambda: build(principal),
        known=(peeked.key, peeked.value) if peeked else None,
    )
    return Response(body, media_type="application/json")


async def current_principal(request: Request, uow: UowDep, resources: ResourcesDep) -> Principal:
    """The caller, rate limited per user with RATE_LIMIT_DEFAULT."""
    principal, _ = await authenticate(request, uow, resources)
    return principal


def require_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), header.encode()):
        raise CsrfFailed()


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def optional_principal(
    request: Request, uow: UowDep, resources: ResourcesDep
) -> Principal | None:
    """For public routes that serve signed-in callers more: None when the request carries
    no credential at all; a credential that is present is checked exactly as by
    `current_principal` (a wrong or expired one is still 401, never anonymous)."""
    if not request.headers.get("authorization") and not request.cookies.get(ACCESS_COOKIE):
        return None
    return await current_principal(request, uow, resources)


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def session_principal(principal: CurrentPrincipal) -> Principal:
    """Account-level actions (API keys, deletion) need a signed-in session, not a key."""
    if principal.via != "session":
        raise Forbidden("API keys cannot do this; sign in instead.")
    return principal


SessionPrincipal = Annotated[Principal, Depends(session_principal)]


async def auth_rate_limit(request: Request, resources: ResourcesDep) -> None:
    """RATE_LIMIT_AUTH per client IP on every sign-in route."""
    await enforce_limit(
        resources, resources.settings.rate_limit_auth, f"auth:ip:{client_ip(request)}"
    )


# --- failed sign-ins ------------------------------------------------------------------------
# Each failed sign-in (a wallet proof that does not verify, an unknown or used email link)
# counts against RATE_LIMIT_SIGN_IN_FAILURES for the client IP, separately from the
# RATE_LIMIT_AUTH budget of all attempts. The failure that goes over the limit answers
# 429 and blocks the IP's sign-ins until the window allows one again: those later
# attempts are refused before any proof or link is checked. Per IP, not per wallet or
# address: anyone may claim any address, so a per-identity lock-out would let a stranger
# lock the owner out, while a wallet signature or a 256-bit link cannot be guessed.


def _sign_in_block_key(request: Request) -> str:
    return f"sign-in-blocked:ip:{client_ip(request)}"


async def sign_in_failure_guard(request: Request, resources: ResourcesDep) -> None:
    """Refuse a sign-in at once while this client IP is blocked for failing too often."""
    blocked = await resources.keystore.get(_sign_in_block_key(request))
    if blocked is not None:
        until, _, limit = blocked.partition(":")
        retry_after = max(1, math.ceil(float(until) - time.time()))
        raise RateLimited(
            retry_after, "Too many failed sign-ins; try again later.", limit=int(limit)
        )


async def record_failed_sign_in(request: Request, resources: Resources) -> None:
    """Count a failed sign-in; over the limit: block the IP and answer 429."""
    result = await resources.rate_limiter.hit(
        resources.settings.rate_limit_sign_in_failures, f"sign-in-failed:ip:{client_ip(request)}"
    )
    if result.allowed:
        return
    await resources.keystore.put(
        _sign_in_block_key(request),
        f"{time.time() + result.retry_after}:{result.limit}",
        result.retry_after,
    )
    raise RateLimited(
        result.retry_after, "Too many failed sign-ins; try again later.", limit=result.limit
    )
