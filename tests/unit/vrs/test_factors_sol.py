"""Solana factors: voting uptime, delinquency spells, commission level and changes
(raise-and-revert weighs most), credits and skip rate vs the cluster, stake share and
superminority."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.vrs.factors import commission_changes
from tests.unit.vrs.builders import (
    AS_OF,
    DAY,
    HOUR,
    aged,
    context_of,
    factor,
    history,
    score,
    where,
)

SOL = Chain.SOL
DELINQUENT = {"status": ValidatorStatus.DELINQUENT, "uptime": Decimal(0)}


def test_uptime_counts_delinquent_samples_as_zero_and_credits_vs_best() -> None:
    samples = where(history(SOL, 30), aged(0 * DAY, 3 * DAY), **DELINQUENT)
    assert factor(score(SOL, samples), "uptime") == 90
    assert factor(score(SOL, history(SOL, 30, uptime=Decimal("0.95"))), "uptime") == 95


def test_delinquency_spells_longer_than_an_hour_are_incidents_weighted_by_length() -> None:
    hourly = history(SOL, 10, step=HOUR)
    blip = where(hourly, aged(20 * HOUR, 21 * HOUR), **DELINQUENT)
    two = where(hourly, aged(20 * HOUR, 22 * HOUR), **DELINQUENT)
    five = where(hourly, aged(20 * HOUR, 25 * HOUR), **DELINQUENT)
    assert factor(score(SOL, blip), "slashing") == 100
    assert factor(score(SOL, two), "slashing") == 100 - (10 + 2)
    assert factor(score(SOL, five), "slashing") == 100 - (10 + 5)


def test_delinquency_spells_weigh_by_age() -> None:
    hourly = history(SOL, 90, step=HOUR)
    recent = where(hourly, aged(5 * DAY, 5 * DAY + 4 * HOUR), **DELINQUENT)
    older = where(hourly, aged(50 * DAY, 50 * DAY + 4 * HOUR), **DELINQUENT)
    # the window holding the spell scores 100 − 14 = 86
    assert factor(score(SOL, recent), "slashing") == 90  # 0.7 × 86 + 0.3 × 100
    assert factor(score(SOL, older), "slashing") == 96  # 0.7 × 100 + 0.3 × 86


def test_commission_level_is_a_minor_term() -> None:
    assert factor(score(SOL, history(SOL, 30)), "commission") == 99  # 5 % × 0.2
    assert factor(score(SOL, history(SOL, 30, commission=Decimal("0.1"))), "commission") == 98
    # a steady 100 % is known up front: 20 points, no longer 0 every day
    assert factor(score(SOL, history(SOL, 30, commission=Decimal(1))), "commission") == 80


def test_a_raise_costs_25_plus_a_quarter_per_point_and_a_cut_nothing() -> None:
    raised = where(history(SOL, 30), aged(0 * DAY, 10 * DAY), commission=Decimal("0.1"))
    # mean level (10 × 10 % + 20 × 5 %) / 30 = 6.67 % → 1.33; the raise 25 + 0.25 × 5
    assert factor(score(SOL, raised), "commission") == 72
    cut = where(history(SOL, 30), aged(10 * DAY, 30 * DAY), commission=Decimal("0.1"))
    # a cut: only the level, (20 × 10 % + 10 × 5 %) / 30 = 8.33 % → 1.67 points
    assert factor(score(SOL, cut), "commission") == 98


def test_a_cut_and_its_revert_at_100_percent_counts_the_raise_not_the_level() -> None:
    at_full = history(SOL, 30, commission=Decimal(1))
    cut = where(at_full, aged(10 * DAY, 15 * DAY), commission=Decimal("0.1"))
    # level (25 × 100 + 5 × 10) / 30 = 85 % → 17; the raise back 25 + 0.25 × 90 = 47.5
    assert factor(score(SOL, cut), "commission") == 36


def test_raises_weigh_by_age() -> None:
    recent = where(history(SOL), aged(0 * DAY, 11 * DAY), commission=Decimal("0.06"))
    older = where(history(SOL), aged(0 * DAY, 51 * DAY), commission=Decimal("0.06"))
    # the raise's window: 100 − 25.25 − the level; the other window only its level
    assert factor(score(SOL, recent), "commission") == 81  # 0.7 × 73.68 + 0.3 × 99
    assert factor(score(SOL, older), "commission") == 91  # 0.7 × 98.8 + 0.3 × 73.68


def test_raise_and_revert_weighs_most() -> None:
    hourly = history(SOL, 10, step=HOUR)
    raid = where(hourly, aged(25 * HOUR, 31 * HOUR), commission=Decimal(1))
    assert factor(score(SOL, raid), "commission") == 1  # (25 + 0.25 × 95) × 2
    small_raid = where(hourly, aged(25 * HOUR, 31 * HOUR), commission=Decimal("0.06"))
    kept = where(hourly, aged(0 * HOUR, 31 * HOUR), commission=Decimal("0.06"))
    # the same one-point raise: reverted costs (25 + 0.25) × 2 and a free revert; kept
    # 25.25; the level about 1 point in both
    assert factor(score(SOL, small_raid), "commission") == 48
    assert factor(score(SOL, kept), "commission") == 74


def test_changes_are_classified() -> None:
    samples = history(SOL, 10, step=HOUR)
    bump = where(samples, aged(100 * HOUR, 110 * HOUR), commission=Decimal("0.08"))
    changes = commission_changes(bump)
    assert [(c.before, c.after, c.reverted, c.revert) for c in changes] == [
        (Decimal("0.05"), Decimal("0.08"), True, False),
        (Decimal("0.08"), Decimal("0.05"), False, True),
    ]
    assert [c.points for c in changes] == [Decimal("51.5"), Decimal(0)]
    slow = where(samples, aged(20 * HOUR, 100 * HOUR), commission=Decimal("0.08"))
    changes = commission_changes(slow)  # back after 80 h: a raise, then a (free) cut
    assert [(c.reverted, c.revert, c.points) for c in changes] == [
        (False, False, Decimal("25.75")),
        (False, False, Decimal(0)),
    ]
    assert changes[0].at == AS_OF - timedelta(hours=99)


def test_performance_is_credits_vs_median_and_skip_rate_above_the_cluster_median() -> None:
    others = [history(SOL, 30, validator=f"o{i}") for i in range(2)]
    credits = history(SOL, 30, performance=Decimal("0.9"))
    assert factor(score(SOL, credits, context_of(SOL, credits, *others)), "performance") == 95
    skipping = history(SOL, 30, skip_rate=Decimal("0.12"))  # 10 points above the median
    # (1 + (1 − 5 × 0.10)) / 2
    assert factor(score(SOL, skipping, context_of(SOL, skipping, *others)), "performance") == 75


def test_decentralisation_is_stake_share_and_superminority() -> None:
    big = history(SOL, 30, validator="big", stake=20)
    mid = history(SOL, 30, validator="mid", stake=15)
    small = [history(SOL, 30, validator=f"s{i}", stake=5) for i in range(13)]
    context = context_of(SOL, big, mid, *small)  # total 100; big + mid hold > 1/3
    assert factor(score(SOL, small[0], context), "decentralization") == 85  # 100 × (1 − 0.15)
    assert factor(score(SOL, mid, context), "decentralization") == 30  # 55, less 25 inside
    assert factor(score(SOL, big, context), "decentralization") == 15  # 40 − 25
    assert factor(score(SOL, small[0]), "decentralization") is None  # no chain context
