"""The audit trail (admin_audit_log): who changed what about whom, before and after.

Every admin write and every automated change of a user's state (a subscription that
expired, an alert switched off by the system) is one `AuditEntry`. Entries are never
changed or deleted; when a user is deleted, their id in the trail is replaced by a
pseudonym (`pseudonym`): a keyed hash, the same for every row of that user (the trail
stays readable per person) and not reversible without the server's key.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

PSEUDONYM_PREFIX = "deleted:"


class ActorType(StrEnum):
    ADMIN = "admin"  # actor_id: the admin's user id
    SYSTEM = "system"  # actor_id: the job or rule, e.g. "subscription_expiry"


@dataclass(frozen=True, slots=True)
class Actor:
    type: ActorType
    id: str

    @classmethod
    def admin(cls, user_id: uuid.UUID) -> Actor:
        return cls(ActorType.ADMIN, str(user_id))

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(ActorType.SYSTEM, name)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change. `target_type` names what changed (`user`, `tier_limits`, `vrs_config`,
    `yield_config`, `alert` …) and `target_id` which one; `before`/`after` hold the
    changed fields only, never an email, a wallet address or a secret."""

    actor: Actor
    action: str  # e.g. "subscription.set", "role.grant", "tier_limits.update"
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    request_id: str | None = None
    at: datetime | None = None  # None: now (set by the store)
    id: int | None = field(default=None, compare=False)


def pseudonym(user_id: uuid.UUID, key: bytes) -> str:
    """A deleted user's stable stand-in in the audit trail (HMAC-SHA256, 20 hex chars)."""
    digest = hmac.new(key, b"audit-pseudonym:" + user_id.bytes, hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:20]
