"""Wire models of /api/admin/*."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from api.schemas.common import ApiModel, RequestModel, UtcDatetime
from domain.models import Chain, Role, Tier

AuditValue = str | int | bool | None  # nested values are shown as JSON text
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class SubscriptionOut(ApiModel):
    tier: Tier = Field(description="The tier of the record (the effective tier is `tier` above)")
    started_at: UtcDatetime
    expires_at: UtcDatetime | None
    source: Literal["admin", "stripe"]


class AdminUserOut(ApiModel):
    id: uuid.UUID
    wallet_chains: list[Chain] = Field(description="Chains of the linked wallets (sign-in)")
    email: str | None
    email_verified: bool
    tier: Tier = Field(description="Effective tier now (an expired pro is free)")
    subscription: SubscriptionOut | None
    role: Role
    created_at: UtcDatetime
    last_seen_at: UtcDatetime | None = Field(description="Last sign-in or session refresh")


class SubscriptionIn(RequestModel):
    tier: Tier
    expires_at: UtcDatetime | None = Field(description="null: no end")
    reason: Reason


class RoleIn(RequestModel):
    role: Role
    reason: Reason


class TierLimitsBody(ApiModel):
    tier: Tier
    chains: int = Field(ge=1, le=3)
    watched_validators: int | None = Field(ge=1, description="null: unlimited")
    vrs_factors: Literal[3, 5]
    alerts: int = Field(ge=1)
    history_days: int = Field(ge=1)
    reward_days: int | None = Field(ge=1, description="null: all rewards")
    rewards_export: bool


class TierLimitsIn(RequestModel):
    limits: list[TierLimitsBody] = Field(min_length=1, max_length=2)
    reason: Reason


class ConfigOut(ApiModel):
    version: int = Field(description="Send it back with a change: 409 when it is stale")
    values: dict[str, str] = Field(
        description="vrs: `weight.<factor>`, `window.*` …; yield: `<chain>/<name>`"
    )
    changed_at: UtcDatetime | None = Field(description="null: never changed (version 1)")
    changed_by: str | None
    reason: str | None


class ConfigIn(RequestModel):
    version: int = Field(ge=1, description="The version this change is based on")
    values: dict[Annotated[str, StringConstraints(min_length=1, max_length=100)], Decimal | str] = (
        Field(description="The full set of values (every name of GET)")
    )
    reason: Reason


class AuditEntryOut(ApiModel):
    id: int
    at: UtcDatetime
    actor_type: Literal["admin", "system"]
    actor_id: str
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, AuditValue] | None = Field(description="The changed fields before")
    after: dict[str, AuditValue] | None = Field(description="The changed fields after")
    reason: str | None
    request_id: str | None


class ApiErrorOut(ApiModel):
    method: str
    route: str = Field(description="The route template, never the path")
    status: int
    code: str
    count: int
    first_seen_at: UtcDatetime
    last_seen_at: UtcDatetime
    last_request_id: str | None = Field(description="Correlation id (X-Request-ID)")
