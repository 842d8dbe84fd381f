"""A short-lived snapshot of a live session's user, so an authenticated read costs one
cache lookup instead of two database queries.

Correctness does not rest on the TTL: every way a session ends (logout, refresh-token
reuse, account deletion) and every change to the user row (email verified; tier changes
must too) deletes the entries at once. A cache outage falls back to the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import orjson

from domain.models import Tier, User
from domain.ports import Cache
from infrastructure.logging import get_logger

TTL_SECONDS = 60
log = get_logger(__name__)


def _key(user_id: uuid.UUID, session_id: uuid.UUID | str) -> str:
    return f"staketrack:principal:{user_id}:{session_id}"


@dataclass(frozen=True, slots=True)
class Peeked:
    """A cache entry read in the same round trip as the session snapshot."""

    key: str
    value: bytes | None


async def load(
    cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID, *, peek: str | None = None
) -> tuple[User | None, Peeked | None]:
    """The session's user snapshot (None: not cached) and, when `peek` names a cache key
    the request will read next, that entry too, in one round trip (None: not looked up)."""
    try:
        if peek is None:
            raw, peeked = await cache.get(_key(user_id, session_id)), None
        else:
            raw, value = await cache.get_many(_key(user_id, session_id), peek)
            peeked = Peeked(peek, value)
    except Exception as exc:
        log.warning("cache_unavailable", entity="principal", error=type(exc).__name__)
        return None, None
    if raw is None:
        return None, peeked
    data = orjson.loads(raw)
    user = User(
        id=uuid.UUID(data["id"]),
        tier=Tier(data["tier"]),
        created_at=datetime.fromisoformat(data["createdAt"]),
        email=data["email"],
        email_verified_at=(
            datetime.fromisoformat(data["emailVerifiedAt"]) if data["emailVerifiedAt"] else None
        ),
    )
    return user, peeked


async def store(cache: Cache, user: User, session_id: uuid.UUID) -> None:
    body = orjson.dumps(
        {
            "id": str(user.id),
            "tier": user.tier.value,
            "createdAt": user.created_at.isoformat(),
            "email": user.email,
            "emailVerifiedAt": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
        }
    )
    try:
        await cache.set(_key(user.id, session_id), body, TTL_SECONDS)
    except Exception as exc:
        log.warning("cache_unavailable", entity="principal", error=type(exc).__name__)


async def forget(cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> None:
    """Drop one session's snapshot, or (no session id) every session of the user."""
    try:
        if session_id is None:
            await cache.delete_prefix(f"staketrack:principal:{user_id}:")
        else:
            await cache.delete(_key(user_id, session_id))
    except Exception as exc:  # the TTL bounds the damage; say so loudly
        log.error("principal_cache_invalidation_failed", error=type(exc).__name__)
