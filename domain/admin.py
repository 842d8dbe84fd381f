"""The admin console's values and rules: a user as admins list them, the validation of
tier limits, and the versioned configs (`vrs`, `yield`) with their stale-version error."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import Conflict, InvalidInput
from domain.models import Chain, Role, Tier
from domain.tiers import Subscription, TierLimits


class ConfigKind(StrEnum):
    VRS = "vrs"
    YIELD = "yield"


class StaleConfigVersion(Conflict):
    code = "STALE_VERSION"
    message = "The config changed since you read it; reload it and apply your change again."


class OwnAdminRole(Conflict):
    code = "OWN_ADMIN_ROLE"
    message = "Admins cannot remove their own admin role; ask another admin."


@dataclass(frozen=True, slots=True)
class UserSummary:
    """One row of the admin's user list."""

    id: uuid.UUID
    wallet_chains: tuple[Chain, ...]
    email: str | None
    email_verified: bool
    tier: Tier  # effective, now
    subscription: Subscription | None
    role: Role
    created_at: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserQuery:
    """What `q` of GET /api/admin/users may mean; the search tries each that applies."""

    text: str

    @property
    def id_prefix(self) -> str | None:
        """`q` as the start of a user id (hex, dashes ignored; at least 4 digits)."""
        hex_digits = self.text.replace("-", "").lower()
        if len(hex_digits) >= 4 and all(c in "0123456789abcdef" for c in hex_digits):
            return hex_digits
        return None


@dataclass(frozen=True, slots=True)
class ConfigVersion:
    kind: ConfigKind
    version: int
    values: Mapping[str, str]
    created_at: datetime | None
    created_by: str | None
    reason: str | None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": field})


def validate_limits(limits: TierLimits) -> TierLimits:
    """Tier limits an admin may set: positive whole numbers, null (unlimited) only where
    the gate understands it, 3 or 5 VRS factors, at most the chains there are."""
    for name in ("chains", "alerts", "history_days"):
        if getattr(limits, name) < 1:
            raise _invalid(name, f"{name} must be at least 1")
    for name in ("watched_validators", "reward_days"):
        value = getattr(limits, name)
        if value is not None and value < 1:
            raise _invalid(name, f"{name} must be at least 1, or null for unlimited")
    if limits.chains > len(Chain):
        raise _invalid("chains", f"chains must be at most {len(Chain)}")
    if limits.vrs_factors not in (3, 5):
        raise _invalid("vrs_factors", "vrs_factors must be 3 or 5")
    return limits


@dataclass(frozen=True, slots=True)
class ApiErrorCount:
    """Errors of one (method, route template, status, code) since the last flush."""

    method: str
    route: str
    status: int
    code: str
    count: int
    first_seen_at: datetime
    last_seen_at: datetime
    last_request_id: str | None
