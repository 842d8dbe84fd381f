"""The fast path of the cached authenticated reads (pure ASGI, before FastAPI's routing
and dependency injection): `GET /api/portfolio`, `GET /api/yield` (each with no query or
`?chain=`), `GET /api/vrs/{sol|atom}:{address}` and the first validators page
(`GET /api/validators?chain=` with at most `sort` and `limit=50`).

It sits inside the request-context and edge middleware (request id, access log, CORS and
the edge guards are theirs, unchanged) and answers only what it can answer exactly as the
route would: a session (Bearer access token or the access cookie) whose token verifies,
whose session snapshot and the read's cached body are both in Redis. Then one round trip
(`LimitsRateLimiter.hit_all_if_cached`) counts the same rate limits as the route, in the
same order (per IP first on the public routes, then per user), and the cached bytes are
sent with the route's status and headers; a refusal is the route's 429, made by the same
exception handler. Anything else goes to the app untouched, having counted nothing: no
or another credential (API keys, whose check reads the database), a token that does not
verify, HEAD and other methods, a query it does not know, a cache miss (snapshot or
body), Redis in memory or down. The one fall-through after counting — a pro view picked
by the snapshot whose subscription has just expired — marks the request
(`LIMITS_COUNTED`) so the route does not count it twice.

ETH scores are left to the route: a signed-in view of an ETH validator may add it to the
observed set (`services.validators.observe_view`), which does nothing for SOL and ATOM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl
from uuid import UUID

import orjson
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import LIMITS_COUNTED
from api.sessions import ACCESS_COOKIE
from domain.errors import DomainError, InvalidToken, NotFound, RateLimited
from domain.models import Chain, Tier
from domain.tiers import effective_tier
from domain.validators import (
    NO_FILTER,
    ValidatorSort,
    check_listing,
    default_sort,
    parse_validator_id,
)
from infrastructure.auth.tokens import API_KEY_PREFIX, decode_access_token
from infrastructure.resources import Resources
from services import cache_keys

VALIDATORS_PAGE_LIMIT = "50"  # api.routers.validators.DEFAULT_LIMIT: the cached size
_CHAINS = {chain.value for chain in Chain}
_SORTS = {sort.value for sort in ValidatorSort}
_VRS_PREFIX = "/api/vrs/"
_TIERS = (Tier.FREE.value, Tier.PRO.value)  # the order hit_all_if_cached expects


@dataclass(frozen=True, slots=True)
class Read:
    """A request the fast path may answer: its cache entity, its body's key (per user, or
    per tier view) and whether the route is also limited per client IP."""

    entity: str
    user_key: Callable[[UUID], str] | None = None  # per user (portfolio, yield)
    tier_key: Callable[[str], str] | None = None  # per tier view (vrs, validators)
    per_ip: bool = False


def match(path: str, query: bytes) -> Read | None:
    """The read this GET names, or None (the app answers it)."""
    if path == "/api/portfolio" or path == "/api/yield":
        known, chain = _only_chain(query)
        if not known:
            return None
        if path == "/api/portfolio":
            return Read("portfolio", user_key=lambda user: cache_keys.portfolio(user, chain))
        return Read("yield", user_key=lambda user: cache_keys.user_yield(user, chain))
    if path.startswith(_VRS_PREFIX):
        return None if query else _vrs_score(path[len(_VRS_PREFIX) :])
    if path == "/api/validators":
        return _validators_page(query)
    return None


def _only_chain(query: bytes) -> tuple[bool, str | None]:
    """(True, None) for no query, (True, chain) for `chain=<chain>`, else (False, None)."""
    if not query:
        return True, None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if len(pairs) != 1 or pairs[0][0] != "chain" or pairs[0][1] not in _CHAINS:
        return False, None
    return True, pairs[0][1]


def _vrs_score(validator_id: str) -> Read | None:
    if not validator_id or "/" in validator_id or validator_id == "methodology":
        return None
    try:
        chain, address = parse_validator_id(validator_id)
    except NotFound:
        return None  # the route's 404
    if chain is Chain.ETH:  # a signed-in view may observe it: the route's work
        return None
    return Read(
        "vrs", tier_key=lambda tier: cache_keys.vrs_score(chain.value, address, tier), per_ip=True
    )


def _validators_page(query: bytes) -> Read | None:
    params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    if (
        len(params) != query.count(b"&") + 1  # a parameter given twice
        or not params.keys() <= {"chain", "sort", "limit"}
        or params.get("chain") not in _CHAINS
        or params.get("limit", VALIDATORS_PAGE_LIMIT) != VALIDATORS_PAGE_LIMIT
        or ("sort" in params and params["sort"] not in _SORTS)
    ):
        return None
    chain = Chain(params["chain"])
    order = ValidatorSort(params["sort"]) if "sort" in params else default_sort(chain)
    try:
        check_listing(chain, order, NO_FILTER)
    except DomainError:
        return None  # the route's 422
    limit = int(VALIDATORS_PAGE_LIMIT)

    def key(tier: str) -> str:
        return cache_keys.validators_first_page(chain.value, order.value, limit, tier)

    return Read("validators", tier_key=key, per_ip=True)


def session_token(scope: Scope) -> str | None:
    """The access token a session request carries, as `api.security` reads it: the
    Authorization header when there is one (Bearer, not an API key), else the cookie.
    None for anything else (the route answers: 401, an API key, anonymous)."""
    authorization: str | None = None
    cookie: str | None = None
    for name, value in scope["headers"]:
        if name == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
        elif name == b"cookie" and cookie is None:
            cookie = value.decode("latin-1")
    if authorization:
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential or credential.startswith(API_KEY_PREFIX):
            return None
        return credential
    if cookie is None:
        return None
    token: str = cookie_parser(cookie).get(ACCESS_COOKIE, "")
    return token or None


class FastReadsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            read = match(scope["path"], scope["query_string"])
            if read is not None and await self._answer(read, scope, receive, send):
                return
        await self.app(scope, receive, send)

    async def _answer(self, read: Read, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer from the cache; False when the app must (nothing sent)."""
        resources: Resources | None = getattr(scope["app"].state, "resources", None)
        token = session_token(scope)
        if resources is None or token is None:
            return False
        settings = resources.settings
        assert settings.secret_key is not None
        try:
            claims = decode_access_token(settings.secret_key.get_secret_value(), token)
        except InvalidToken:
            return False  # the route's 401
        user = claims.user_id
        # RATE_LIMIT_DEFAULT per client IP on the public routes (api.deps.default_rate_limit,
        # counted before authentication), then per user (api.security._user_limit_key)
        limits = [f"api:user:{user}"]
        if read.per_ip:
            client = scope.get("client")
            limits.insert(0, f"api:ip:{client[0] if client else 'unknown'}")
        body_keys: Sequence[str]
        if read.user_key is not None:
            body_keys = (read.user_key(user),)
        else:
            assert read.tier_key is not None
            body_keys = tuple(read.tier_key(tier) for tier in _TIERS)
        snapshot_key = cache_keys.principal(user, str(claims.session_id))
        found = await resources.rate_limiter.hit_all_if_cached(
            settings.rate_limit_default, limits, snapshot_key, body_keys
        )
        if found is None or found.missing:
            return False
        if found.denied is not None:  # the route's 429, by the same handler
            denied = found.denied
            handler = scope["app"].exception_handlers[DomainError]
            refusal = RateLimited(denied.retry_after, limit=denied.limit)
            response = await handler(Request(scope), refusal)
            await response(scope, receive, send)
            return True
        if read.tier_key is not None and _expired_pro(found.snapshot):
            # the snapshot says pro, its subscription has ended: the free view, which the
            # route serves (or builds); the limits are counted already
            scope.setdefault("state", {})[LIMITS_COUNTED] = True
            return False
        resources.reads.count_hit(read.entity)
        body = found.body
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True


def _expired_pro(snapshot: bytes) -> bool:
    """Whether the snapshot's pro tier is not the user's effective tier any more
    (services.user_cache.load_snapshot: the tier every decision uses)."""
    data = orjson.loads(snapshot)
    if data.get("tier") != Tier.PRO.value or not data.get("tierExpiresAt"):
        return False
    expires = datetime.fromisoformat(data["tierExpiresAt"])
    return effective_tier(Tier.PRO, expires, datetime.now(UTC)) is not Tier.PRO
