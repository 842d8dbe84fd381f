"""Tier limits (DESIGN.md §7): what free and pro users may do.

The numbers live in the `tier_limits` table (editable rows, read at run time);
`DEFAULT_LIMITS` are the documented defaults the migration seeds and the fallback
when a row is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.models import Tier

UPGRADE_PATH = "/settings/subscription"  # the SPA page every upgradeUrl points at


class Feature(StrEnum):
    """What a tier limits; the value is `details.feature` of a 403 TIER_LIMIT."""

    CHAINS = "chains"  # chains with linked wallets
    WATCHLIST = "watched_validators"
    ALERTS = "alerts"
    VRS_FACTORS = "vrs_factors"
    HISTORY_DAYS = "history_days"
    REWARD_DAYS = "reward_days"
    REWARDS_EXPORT = "rewards_export"


class SubscriptionSource(StrEnum):
    ADMIN = "admin"
    STRIPE = "stripe"


@dataclass(frozen=True, slots=True)
class Subscription:
    """A user's subscription record (`user_subscriptions`): the tier they bought or were
    given, from when, until when (None: no end). No record means free."""

    tier: Tier
    started_at: datetime
    expires_at: datetime | None
    source: SubscriptionSource
    external_customer_id: str | None = None
    external_subscription_id: str | None = None


def effective_tier(tier: Tier, expires_at: datetime | None, now: datetime) -> Tier:
    """The tier every decision uses: a pro subscription past its expiry is free at once
    (no job has to flip it)."""
    if tier is Tier.PRO and expires_at is not None and expires_at <= now:
        return Tier.FREE
    return tier


@dataclass(frozen=True, slots=True)
class TierLimits:
    tier: Tier
    chains: int  # chains a user may link wallets on
    watched_validators: int | None  # None: unlimited
    vrs_factors: int  # 3: uptime, slashing, commission; 5: all
    alerts: int
    history_days: int  # VRS / yield history shown
    reward_days: int | None = None  # rewards shown (None: all)
    rewards_export: bool = False  # may export rewards (CSV)


DEFAULT_LIMITS: dict[Tier, TierLimits] = {
    Tier.FREE: TierLimits(
        tier=Tier.FREE,
        chains=1,
        watched_validators=10,
        vrs_factors=3,
        alerts=1,
        history_days=7,
        reward_days=30,
        rewards_export=False,
    ),
    Tier.PRO: TierLimits(
        tier=Tier.PRO,
        chains=3,
        watched_validators=None,
        vrs_factors=5,
        alerts=5,
        history_days=30,
        reward_days=None,
        rewards_export=True,
    ),
}
