"""Ethereum factors: liveness uptime, slashing and offline spells, no commission
(unavailable), rewards actual/ideal, the withdrawal entity's stake share."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext, Factor
from tests.unit.vrs.builders import DAY, HOUR, aged, factor, history, score, where

ETH = Chain.ETH


def test_uptime_is_the_mean_liveness() -> None:
    samples = where(history(ETH, 30), aged(0 * DAY, 3 * DAY), uptime=Decimal(0))
    assert factor(score(ETH, samples), "uptime") == 90  # 27 of 30 samples live


def test_being_slashed_zeroes_slashing_and_the_uptime_since() -> None:
    flagged = where(history(ETH), aged(0 * DAY, 10 * DAY), slashed=True)
    status = where(history(ETH, 30), aged(0 * DAY, 3 * DAY), status=ValidatorStatus.SLASHED)
    # permanent: not weighed by age like an incident that is over
    assert factor(score(ETH, flagged), "slashing") == 0
    assert factor(score(ETH, status), "slashing") == 0
    assert factor(score(ETH, history(ETH)), "slashing") == 100
    # a slashing no longer reported (data glitch) still zeroes the window it fell in
    glitch = where(history(ETH), aged(40 * DAY, 50 * DAY), slashed=True)
    assert factor(score(ETH, glitch), "slashing") == 70  # 0.7 × 100 + 0.3 × 0
    # forced out of duty: down, even while the node still reports it live
    assert factor(score(ETH, status), "uptime") == 90


def test_offline_spells_need_four_not_live_samples_and_cost_points_by_length() -> None:
    hourly = history(ETH, 10, step=HOUR)
    four_hours = where(hourly, aged(50 * HOUR, 54 * HOUR), uptime=Decimal(0))
    three_hours = where(hourly, aged(50 * HOUR, 53 * HOUR), uptime=Decimal(0))
    one_hour = where(hourly, aged(50 * HOUR, 51 * HOUR), uptime=Decimal(0))
    assert factor(score(ETH, four_hours), "slashing") == 100 - (10 + 4)
    assert factor(score(ETH, three_hours), "slashing") == 100  # not yet an outage
    assert factor(score(ETH, one_hour), "slashing") == 100  # a missed epoch, not a spell
    # daily samples: four days not live is an outage of 96 h (the recent window 0, the
    # older one, without samples, 100); three sampled days are not enough samples
    daily = history(ETH, 40)
    four_days = where(daily, aged(5 * DAY, 9 * DAY), uptime=Decimal(0))
    three_days = where(daily, aged(5 * DAY, 8 * DAY), uptime=Decimal(0))
    assert factor(score(ETH, four_days), "slashing") == 30
    assert factor(score(ETH, three_days), "slashing") == 100


def test_sporadic_missed_attestations_are_uptime_not_offline_spells() -> None:
    # misses at random, pairs and triples of consecutive missed samples all over 90 days
    hourly = history(ETH, 90, step=HOUR)
    missed = [
        replace(o, uptime=Decimal(0)) if i % 20 in (0, 1, 2, 10) else o
        for i, o in enumerate(hourly)
    ]
    result = score(ETH, missed)
    assert factor(result, "slashing") == 100
    uptime = factor(result, "uptime")
    assert uptime == 80  # they count where they belong: 4 of every 20 samples


def test_commission_is_unavailable_not_made_up() -> None:
    result = score(ETH, history(ETH, commission=Decimal("0.1")))
    assert result.scores[Factor.COMMISSION] is None
    # the total renormalises over the rest: uptime 30, slashing 25, performance 15
    assert result.total == 100 and result.scores[Factor.UPTIME] == 100


def test_performance_is_rewards_actual_over_ideal() -> None:
    assert factor(score(ETH, history(ETH, performance=Decimal("0.9"))), "performance") == 90
    assert factor(score(ETH, history(ETH, performance=None)), "performance") is None


def test_decentralisation_is_the_withdrawal_entitys_stake_share() -> None:
    samples = history(ETH, performance=Decimal("0.9"))
    context = ChainContext(entity_share={"v1": Decimal("0.1")})
    result = score(ETH, samples, context)
    assert result.scores[Factor.DECENTRALIZATION] == 70  # 100 × (1 − 3 × 0.1)
    unknown = score(ETH, samples)  # BLS credentials: no entity to measure
    assert unknown.scores[Factor.DECENTRALIZATION] is None
    # 4 factors: (30·100 + 25·100 + 15·90 + 10·70) / 80 = 94.375
    assert result.total == 94
    # 3 factors: (30·100 + 25·100 + 15·90) / 70 = 97.86
    assert unknown.total == 98
