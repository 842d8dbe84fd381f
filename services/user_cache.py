"""What is cached per user, and dropping it the moment the user changes.

- The session snapshot: a short-lived copy of a live session's user (tier included), so
  an authenticated read costs one cache lookup instead of two database queries. Its key
  is `cache_keys.principal(user_id, session_id)`.
- The user's cached reads (`cache_keys.user_reads`: portfolio and yield, per chain).

Correctness does not rest on the TTLs: every way a session ends (logout, refresh-token
reuse, account deletion) and every change to the user row (email verified, tier) drops
the snapshots at once, and every change to what the reads show (a wallet linked or
unlinked, a tier change, deletion) drops the user's reads by exact key. A cache outage
falls back to the database; deletions missed in an outage are replayed by the cache
port before it is read again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from domain.models import Role, Tier, User
from domain.ports import Cache
from domain.tiers import effective_tier
from infrastructure.logging import get_logger
from services import cache_keys

SNAPSHOT_TTL_SECONDS = 60
Fetch = Callable[..., Awaitable[list[bytes | None]]]  # (*keys) -> their values, one trip
log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Peeked:
    """A cache entry read in the same round trip as the session snapshot."""

    key: str
    value: bytes | None


async def load_snapshot(
    cache: Cache,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    *,
    peek: str | None = None,
    fetch: Fetch | None = None,
) -> tuple[User | None, Peeked | None]:
    """The session's user snapshot (None: not cached) and, when `peek` names a cache key
    the request will read next, that entry too, in one round trip (None: not looked up).
    `fetch(*keys)` reads them instead of `cache.get_many` (authentication passes one that
    counts the caller's rate limit in the same round trip)."""
    key = cache_keys.principal(user_id, str(session_id))
    try:
        if peek is None and fetch is None:
            raw, peeked = await cache.get(key), None
        else:
            raw, *rest = await (fetch or cache.get_many)(key, *([] if peek is None else [peek]))
            peeked = None if peek is None else Peeked(peek, rest[0])
    except Exception as exc:
        log.warning("cache_unavailable", entity="principal", error=type(exc).__name__)
        return None, None
    if raw is None:
        return None, peeked
    data = orjson.loads(raw)
    expires_at = data.get("tierExpiresAt")
    expires = datetime.fromisoformat(expires_at) if expires_at else None
    user = User(
        id=uuid.UUID(data["id"]),
        # a pro subscription that ends while the snapshot lives is free at once
        tier=effective_tier(Tier(data["tier"]), expires, datetime.now(UTC)),
        created_at=datetime.fromisoformat(data["createdAt"]),
        email=data["email"],
        email_verified_at=(
            datetime.fromisoformat(data["emailVerifiedAt"]) if data["emailVerifiedAt"] else None
        ),
        role=Role(data.get("role", Role.USER.value)),
        tier_expires_at=expires,
    )
    return user, peeked


async def store_snapshot(cache: Cache, user: User, session_id: uuid.UUID) -> None:
    body = orjson.dumps(
        {
            "id": str(user.id),
            "tier": user.tier.value,
            "createdAt": user.created_at.isoformat(),
            "email": user.email,
            "emailVerifiedAt": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
            "role": user.role.value,
            "tierExpiresAt": user.tier_expires_at.isoformat() if user.tier_expires_at else None,
        }
    )
    try:
        await cache.set(cache_keys.principal(user.id, str(session_id)), body, SNAPSHOT_TTL_SECONDS)
    except Exception as exc:
        log.warning("cache_unavailable", entity="principal", error=type(exc).__name__)


async def forget_snapshots(
    cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID | None = None
) -> None:
    """Drop one session's snapshot, or (no session id) every session's of the user."""
    try:
        if session_id is None:
            await cache.delete_prefix(cache_keys.principal_prefix(user_id))
        else:
            await cache.delete(cache_keys.principal(user_id, str(session_id)))
    except Exception as exc:  # the TTL bounds the damage; say so loudly
        log.error("principal_cache_invalidation_failed", error=type(exc).__name__)


async def drop_reads(cache: Cache, user_id: uuid.UUID) -> None:
    """Drop every cached read of the user (exact keys: no scan on the request path)."""
    try:
        await cache.delete(*cache_keys.user_reads(user_id))
    except Exception as exc:
        log.error("user_reads_invalidation_failed", error=type(exc).__name__)


async def user_changed(cache: Cache, user_id: uuid.UUID) -> None:
    """The user row changed (tier, account deleted): no snapshot and no read survives."""
    await forget_snapshots(cache, user_id)
    await drop_reads(cache, user_id)
