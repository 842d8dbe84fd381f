"""Tier limits (DESIGN.md §7): what free and pro users may do.

The numbers live in the `tier_limits` table (editable rows, read at run time);
`DEFAULT_LIMITS` are the documented defaults the migration seeds and the fallback
when a row is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import TierLimitExceeded
from domain.models import Chain, LinkedWallet, Tier

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


# the counted features: a gate counts them, the subscription page shows their usage
COUNTED = (Feature.CHAINS, Feature.WATCHLIST, Feature.ALERTS)


def limit_of(limits: TierLimits, feature: Feature) -> int | None:
    """The tier's limit of `feature` (None: unlimited; a yes/no feature is 1 or 0)."""
    match feature:
        case Feature.CHAINS:
            return limits.chains
        case Feature.WATCHLIST:
            return limits.watched_validators
        case Feature.ALERTS:
            return limits.alerts
        case Feature.VRS_FACTORS:
            return limits.vrs_factors
        case Feature.HISTORY_DAYS:
            return limits.history_days
        case Feature.REWARD_DAYS:
            return limits.reward_days
        case Feature.REWARDS_EXPORT:
            return 1 if limits.rewards_export else 0


def over_limit(limit: int | None, current: int) -> bool:
    return limit is not None and current > limit


def check(limits: TierLimits, feature: Feature, current: int, upgrade_url: str) -> None:
    """May the user have one more of `feature` when they have `current`? Returns when
    allowed, else raises TierLimitExceeded (details: feature, limit, current,
    upgradeUrl). For the yes/no `rewards_export`, `current` is 0."""
    limit = limit_of(limits, feature)
    if limit is None or current < limit:
        return
    if feature is Feature.ALERTS:
        from domain.alerts.errors import AlertLimitReached

        raise AlertLimitReached(limit, current, upgrade_url)
    if feature is Feature.REWARDS_EXPORT:
        from domain.rewards.tiers import RewardsExportNotAllowed

        raise RewardsExportNotAllowed(upgrade_url)
    raise TierLimitExceeded(
        feature.value,
        upgrade_url,
        limit=limit,
        current=current,
        message=_MESSAGES.get(feature, TierLimitExceeded.message).format(
            limit=limit, current=current
        ),
    )


def within_limit(count: int, limit: int | None) -> int:
    """How many of `count` items (oldest first) stay usable: the rest are over the limit
    (read-only after a downgrade)."""
    return count if limit is None else min(count, max(limit, 0))


_MESSAGES = {
    Feature.CHAINS: "Your plan allows wallets on {limit} chain(s); upgrade to Pro for more.",
    Feature.WATCHLIST: "Watchlist limit reached ({current}/{limit}); upgrade to Pro for more.",
}


def allowed_chains(wallets: Sequence[LinkedWallet], limit: int) -> set[Chain]:
    """The chains whose wallets stay usable under a limit of `limit` chains (after a
    downgrade): the primary wallet's chain first, then the chains in the order they were
    first linked. Wallets on the other chains are over the limit (read-only)."""
    order: list[Chain] = []
    primary = [w.chain for w in wallets if w.is_primary]
    for chain in primary + [w.chain for w in sorted(wallets, key=lambda w: (w.linked_at, w.id))]:
        if chain not in order:
            order.append(chain)
    return set(order[: max(limit, 0)])


# the subscription page's offer (display only: upgrades are arranged by email, story 6.3)
PRO_PRICE = "19"
PRO_PRICE_CURRENCY = "USD"
PRO_PRICE_PERIOD = "month"
UPGRADE_EMAIL = "upgrade@staketrack.ai"
UPGRADE_SUBJECT = "StakeTrack AI Pro Upgrade"
COMPARED = (
    Feature.CHAINS,
    Feature.WATCHLIST,
    Feature.VRS_FACTORS,
    Feature.ALERTS,
    Feature.HISTORY_DAYS,
    Feature.REWARD_DAYS,
    Feature.REWARDS_EXPORT,
)


def upgrade_mailto() -> str:
    from urllib.parse import quote

    return f"mailto:{UPGRADE_EMAIL}?subject={quote(UPGRADE_SUBJECT)}"


@dataclass(frozen=True, slots=True)
class CurrentPlan:
    """The tier a user has now and where it comes from."""

    tier: Tier
    since: datetime
    expires_at: datetime | None
    source: SubscriptionSource | None


def current_plan(sub: Subscription | None, created_at: datetime, now: datetime) -> CurrentPlan:
    """No record: free since the account was made. An expired pro: free since the
    expiry. Else the record's tier, start, end and source (a free record has no source
    shown)."""
    if sub is None:
        return CurrentPlan(Tier.FREE, created_at, None, None)
    tier = effective_tier(sub.tier, sub.expires_at, now)
    if tier is not sub.tier and sub.expires_at is not None:
        return CurrentPlan(Tier.FREE, sub.expires_at, None, None)
    if tier is Tier.FREE:
        return CurrentPlan(Tier.FREE, sub.started_at, None, None)
    return CurrentPlan(tier, sub.started_at, sub.expires_at, sub.source)
