"""Daily history of a validator's score in a tier's view: the last score of each day,
and the days where it fell by more than 10 points within 7 days flagged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.vrs.model import Band, VrsScore, VrsStatus, band_of
from domain.vrs.tiers import tier_view

DROP_POINTS = 10  # a fall of more than this ...
DROP_DAYS = 7  # ... against the best score of the days before, within this many days


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    day: date
    calculated_at: datetime
    status: VrsStatus
    total: int | None
    drop: bool = False
    drop_points: int | None = None  # how far it fell ...
    drop_since: date | None = None  # ... since this day's higher score

    @property
    def band(self) -> Band | None:
        return None if self.total is None else band_of(self.total)


def last_per_day(scores: Iterable[VrsScore]) -> list[VrsScore]:
    days: dict[date, VrsScore] = {}
    for score in scores:
        day = score.calculated_at.astimezone(UTC).date()
        if day not in days or score.calculated_at > days[day].calculated_at:
            days[day] = score
    return [days[day] for day in sorted(days)]


def daily_points(
    scores: Iterable[VrsScore], factors_shown: int, first_day: date, last_day: date
) -> list[HistoryPoint]:
    """Points for first_day..last_day. Pass the scores of the DROP_DAYS before first_day
    too, so a drop on the first day shown is flagged as well."""
    points = []
    for score in last_per_day(scores):
        view = tier_view(score, factors_shown)
        points.append(
            HistoryPoint(
                day=score.calculated_at.astimezone(UTC).date(),
                calculated_at=score.calculated_at,
                status=score.status,
                total=view.total,
            )
        )
    flagged = []
    for point in points:
        if first_day <= point.day <= last_day:
            flagged.append(_flag(point, points))
    return flagged


def _flag(point: HistoryPoint, points: list[HistoryPoint]) -> HistoryPoint:
    if point.total is None:
        return point
    since = point.day - timedelta(days=DROP_DAYS)
    before = [p for p in points if since <= p.day < point.day and p.total is not None]
    if not before:
        return point
    best = max(before, key=lambda p: (p.total or 0, p.day))  # the latest of equal highs
    fall = (best.total or 0) - point.total
    if fall <= DROP_POINTS:
        return point
    return HistoryPoint(
        day=point.day,
        calculated_at=point.calculated_at,
        status=point.status,
        total=point.total,
        drop=True,
        drop_points=fall,
        drop_since=best.day,
    )
