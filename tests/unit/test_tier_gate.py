"""The pure feature gate and the downgrade rules of domain/tiers.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.alerts.errors import AlertLimitReached
from domain.errors import TierLimitExceeded
from domain.models import Chain, LinkedWallet, Tier
from domain.rewards.tiers import RewardsExportNotAllowed
from domain.tiers import (
    DEFAULT_LIMITS,
    Feature,
    Subscription,
    SubscriptionSource,
    allowed_chains,
    check,
    current_plan,
    upgrade_mailto,
    within_limit,
)

FREE, PRO = DEFAULT_LIMITS[Tier.FREE], DEFAULT_LIMITS[Tier.PRO]
URL = "https://app/settings/subscription"
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_below_the_limit_passes_and_at_it_refuses_with_the_details() -> None:
    check(FREE, Feature.CHAINS, 0, URL)
    with pytest.raises(TierLimitExceeded) as refused:
        check(FREE, Feature.CHAINS, 1, URL)
    assert refused.value.code == "TIER_LIMIT"
    assert refused.value.details == {
        "feature": "chains",
        "limit": 1,
        "current": 1,
        "upgradeUrl": URL,
    }
    check(FREE, Feature.WATCHLIST, 9, URL)
    with pytest.raises(TierLimitExceeded):
        check(FREE, Feature.WATCHLIST, 10, URL)
    check(PRO, Feature.WATCHLIST, 10_000, URL)  # None: unlimited


def test_alerts_and_export_raise_their_own_subclasses() -> None:
    with pytest.raises(AlertLimitReached):
        check(FREE, Feature.ALERTS, 1, URL)
    check(PRO, Feature.ALERTS, 4, URL)
    with pytest.raises(RewardsExportNotAllowed) as refused:
        check(FREE, Feature.REWARDS_EXPORT, 0, URL)
    assert refused.value.details["feature"] == "rewards_export"
    check(PRO, Feature.REWARDS_EXPORT, 0, URL)


def _wallet(chain: Chain, minutes: int, primary: bool = False) -> LinkedWallet:
    return LinkedWallet(
        uuid.uuid4(), uuid.uuid4(), chain, "a", primary, T0 + timedelta(minutes=minutes)
    )


def test_the_primary_wallets_chain_then_the_earliest_stay_within_the_limit() -> None:
    wallets = [
        _wallet(Chain.ETH, 0),
        _wallet(Chain.ATOM, 1),
        _wallet(Chain.SOL, 2, primary=True),
        _wallet(Chain.ETH, 3),
    ]
    assert allowed_chains(wallets, 1) == {Chain.SOL}
    assert allowed_chains(wallets, 2) == {Chain.SOL, Chain.ETH}
    no_primary = [w for w in wallets if not w.is_primary]  # email is the primary login
    assert allowed_chains(no_primary, 1) == {Chain.ETH}
    assert allowed_chains([], 1) == set()
    assert within_limit(12, 10) == 10 and within_limit(3, None) == 3


def test_the_current_plan_of_each_record() -> None:
    now = T0 + timedelta(days=10)
    created = T0 - timedelta(days=100)
    assert current_plan(None, created, now) == current_plan(None, created, now)
    assert current_plan(None, created, now).since == created
    pro = Subscription(Tier.PRO, T0, now + timedelta(days=1), SubscriptionSource.ADMIN)
    plan = current_plan(pro, created, now)
    assert (plan.tier, plan.since, plan.expires_at, plan.source) == (
        Tier.PRO,
        T0,
        pro.expires_at,
        SubscriptionSource.ADMIN,
    )
    ended = Subscription(Tier.PRO, T0, now - timedelta(hours=1), SubscriptionSource.STRIPE)
    plan = current_plan(ended, created, now)
    assert (plan.tier, plan.since, plan.expires_at, plan.source) == (
        Tier.FREE,
        ended.expires_at,
        None,
        None,
    )
    free = Subscription(Tier.FREE, T0, None, SubscriptionSource.ADMIN)
    assert current_plan(free, created, now).since == T0
    assert upgrade_mailto() == (
        "mailto:upgrade@staketrack.ai?subject=StakeTrack%20AI%20Pro%20Upgrade"
    )
