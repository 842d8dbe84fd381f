"""Domain values of services/admin.py -> the wire models of /api/admin/*, and the admin
listings' signed cursors."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from api.cursors import CursorSigner
from api.schemas.admin import (
    AdminUserOut,
    ApiErrorOut,
    AuditEntryOut,
    AuditValue,
    ConfigOut,
    SubscriptionOut,
    TierLimitsBody,
)
from domain.admin import ApiErrorCount, ConfigVersion, UserSummary
from domain.audit import AuditEntry
from domain.errors import InvalidCursor
from domain.tiers import TierLimits


def user_out(user: UserSummary) -> AdminUserOut:
    sub = user.subscription
    return AdminUserOut(
        id=user.id,
        wallet_chains=list(user.wallet_chains),
        email=user.email,
        email_verified=user.email_verified,
        tier=user.tier,
        subscription=None
        if sub is None
        else SubscriptionOut(
            tier=sub.tier,
            started_at=sub.started_at,
            expires_at=sub.expires_at,
            source=sub.source.value,
        ),
        role=user.role,
        created_at=user.created_at,
        last_seen_at=user.last_seen_at,
    )


def limits_out(limits: TierLimits) -> TierLimitsBody:
    return TierLimitsBody(
        tier=limits.tier,
        chains=limits.chains,
        watched_validators=limits.watched_validators,
        vrs_factors=limits.vrs_factors,  # type: ignore[arg-type]  # stored rows: 3 or 5
        alerts=limits.alerts,
        history_days=limits.history_days,
        reward_days=limits.reward_days,
        rewards_export=limits.rewards_export,
    )


def limits_in(body: TierLimitsBody) -> TierLimits:
    return TierLimits(
        tier=body.tier,
        chains=body.chains,
        watched_validators=body.watched_validators,
        vrs_factors=body.vrs_factors,
        alerts=body.alerts,
        history_days=body.history_days,
        reward_days=body.reward_days,
        rewards_export=body.rewards_export,
    )


def config_out(config: ConfigVersion) -> ConfigOut:
    return ConfigOut(
        version=config.version,
        values=dict(config.values),
        changed_at=config.created_at,
        changed_by=config.created_by,
        reason=config.reason,
    )


def audit_out(entry: AuditEntry) -> AuditEntryOut:
    assert entry.id is not None and entry.at is not None  # stored entries have both
    return AuditEntryOut(
        id=entry.id,
        at=entry.at,
        actor_type=entry.actor.type.value,
        actor_id=entry.actor.id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        before=_fields(entry.before),
        after=_fields(entry.after),
        reason=entry.reason,
        request_id=entry.request_id,
    )


def _fields(values: Mapping[str, Any] | None) -> dict[str, AuditValue] | None:
    if values is None:
        return None
    return {
        name: value
        if value is None or isinstance(value, str | int | bool)
        else json.dumps(value, sort_keys=True, default=str)
        for name, value in values.items()
    }


def error_out(item: ApiErrorCount) -> ApiErrorOut:
    return ApiErrorOut(
        method=item.method,
        route=item.route,
        status=item.status,
        code=item.code,
        count=item.count,
        first_seen_at=item.first_seen_at,
        last_seen_at=item.last_seen_at,
        last_request_id=item.last_request_id,
    )


# --- cursors -----------------------------------------------------------------------------


def _other_listing() -> InvalidCursor:
    return InvalidCursor(
        "The cursor belongs to another listing; use the nextCursor of this one.",
        details={"field": "cursor"},
    )


def user_cursor(signer: CursorSigner, listing: str, user: UserSummary) -> str:
    return signer.sign({"l": listing, "t": user.created_at.isoformat(), "i": str(user.id)})


def user_position(signer: CursorSigner, listing: str, cursor: str) -> tuple[datetime, uuid.UUID]:
    values = signer.verify(cursor)
    moment, ident = values.get("t"), values.get("i")
    if values.get("l") != listing or not isinstance(moment, str) or not isinstance(ident, str):
        raise _other_listing()
    try:
        return datetime.fromisoformat(moment), uuid.UUID(ident)
    except ValueError:
        raise InvalidCursor(details={"field": "cursor"}) from None


AUDIT_LISTING = "admin-audit"


def audit_cursor(signer: CursorSigner, entry: AuditEntry) -> str:
    return signer.sign({"l": AUDIT_LISTING, "i": entry.id})


def audit_position(signer: CursorSigner, cursor: str) -> int:
    values = signer.verify(cursor)
    ident = values.get("i")
    if values.get("l") != AUDIT_LISTING or type(ident) is not int:
        raise _other_listing()
    return ident
