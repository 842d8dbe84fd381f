"""Time weighting (70/30, the 90-day cutoff), the total over available factors,
confidence levels and the pending rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from domain.chains import Observation
from domain.models import Chain
from domain.vrs import Factor, ScoreConfidence, VrsConfig, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from tests.unit.vrs.builders import AS_OF, DAY, aged, context_of, factor, history, score, where

SOL, ETH = Chain.SOL, Chain.ETH


def full_sol(days: int) -> tuple[list[Observation], object]:
    samples = history(SOL, days)
    peers = [history(SOL, days, validator=f"p{i}") for i in range(40)]
    return samples, context_of(SOL, samples, *peers)


def test_the_last_30_days_weigh_70_and_days_31_to_90_weigh_30_percent() -> None:
    older_bad = where(history(SOL), aged(31 * DAY, 90 * DAY), uptime=Decimal("0.8"))
    recent_bad = where(history(SOL), aged(0 * DAY, 31 * DAY), uptime=Decimal("0.8"))
    assert factor(score(SOL, older_bad), "uptime") == 94  # 0.7 × 100 + 0.3 × 80
    assert factor(score(SOL, recent_bad), "uptime") == 86  # 0.7 × 80 + 0.3 × 100


def test_a_sample_exactly_30_days_old_is_recent() -> None:
    samples = where(history(SOL), aged(30 * DAY, 30 * DAY + timedelta(seconds=1)), uptime=None)
    samples = where(samples, aged(0 * DAY, 30 * DAY), uptime=Decimal("0.9"))
    samples = where(samples, aged(30 * DAY, 30 * DAY + timedelta(seconds=1)), uptime=Decimal(0))
    # recent: 30 samples at 0.9 and the 30-day-old one at 0 → 27/31; older all 1
    assert factor(score(SOL, samples), "uptime") == round(0.7 * 27 / 31 * 100 + 30)


def test_observations_older_than_90_days_count_for_nothing() -> None:
    base = history(SOL)
    stale = base + [
        Observation(
            chain=SOL,
            validator="v1",
            observed_at=AS_OF - timedelta(days=90, hours=h),
            status=base[0].status,
            uptime=Decimal(0),
            commission=Decimal(1),
        )
        for h in range(1, 200)
    ]
    assert score(SOL, stale) == score(SOL, base)
    edge = [
        *base,
        Observation(
            chain=SOL,
            validator="v1",
            observed_at=AS_OF - timedelta(days=90),
            status=base[0].status,
            commission=Decimal(0),
        ),
    ]
    # exactly 90 days still counts: the raise from it, 25 + 0.25 × 5, and the older
    # window's level 4.92 % × 0.2 → 72.77; the recent window 99
    assert factor(score(SOL, base), "commission") == 99
    assert factor(score(SOL, edge), "commission") == 91  # 0.7 × 99 + 0.3 × 72.77


def test_future_observations_are_ignored() -> None:
    base = history(SOL)
    later = base + history(SOL, 3, end=AS_OF + 5 * DAY, uptime=Decimal(0))
    assert score(SOL, later) == score(SOL, base)


def test_windows_and_their_weights_are_configurable() -> None:
    samples = where(history(SOL), aged(0 * DAY, 10 * DAY), uptime=Decimal("0.5"))
    even = VrsConfig(recent_weight=Decimal("0.5"), older_weight=Decimal("0.5"))
    short = VrsConfig(recent_days=10)
    # default: recent (10 × 0.5 + 21) / 31 → 0.7 × 83.87 + 30
    assert factor(score(SOL, samples), "uptime") == 89
    assert factor(score(SOL, samples, config=even), "uptime") == 92  # 0.5 × 83.87 + 50
    assert factor(score(SOL, samples, config=short), "uptime") == round(
        0.7 * 10 / 11 * 50 + 30 + 0.7 * 100 / 11
    )


def test_a_window_without_data_gives_its_weight_to_the_other() -> None:
    assert factor(score(SOL, history(SOL, 20, uptime=Decimal("0.9"))), "uptime") == 90


def test_the_total_is_the_weighted_mean_of_the_available_factors() -> None:
    samples, context = full_sol(30)
    samples = [replace(o, commission=Decimal("0.5")) for o in samples]
    result = score(SOL, samples, context)
    s = result.scores
    expected = sum(DEFAULT_WEIGHTS[f] * s[f] for f in Factor) / 100  # type: ignore[operator]
    assert result.total == round(expected)
    heavy = VrsConfig(weights={**DEFAULT_WEIGHTS, Factor.COMMISSION: Decimal(200)})
    reweighted = score(SOL, samples, context, heavy)
    assert reweighted.scores == s
    assert reweighted.weights[Factor.COMMISSION] == 200
    assert reweighted.total is not None and result.total is not None
    assert reweighted.total < result.total  # commission (90: 50 % × 0.2) below the others


def test_confidence_high_medium_low() -> None:
    for days, expected in ((60, "high"), (59, "medium"), (30, "medium"), (29, "low")):
        samples, context = full_sol(days)
        result = score(SOL, samples, context)
        assert all(v is not None for v in result.scores.values())
        assert (result.data_days, result.confidence) == (days, ScoreConfidence(expected))
    eth = score(ETH, history(ETH))  # 90 days, but no commission and no entity: 3 factors
    assert eth.confidence is ScoreConfidence.MEDIUM
    two = score(ETH, history(ETH, performance=None))  # uptime and slashing only
    assert two.confidence is ScoreConfidence.LOW and two.total == 100


def test_fewer_than_seven_days_is_pending_without_a_score() -> None:
    pending = score(SOL, history(SOL, 6, step=timedelta(hours=1)))
    assert pending.status is VrsStatus.PENDING and pending.total is None
    assert set(pending.scores.values()) == {None}
    assert pending.data_days == 6 and pending.confidence is ScoreConfidence.LOW
    scored = score(SOL, history(SOL, 7))
    assert scored.status is VrsStatus.SCORED and scored.total is not None
    gaps = [o for i, o in enumerate(history(SOL, 30)) if i % 5 == 0]  # 6 distinct days
    assert score(SOL, gaps).status is VrsStatus.PENDING
    assert score(SOL, history(SOL, 7), config=VrsConfig(pending_days=8)).total is None
