"""Performance (domain.rewards.performance): windows, realised APY, confidence, fiat at
each day's close, and how positions combine per chain and across chains."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.models import Chain
from domain.rewards.performance import (
    Confidence,
    DayTotal,
    annualised,
    chain_performance,
    confidence_of,
    portfolio_performance,
    position_performance,
)
from domain.rewards.windows import Window, Windows, tier_first_day, tier_since

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
SOL = 10**9  # lamports per SOL


def day_total(
    end: datetime,
    amount: int,
    *,
    hours: float = 24,
    stake: int | None = 100 * SOL,
    estimated: int = 0,
    key: str = "stake-1",
    chain: Chain = Chain.SOL,
    events: int = 1,
) -> DayTotal:
    return DayTotal(
        chain=chain,
        owner="owner",
        position_key=key,
        day=end.date(),
        bucket=Windows(NOW).bucket(end),
        amount=amount,
        events=events,
        estimated=estimated,
        stake_sum=0 if stake is None else stake * events,
        stake_count=0 if stake is None else events,
        start=end - timedelta(hours=hours),
        end=end,
    )


def test_buckets_nest_the_windows() -> None:
    w = Windows(NOW)
    assert w.bucket(NOW - timedelta(hours=1)) == 0
    assert w.bucket(NOW - timedelta(hours=25)) == 1
    assert w.bucket(NOW - timedelta(days=8)) == 2
    assert w.bucket(NOW - timedelta(days=31)) == 3
    assert w.start(Window.ALL) is None
    clamped = Windows(NOW, since=tier_since(NOW, 30))
    assert clamped.start(Window.ALL) == NOW - timedelta(days=30)
    assert clamped.start(Window.DAY) == NOW - timedelta(hours=24)
    assert tier_first_day(date(2026, 12, 3), 30) == date(2026, 11, 4)
    assert tier_since(NOW, None) is None and tier_first_day(NOW.date(), None) is None


def test_window_sums_are_cumulative_and_penalties_subtract() -> None:
    rows = [
        day_total(NOW - timedelta(hours=2), 1_000, hours=1),
        day_total(NOW - timedelta(days=3), 2_000),
        day_total(NOW - timedelta(days=3, hours=5), -500),  # a penalty
        day_total(NOW - timedelta(days=20), 4_000),
        day_total(NOW - timedelta(days=100), 8_000),
    ]
    perf = position_performance(Chain.SOL, rows, 100 * SOL, {})
    sums = {w.window: w.rewards.base_units for w in perf.windows}
    assert sums == {
        Window.DAY: 1_000,
        Window.WEEK: 2_500,
        Window.MONTH: 6_500,
        Window.ALL: 14_500,
    }
    assert perf.get(Window.ALL).events == 5


def test_realised_apy_annualises_rewards_over_the_average_stake_and_covered_span() -> None:
    # 30 daily rewards of 0.0137 SOL on 100 SOL: 0.0137 × 365 / 100 = 5.0005 % a year
    rows = [day_total(NOW - timedelta(days=d), 13_700_000) for d in range(30)]
    perf = position_performance(Chain.SOL, rows, None, {})
    month = perf.get(Window.MONTH)
    assert month.average_stake == 100 * SOL
    assert month.covered_days == Decimal("30.00")
    assert month.realised_apy == Decimal("0.050005")
    # the last 24 h hold one day's reward covering one day: the same rate, low confidence
    day = perf.get(Window.DAY)
    assert day.realised_apy == Decimal("0.050005")
    assert day.confidence is Confidence.LOW
    assert month.confidence is Confidence.HIGH
    assert perf.get(Window.WEEK).confidence is Confidence.MEDIUM


def test_an_epoch_reward_covers_its_whole_epoch() -> None:
    # one SOL epoch (~2 days) paid 1 h ago: the rate is over 2 days, not over 1 hour
    rows = [day_total(NOW - timedelta(hours=1), 27_400_000, hours=48)]
    day = position_performance(Chain.SOL, rows, None, {}).get(Window.DAY)
    assert day.realised_apy == Decimal("0.050005")


def test_the_stake_falls_back_to_the_current_amount_and_no_events_means_no_rate() -> None:
    rows = [day_total(NOW - timedelta(days=d), 13_700_000, stake=None) for d in range(10)]
    perf = position_performance(Chain.SOL, rows, 100 * SOL, {})
    assert perf.get(Window.MONTH).realised_apy == Decimal("0.050005")
    empty = position_performance(Chain.SOL, [], 100 * SOL, {})
    assert all(w.realised_apy is None and w.events == 0 for w in empty.windows)
    assert empty.get(Window.ALL).rewards.fiat is not None  # zero is a known number
    assert empty.get(Window.ALL).rewards.fiat.usd == Decimal(0)
    unknown = position_performance(Chain.SOL, rows, None, {}).get(Window.MONTH)
    assert unknown.realised_apy is None  # no stake known at all


@pytest.mark.parametrize(
    ("days", "estimated", "expected"),
    [
        (45, 0, Confidence.HIGH),
        (45, 1, Confidence.MEDIUM),
        (10, 0, Confidence.MEDIUM),
        (10, 2, Confidence.LOW),
        (3, 0, Confidence.LOW),
    ],
)
def test_confidence(days: int, estimated: int, expected: Confidence) -> None:
    assert confidence_of(timedelta(days=days), estimated) is expected


def test_fiat_uses_each_days_close_and_is_null_when_a_day_lacks_one() -> None:
    d1, d2 = NOW - timedelta(days=1), NOW - timedelta(days=2)
    rows = [day_total(d1, SOL // 2), day_total(d2, SOL)]
    closes = {
        ("sol", d1.date(), "usd"): Decimal("200"),
        ("sol", d2.date(), "usd"): Decimal("100.005"),
        ("sol", d1.date(), "eur"): Decimal("180"),
    }
    week = position_performance(Chain.SOL, rows, None, closes).get(Window.WEEK)
    assert week.rewards.fiat is not None
    # 0.5 × 200 + 1 × 100.005 = 200.005 -> rounded once, at the end
    assert week.rewards.fiat.usd == Decimal("200.005").quantize(Decimal("0.01"))
    assert week.rewards.fiat.eur is None  # d2 has no EUR close: no partial sum
    none = position_performance(Chain.SOL, rows, None, {}).get(Window.WEEK)
    assert none.rewards.fiat is None


def test_a_chain_weighs_positions_by_stake_and_time() -> None:
    # position A: 100 SOL earning 5 %; B: 300 SOL earning 9 %, over the same 30 days
    a = [day_total(NOW - timedelta(days=d), 13_698_630, key="a") for d in range(30)]
    b = [
        day_total(NOW - timedelta(days=d), 73_972_602, key="b", stake=300 * SOL) for d in range(30)
    ]
    pa = position_performance(Chain.SOL, a, None, {})
    pb = position_performance(Chain.SOL, b, None, {})
    chain = chain_performance(Chain.SOL, [pa, pb]).get(Window.MONTH)
    assert chain.rewards.base_units == 30 * (13_698_630 + 73_972_602)
    assert chain.average_stake == 400 * SOL
    assert chain.realised_apy is not None
    assert abs(chain.realised_apy - Decimal("0.08")) < Decimal("0.000001")  # (5 + 27) / 400


def test_across_chains_rates_weigh_in_usd_and_need_every_price() -> None:
    sol = position_performance(
        Chain.SOL, [day_total(NOW - timedelta(days=d), 13_700_000) for d in range(30)], None, {}
    )
    chains = {Chain.SOL: chain_performance(Chain.SOL, [sol])}
    (_, _, month, _) = portfolio_performance(chains, {("sol", "usd"): Decimal("150")})
    assert month.realised_apy == Decimal("0.050005")
    (_, _, unpriced, _) = portfolio_performance(chains, {})
    assert unpriced.realised_apy is None


def test_annualised_needs_a_positive_weight() -> None:
    assert annualised(Decimal(1), Decimal(0)) is None
    assert annualised(Decimal(-1), Decimal(365 * 86400)) == Decimal("-1")
