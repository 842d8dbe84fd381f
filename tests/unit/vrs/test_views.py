"""Tier views computed at delivery (free: 3 factors renormalised, 2 locked; pro: all
five), bands, and the daily history with its drop flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.models import Chain
from domain.vrs import (
    FACTORS,
    Band,
    Factor,
    ScoreConfidence,
    VrsScore,
    VrsStatus,
    band_of,
    tier_view,
)
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.history import daily_points, last_per_day
from domain.vrs.model import total_of
from tests.unit.vrs.builders import AS_OF


def stored(
    uptime: int | None = 90,
    slashing: int | None = 80,
    commission: int | None = 70,
    performance: int | None = 40,
    decentralization: int | None = 20,
    *,
    at: datetime = AS_OF,
    status: VrsStatus = VrsStatus.SCORED,
) -> VrsScore:
    scores = dict(
        zip(FACTORS, (uptime, slashing, commission, performance, decentralization), strict=True)
    )
    return VrsScore(
        chain=Chain.SOL,
        validator="v1",
        calculated_at=at,
        status=status,
        total=None if status is VrsStatus.PENDING else total_of(scores, DEFAULT_WEIGHTS),
        scores=scores,
        weights=dict(DEFAULT_WEIGHTS),
        data_days=90,
        confidence=ScoreConfidence.HIGH,
    )


def test_free_view_renormalises_three_factors_and_locks_the_pro_ones() -> None:
    score = stored()
    free = tier_view(score, 3)
    # (30·90 + 25·80 + 20·70) / 75 = 81.33
    assert free.total == 81 and free.band is Band.GREEN and not free.full
    by_name = {f.factor: f for f in free.factors}
    assert [f.factor for f in free.factors] == list(FACTORS)
    assert by_name[Factor.UPTIME].weight == Decimal("0.4")
    assert by_name[Factor.SLASHING].weight == Decimal("0.3333")
    assert by_name[Factor.COMMISSION].weight == Decimal("0.2667")
    for pro in (Factor.PERFORMANCE, Factor.DECENTRALIZATION):
        assert by_name[pro].locked and by_name[pro].score is None and by_name[pro].weight == 0
    assert score.scores[Factor.PERFORMANCE] == 40  # the stored score keeps all five
    # configured weights on the same scale as `weight`: a fraction of all five (30 of 100)
    assert [f.configured_weight for f in free.factors] == [
        Decimal("0.3"),
        Decimal("0.25"),
        Decimal("0.2"),
        Decimal("0.15"),
        Decimal("0.1"),
    ]


def test_configured_weights_are_shares_of_whatever_the_config_sums_to() -> None:
    weights = {f: Decimal(w) for f, w in zip(FACTORS, (3, 1, 0, 0, 0), strict=True)}
    score = replace(stored(), weights=weights)
    shares = [f.configured_weight for f in tier_view(score, 5).factors]
    assert shares == [Decimal("0.75"), Decimal("0.25"), 0, 0, 0]


def test_pro_view_is_the_stored_five_factor_total() -> None:
    score = stored()
    pro = tier_view(score, 5)
    # (30·90 + 25·80 + 20·70 + 15·40 + 10·20) / 100 = 69
    assert pro.total == score.total == 69 and pro.band is Band.YELLOW and pro.full
    assert [f.score for f in pro.factors] == [90, 80, 70, 40, 20]
    assert not any(f.locked for f in pro.factors)
    assert sum(f.weight for f in pro.factors) == 1


def test_an_unavailable_factor_is_flagged_and_its_weight_shared_out() -> None:
    eth_like = stored(commission=None, decentralization=None)
    free = tier_view(eth_like, 3)
    commission = next(f for f in free.factors if f.factor is Factor.COMMISSION)
    assert commission.unavailable and not commission.locked and commission.weight == 0
    assert free.total == round((30 * 90 + 25 * 80) / 55)
    pro = tier_view(eth_like, 5)
    assert pro.total == round((30 * 90 + 25 * 80 + 15 * 40) / 70)


def test_pending_has_no_total_in_any_view() -> None:
    pending = stored(None, None, None, None, None, status=VrsStatus.PENDING)
    for shown in (3, 5):
        view = tier_view(pending, shown)
        assert view.total is None and view.band is None and view.factors == ()


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "green"), (80, "green"), (79, "yellow"), (50, "yellow"), (49, "red"), (0, "red")],
)
def test_bands(score: int, band: str) -> None:
    assert band_of(score) is Band(band)


def day(n: int) -> datetime:
    return AS_OF - timedelta(days=n)


def test_history_keeps_the_last_score_of_each_day() -> None:
    scores = [stored(90, at=day(1) - timedelta(hours=5)), stored(50, at=day(1)), stored(70)]
    kept = last_per_day(reversed(scores))
    assert [s.scores[Factor.UPTIME] for s in kept] == [50, 70]


def test_a_fall_of_more_than_10_points_within_7_days_is_flagged() -> None:
    totals = {10: 90, 9: 90, 8: 90, 5: 85, 3: 78, 2: 80, 1: 75, 0: 68}
    # pro totals of stored(u, u, u, u, u) equal u
    scores = [stored(t, t, t, t, t, at=day(n)) for n, t in totals.items()]
    points = daily_points(scores, 5, first_day=day(6).date(), last_day=AS_OF.date())
    assert [p.day for p in points] == [day(n).date() for n in (5, 3, 2, 1, 0)]
    flags = {(AS_OF.date() - p.day).days: (p.drop, p.drop_points, p.drop_since) for p in points}
    assert flags[5] == (False, None, None)  # 5 below 90: not more than 10
    assert flags[3] == (True, 12, day(8).date())  # 90 on day −8: 5 days earlier
    assert flags[2] == (False, None, None)  # 10 exactly is not a drop
    assert flags[1] == (True, 15, day(8).date())
    assert flags[0] == (True, 17, day(5).date())  # day −8 is out of reach; 85 on day −5


def test_the_first_day_shown_looks_back_before_the_window() -> None:
    scores = [stored(90, 90, 90, 90, 90, at=day(9)), stored(70, 70, 70, 70, 70, at=day(4))]
    points = daily_points(scores, 5, first_day=day(4).date(), last_day=AS_OF.date())
    assert len(points) == 1 and points[0].drop and points[0].drop_points == 20


def test_free_history_totals_use_three_factors() -> None:
    scores = [stored(at=day(2)), stored(90, 80, 70, 0, 0, at=day(1))]
    free = daily_points(scores, 3, first_day=day(2).date(), last_day=AS_OF.date())
    pro = daily_points(scores, 5, first_day=day(2).date(), last_day=AS_OF.date())
    assert [p.total for p in free] == [81, 81] and not any(p.drop for p in free)
    assert [p.total for p in pro] == [69, 61] and [p.band for p in pro] == [Band.YELLOW] * 2


def test_pending_days_have_no_total_and_no_drop() -> None:
    pending = stored(None, None, None, None, None, at=day(1), status=VrsStatus.PENDING)
    points = daily_points([stored(at=day(3)), pending], 5, date(2000, 1, 1), AS_OF.date())
    assert [(p.status, p.total, p.drop) for p in points][-1] == (VrsStatus.PENDING, None, False)
