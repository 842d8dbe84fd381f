"""Cosmos Hub factors: signed-blocks uptime, jailing and tombstoning by severity and age,
commission incl. distance to the max rate, missed-blocks trend vs the active set,
voting-power share and the top 33 %."""

from __future__ import annotations

from decimal import Decimal

from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext
from tests.unit.vrs.builders import DAY, HOUR, aged, context_of, factor, history, score, where

ATOM = Chain.ATOM
JAILED = {"jailed": True, "status": ValidatorStatus.JAILED, "uptime": None}


def test_uptime_counts_samples_with_missed_blocks_and_zero_while_jailed() -> None:
    assert factor(score(ATOM, history(ATOM, 30)), "uptime") == 100
    # every window shows 2 % missed: 0.5 × (1 − 0.02 / 0.05), not 98
    missing = history(ATOM, 30, uptime=Decimal("0.98"), missed_blocks=200)
    assert factor(score(ATOM, missing), "uptime") == 30
    heavy = history(ATOM, 30, uptime=Decimal("0.94"), missed_blocks=600)
    assert factor(score(ATOM, heavy), "uptime") == 0  # 5 % or more of the window
    # how often: 3 of 30 samples show 1 % missed → (27 + 3 × 0.4) / 30
    sometimes = where(
        history(ATOM, 30), aged(0 * DAY, 3 * DAY), uptime=Decimal("0.99"), missed_blocks=100
    )
    assert factor(score(ATOM, sometimes), "uptime") == 94
    # without a counter the fraction tells whether blocks were missed
    no_counter = history(ATOM, 30, uptime=Decimal("0.99"), missed_blocks=None)
    assert factor(score(ATOM, no_counter), "uptime") == 40
    samples = where(history(ATOM, 30), aged(0 * DAY, 3 * DAY), **JAILED)
    assert factor(score(ATOM, samples), "uptime") == 90


def test_tombstoning_zeroes_and_jailing_costs_more_than_a_solana_delinquency() -> None:
    tombstoned = where(
        history(ATOM), aged(0 * DAY, 40 * DAY), tombstoned=True, slashed=True, **JAILED
    )
    assert factor(score(ATOM, tombstoned), "slashing") == 0  # both windows hold it
    hourly = history(ATOM, 10, step=HOUR)
    jailed = where(hourly, aged(30 * HOUR, 35 * HOUR), **JAILED)
    assert factor(score(ATOM, jailed), "slashing") == 100 - (30 + 5)
    briefly = where(hourly, aged(30 * HOUR, 31 * HOUR), **JAILED)  # every jailing counts
    assert factor(score(ATOM, briefly), "slashing") == 100 - (30 + 1)


def test_jailing_weighs_by_age() -> None:
    hourly = history(ATOM, 90, step=HOUR)
    recent = where(hourly, aged(3 * DAY, 3 * DAY + 10 * HOUR), **JAILED)
    older = where(hourly, aged(60 * DAY, 60 * DAY + 10 * HOUR), **JAILED)
    assert factor(score(ATOM, recent), "slashing") == 72  # 0.7 × 60 + 0.3 × 100
    assert factor(score(ATOM, older), "slashing") == 88  # 0.7 × 100 + 0.3 × 60


def test_commission_counts_the_room_up_to_the_max_rate() -> None:
    samples = history(ATOM, 30)
    roomy = ChainContext(max_commission={"v1": Decimal("0.25")})
    capped = ChainContext(max_commission={"v1": Decimal("0.05")})
    assert factor(score(ATOM, samples), "commission") == 99  # max rate unknown; level 1
    assert factor(score(ATOM, samples, capped), "commission") == 99  # cannot raise
    assert factor(score(ATOM, samples, roomy), "commission") == 89  # 20 points room → 10
    wide = ChainContext(max_commission={"v1": Decimal(1)})
    assert factor(score(ATOM, samples, wide), "commission") == 79  # at most 20


def test_performance_is_missed_blocks_above_the_active_set_median_and_its_trend() -> None:
    peers = [history(ATOM, 30, validator=f"p{i}", uptime=Decimal("0.99")) for i in range(2)]
    steady = history(ATOM, 30, uptime=Decimal("0.95"))  # 4 points above the median
    assert factor(score(ATOM, steady, context_of(ATOM, steady, *peers)), "performance") == 60
    worsening = where(
        history(ATOM, 30, uptime=Decimal("0.99")), aged(0 * DAY, 15 * DAY), uptime=Decimal("0.97")
    )
    # mean excess 1 point (10) + the later half 2 points above the earlier one (20)
    context = context_of(ATOM, worsening, *peers)
    assert factor(score(ATOM, worsening, context), "performance") == 70


def test_decentralisation_is_voting_power_share_and_the_top_third() -> None:
    big = history(ATOM, 30, validator="big", stake=20)
    mid = history(ATOM, 30, validator="mid", stake=15)
    small = [history(ATOM, 30, validator=f"s{i}", stake=5) for i in range(13)]
    outside = history(ATOM, 30, validator="out", stake=500, status=ValidatorStatus.INACTIVE)
    context = context_of(ATOM, big, mid, outside, *small)  # inactive stake has no vote
    assert factor(score(ATOM, mid, context), "decentralization") == 30
    assert factor(score(ATOM, small[0], context), "decentralization") == 85
    assert factor(score(ATOM, outside, context), "decentralization") == 100
