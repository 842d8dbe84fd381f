"""The last drop of a history and why it fell: the factors that moved between the day it
fell from and the day it fell to (the alerts' attribution), only those the tier sees."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.models import Chain
from domain.vrs import FACTORS, Factor, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.drops import FactorChange, LastDrop, last_drop
from domain.vrs.history import daily_points
from domain.vrs.model import total_of
from tests.unit.vrs.builders import AS_OF


def stored(*factors: int, days_ago: int) -> VrsScore:
    scores = dict(zip(FACTORS, factors, strict=True))
    return VrsScore(
        chain=Chain.SOL,
        validator="v1",
        calculated_at=AS_OF - timedelta(days=days_ago),
        status=VrsStatus.SCORED,
        total=total_of(scores, DEFAULT_WEIGHTS),
        scores=scores,
        weights=dict(DEFAULT_WEIGHTS),
        data_days=90,
        confidence=ScoreConfidence.HIGH,
    )


def day(n: int) -> datetime:
    return AS_OF - timedelta(days=n)


def explain(scores: list[VrsScore], shown: int, first: int = 6) -> LastDrop | None:
    points = daily_points(scores, shown, day(first).date(), AS_OF.date())
    return last_drop(points, scores, shown)


def test_the_newest_drop_is_explained_by_the_factors_that_fell_biggest_first() -> None:
    scores = [
        stored(90, 90, 90, 90, 90, days_ago=5),
        stored(90, 90, 90, 90, 90, days_ago=3),
        # uptime −40, commission −10, slashing unchanged, performance up 5
        stored(50, 90, 80, 95, 90, days_ago=1),
        stored(50, 90, 80, 95, 90, days_ago=0),
    ]
    drop = explain(scores, 5)
    assert drop is not None
    assert (drop.since, drop.day) == (day(3).date(), day(0).date())
    assert drop.before == 90 and drop.after == drop.before - drop.fell and drop.fell > 10
    assert drop.causes == (
        FactorChange(Factor.UPTIME, 90, 50),
        FactorChange(Factor.COMMISSION, 90, 80),
        FactorChange(Factor.PERFORMANCE, 90, 95),
    )
    assert [c.delta for c in drop.causes] == [-40, -10, 5]


def test_a_free_view_never_explains_a_locked_factor() -> None:
    scores = [
        stored(90, 90, 90, 90, 90, days_ago=2),
        stored(60, 90, 90, 10, 10, days_ago=0),  # the pro factors fell too
    ]
    drop = explain(scores, 3)
    assert drop is not None
    assert [c.factor for c in drop.causes] == [Factor.UPTIME]
    assert drop.before == 90 and drop.after == 78  # (30·60 + 25·90 + 20·90) / 75


def test_no_drop_no_explanation() -> None:
    scores = [stored(90, 90, 90, 90, 90, days_ago=2), stored(85, 85, 85, 85, 85, days_ago=0)]
    assert explain(scores, 5) is None
    assert last_drop([], [], 5) is None


def test_a_drop_from_before_the_window_is_still_explained() -> None:
    # the higher day is 4 days back, outside a 2-day window: its score is passed along
    scores = [stored(90, 90, 90, 90, 90, days_ago=4), stored(90, 90, 20, 90, 90, days_ago=0)]
    drop = explain(scores, 5, first=1)
    assert drop is not None and drop.since == day(4).date()
    assert drop.causes == (FactorChange(Factor.COMMISSION, 90, 20),)
