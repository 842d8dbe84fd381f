"""The admin console's use cases: who is an admin, the user list, subscriptions and
roles, tier limits, the versioned VRS and yield configs, the audit log and the API's
last errors. Every write is recorded in the audit trail in its own transaction, and a
change to a user drops their session snapshots and cached reads after the commit, so
their very next request sees it."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.accounts import is_admin
from domain.admin import (
    ApiErrorCount,
    ConfigKind,
    ConfigVersion,
    OwnAdminRole,
    StaleConfigVersion,
    UserQuery,
    UserSummary,
    validate_limits,
)
from domain.audit import Actor, AuditEntry
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.models import Role, Tier, User
from domain.ports import Cache
from domain.real_yield.parameters import parameters_from_rows
from domain.tiers import Subscription, SubscriptionSource, TierLimits
from domain.vrs.config import VrsConfig
from infrastructure.db.uow import SqlUnitOfWork
from services import audit, user_cache


class NotAdmin(Forbidden):
    code = "FORBIDDEN"
    message = "Admins only."


@dataclass(frozen=True, slots=True)
class Change:
    """Who asks for an admin write, why, and under which request id (for the trail)."""

    admin_id: uuid.UUID
    reason: str | None
    request_id: str | None

    def entry(
        self,
        action: str,
        target_type: str,
        target_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> AuditEntry:
        return AuditEntry(
            actor=Actor.admin(self.admin_id),
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
            reason=self.reason,
            request_id=self.request_id,
        )


# --- access ------------------------------------------------------------------------------


async def require_admin(
    uow: SqlUnitOfWork, admin_wallets: Collection[str], user_id: uuid.UUID
) -> User:
    """The caller as the database has them now, if they are an admin (the `admin` role
    or a wallet in ADMIN_WALLETS); NotAdmin otherwise. Read on every admin request, not
    from a snapshot or a token: a revoked admin is refused at once."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotAdmin()
    wallets = await uow.wallets.list_for_user(user_id) if admin_wallets else []
    if not is_admin(wallets, admin_wallets, user.role):
        raise NotAdmin()
    return user


# --- users -------------------------------------------------------------------------------


async def get_user(uow: SqlUnitOfWork, user_id: uuid.UUID) -> UserSummary:
    found = await uow.admin_users.search(UserQuery(user_id.hex), after=None, limit=50)
    user = next((u for u in found if u.id == user_id), None)
    if user is None:
        raise NotFound("No such user.")
    return user


async def list_users(
    uow: SqlUnitOfWork,
    q: str | None,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    pro_only: bool = False,
) -> list[UserSummary]:
    query = UserQuery(q.strip()) if q and q.strip() else None
    return await uow.admin_users.search(query, after=after, limit=limit, pro_only=pro_only)


def _subscription_fields(sub: Subscription | None) -> dict[str, Any]:
    if sub is None:
        return {"tier": Tier.FREE.value, "expiresAt": None, "source": None}
    return {
        "tier": sub.tier.value,
        "expiresAt": sub.expires_at.isoformat() if sub.expires_at else None,
        "source": sub.source.value,
    }


async def set_subscription(
    uow: SqlUnitOfWork,
    cache: Cache,
    change: Change,
    user_id: uuid.UUID,
    tier: Tier,
    expires_at: datetime | None,
    now: datetime,
) -> User:
    """Give the user `tier` until `expires_at` (None: no end). Commits with its audit
    entry, then drops the user's snapshots and reads: effective on their next request."""
    if tier is Tier.FREE and expires_at is not None:
        raise InvalidInput("A free tier has no expiry.", details={"field": "expiresAt"})
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("expiresAt must be in the future.", details={"field": "expiresAt"})
    if await uow.users.get(user_id) is None:
        raise NotFound("No such user.")
    before = await uow.users.subscription(user_id)
    # an extension or a shortening keeps the plan's start ("pro since")
    since = before.started_at if before is not None and before.tier is tier else now
    after = Subscription(tier, since, expires_at, SubscriptionSource.ADMIN)
    await uow.users.set_subscription(user_id, after)
    await audit.record(
        uow,
        change.entry(
            "subscription.set",
            "user",
            str(user_id),
            _subscription_fields(before),
            _subscription_fields(after),
        ),
    )
    user = await uow.users.get(user_id)
    assert user is not None
    await uow.commit()
    await user_cache.user_changed(cache, user_id)
    return user


async def set_role(
    uow: SqlUnitOfWork, cache: Cache, change: Change, user_id: uuid.UUID, role: Role
) -> User:
    """Grant or remove the admin role (never one's own removal). Commits with its audit
    entry, then drops the user's snapshots: effective on their next request."""
    if user_id == change.admin_id and role is not Role.ADMIN:
        raise OwnAdminRole()
    before = await uow.admin_users.set_role(user_id, role)
    if before is None:
        raise NotFound("No such user.")
    action = "role.grant" if role is Role.ADMIN else "role.revoke"
    await audit.record(
        uow,
        change.entry(action, "user", str(user_id), {"role": before.value}, {"role": role.value}),
    )
    await uow.commit()
    await user_cache.user_changed(cache, user_id)
    user = await uow.users.get(user_id)
    assert user is not None
    return user


# --- tier limits -------------------------------------------------------------------------


def _limits_fields(limits: TierLimits) -> dict[str, Any]:
    return {
        "chains": limits.chains,
        "watchedValidators": limits.watched_validators,
        "vrsFactors": limits.vrs_factors,
        "alerts": limits.alerts,
        "historyDays": limits.history_days,
        "rewardDays": limits.reward_days,
        "rewardsExport": limits.rewards_export,
    }


async def tier_limits(uow: SqlUnitOfWork) -> list[TierLimits]:
    return [await uow.tier_limits.get(tier) for tier in Tier]


async def set_tier_limits(
    uow: SqlUnitOfWork, change: Change, limits: Sequence[TierLimits]
) -> list[TierLimits]:
    """Replace the limits of each tier given (validated), one audit entry per tier that
    changed; the gate reads the rows on the next request."""
    if len({item.tier for item in limits}) != len(limits):
        raise InvalidInput("Each tier at most once.", details={"field": "limits"})
    for item in limits:
        validate_limits(item)
        before = await uow.tier_limits.get(item.tier)
        if before == item:
            continue
        await uow.tier_limits.put(item)
        await audit.record(
            uow,
            change.entry(
                "tier_limits.update",
                "tier_limits",
                item.tier.value,
                _limits_fields(before),
                _limits_fields(item),
            ),
        )
    return await tier_limits(uow)


# --- versioned configs -------------------------------------------------------------------


async def _current_rows(uow: SqlUnitOfWork, kind: ConfigKind) -> dict[str, str]:
    if kind is ConfigKind.VRS:
        return (await uow.vrs_config.get()).as_rows()
    return await uow.config_versions.yield_rows()


async def current_config(uow: SqlUnitOfWork, kind: ConfigKind) -> ConfigVersion:
    """The config in force and its version (1 until the first change: the values the
    tables held before any admin changed them)."""
    values = await _current_rows(uow, kind)
    latest = await uow.config_versions.latest(kind)
    if latest is None:
        return ConfigVersion(kind, 1, values, None, None, None)
    return ConfigVersion(
        kind, latest.version, values, latest.created_at, latest.created_by, latest.reason
    )


def _validated(
    kind: ConfigKind, values: Mapping[str, str], current: Mapping[str, str]
) -> dict[str, str]:
    """The full, canonical set of values, or InvalidInput naming what is wrong."""
    missing = sorted(set(current) - set(values))
    if missing:
        raise InvalidInput(
            f"Every value is required (the full set); missing: {', '.join(missing)}.",
            details={"field": "values", "missing": missing},
        )
    if kind is ConfigKind.VRS:
        try:
            return VrsConfig.from_rows(values).as_rows()
        except ValueError as exc:
            raise InvalidInput(str(exc), details={"field": "values"}) from None
    rows: list[tuple[str, str, str]] = []
    for key, value in values.items():
        chain, slash, name = key.partition("/")
        if not slash:
            raise InvalidInput(f"{key}: names are chain/name", details={"field": "values"})
        rows.append((chain, name, value))
    _, ignored = parameters_from_rows(rows)
    if ignored:
        raise InvalidInput(
            f"Unknown, unparsable or out-of-range values: {', '.join(sorted(ignored))}.",
            details={"field": "values", "invalid": sorted(ignored)},
        )
    return {key: str(Decimal(value)) for key, value in values.items()}


async def set_config(
    uow: SqlUnitOfWork,
    change: Change,
    kind: ConfigKind,
    based_on: int,
    values: Mapping[str, str],
) -> ConfigVersion:
    """Store the full set `values` as version n+1 (`based_on` must be n, else
    StaleConfigVersion), write it to the table the computation reads, and audit it."""
    current = await current_config(uow, kind)
    if based_on != current.version:
        raise StaleConfigVersion(details={"currentVersion": current.version})
    new_values = _validated(kind, values, current.values)
    if current.version == 1 and await uow.config_versions.latest(kind) is None:
        await uow.config_versions.add(current)  # version 1: the values before any change
    stored = ConfigVersion(
        kind, current.version + 1, new_values, None, str(change.admin_id), change.reason
    )
    await uow.config_versions.add(stored)  # a concurrent change of version n: Stale
    if kind is ConfigKind.VRS:
        await uow.config_versions.replace_vrs_rows(new_values)
    else:
        await uow.config_versions.replace_yield_rows(new_values)
    changed = sorted(
        k
        for k in set(new_values) | set(current.values)
        if new_values.get(k) != current.values.get(k)
    )
    await audit.record(
        uow,
        change.entry(
            f"{kind.value}_config.update",
            f"{kind.value}_config",
            str(stored.version),
            {k: current.values.get(k) for k in changed} | {"version": current.version},
            {k: new_values.get(k) for k in changed} | {"version": stored.version},
        ),
    )
    return await current_config(uow, kind)


# --- reading the trail and the errors ----------------------------------------------------


async def audit_log(
    uow: SqlUnitOfWork,
    *,
    actor: str | None = None,
    target_type: str | None = None,
    target: str | None = None,
    action: str | None = None,
    before_id: int | None,
    limit: int,
) -> Sequence[AuditEntry]:
    """Newest first; `before_id`: the keyset position (the last id of the page before)."""
    from infrastructure.db.repositories.audit import AuditFilter  # with the ORM models

    where = AuditFilter(actor_id=actor, target_type=target_type, target_id=target, action=action)
    return await uow.audit_log.page(where, before_id=before_id, limit=limit)


async def record_errors(uow: SqlUnitOfWork, counts: Sequence[ApiErrorCount]) -> None:
    """Add counted error responses to `api_errors` (the caller commits)."""
    await uow.api_errors.add_counts(counts)


async def last_errors(uow: SqlUnitOfWork, *, limit: int) -> list[ApiErrorCount]:
    return await uow.api_errors.latest(limit=limit)
