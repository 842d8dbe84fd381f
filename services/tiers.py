"""The one feature gate (issue 16): every gated path reads the caller's limits from the
`tier_limits` rows (at run time: an edited row decides the next request) and asks
`domain.tiers.check`; a refusal is 403 TIER_LIMIT with
`upgradeUrl = APP_ORIGIN + /settings/subscription`.

Called by services/wallets.py (a wallet on a new chain), services/watchlist.py,
services/alerts.py (create, and which alerts are over the limit), services/rewards.py
(export), the VRS / yield / rewards reads (their clamps read `limits_for`) and
api/routers/subscription.py (usage per feature).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain.audit import Actor, AuditEntry
from domain.models import Tier, User
from domain.ports import Cache
from domain.tiers import (
    COUNTED,
    UPGRADE_PATH,
    CurrentPlan,
    Feature,
    TierLimits,
    check,
    current_plan,
    limit_of,
    over_limit,
)
from infrastructure.db.uow import SqlUnitOfWork
from services import audit, user_cache


def upgrade_url(app_origin: str) -> str:
    """Where every upgradeUrl points: the SPA's subscription page."""
    return app_origin.rstrip("/") + UPGRADE_PATH


async def limits_for(uow: SqlUnitOfWork, who: User | Tier) -> TierLimits:
    """The limits of the user's effective tier (or of `tier`), as the table has them now."""
    tier = who.tier if isinstance(who, User) else who
    return await uow.tier_limits.get(tier)


async def gate(
    uow: SqlUnitOfWork, user: User, feature: Feature, current: int, app_origin: str
) -> TierLimits:
    """Allowed (the limits read), or TierLimitExceeded. A counted gate's caller holds
    `uow.tier_usage.lock_user` first, so `current` cannot go stale before its insert."""
    limits = await limits_for(uow, user)
    check(limits, feature, current, upgrade_url(app_origin))
    return limits


@dataclass(frozen=True, slots=True)
class Usage:
    feature: Feature
    limit: int | None  # None: unlimited
    current: int

    @property
    def over_limit(self) -> bool:
        return over_limit(self.limit, self.current)


async def usage(uow: SqlUnitOfWork, user: User) -> tuple[TierLimits, list[Usage]]:
    """The user's limits and how much of each counted feature they use."""
    limits = await limits_for(uow, user)
    counts = {
        Feature.CHAINS: len(await uow.tier_usage.wallet_chains(user.id)),
        Feature.WATCHLIST: await uow.watchlist.count(user.id),
        Feature.ALERTS: await uow.alerts.count_for_user(user.id),
    }
    return limits, [Usage(f, limit_of(limits, f), counts[f]) for f in COUNTED]


async def comparison(uow: SqlUnitOfWork) -> list[TierLimits]:
    """Every tier's limits (free first), from the table."""
    return [await uow.tier_limits.get(tier) for tier in (Tier.FREE, Tier.PRO)]


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    plan: CurrentPlan
    usage: list[Usage]
    tiers: list[TierLimits]  # free, pro: the comparison table


async def subscription(uow: SqlUnitOfWork, user: User, now: datetime) -> SubscriptionView:
    """The user's plan as the server's record has it now, usage and the comparison."""
    sub = await uow.users.subscription(user.id)
    _, used = await usage(uow, user)
    return SubscriptionView(current_plan(sub, user.created_at, now), used, await comparison(uow))


EXPIRY_ACTOR = "subscription_expiry"
EXPIRY_BATCH = 500


async def record_expiries(
    uow_factory: Callable[[], SqlUnitOfWork], cache: Cache, now: datetime
) -> int:
    """Record each pro subscription that has expired in the audit trail, once (actor
    system `subscription_expiry`, before/after tier; sets `expiry_recorded_at`), then
    drop the user's cached reads and session snapshots. The tier itself flipped at the
    expiry without this (domain.tiers.effective_tier). Safe to run twice or at once:
    each expiry is claimed by one conditional UPDATE before its entry is written."""
    recorded = 0
    while True:
        async with uow_factory() as uow:
            due = await uow.tier_usage.expired_unrecorded(now, EXPIRY_BATCH)
            users = []
            for user_id, expires_at in due:
                if not await uow.tier_usage.claim_expiry(user_id, expires_at, now):
                    continue
                await audit.record(
                    uow,
                    AuditEntry(
                        actor=Actor.system(EXPIRY_ACTOR),
                        action="subscription.expire",
                        target_type="user",
                        target_id=str(user_id),
                        before={"tier": Tier.PRO.value, "expiresAt": expires_at.isoformat()},
                        after={"tier": Tier.FREE.value},
                    ),
                )
                users.append(user_id)
            await uow.commit()
        for user_id in users:
            await user_cache.user_changed(cache, user_id)
        recorded += len(users)
        if len(due) < EXPIRY_BATCH:
            return recorded
