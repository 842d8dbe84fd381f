"""Why a validator has no score yet, and from when it will have one.

A score needs `pending_days` distinct days of observations (domain/vrs/scoring.py). A
validator nobody observes (an ETH validator nobody stakes with, watches or viewed signed
in: domain/observed.py) is `not_observed`: once observed, its first observation is the
next pipeline run. An observed one is `collecting_history` from its first observation.
Either way it is scored from the day that brings its `pending_days`-th day of
observations, by that day's first pipeline run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

PIPELINE_MINUTE = 5  # workers/schedule.py: the hourly pipeline runs at :05


class PendingReason(StrEnum):
    NOT_OBSERVED = "not_observed"
    COLLECTING_HISTORY = "collecting_history"


@dataclass(frozen=True, slots=True)
class PendingScore:
    reason: PendingReason
    scored_from: datetime  # the pipeline run expected to give the first score


def next_pipeline_run(now: datetime) -> datetime:
    run = now.replace(minute=PIPELINE_MINUTE, second=0, microsecond=0)
    return run if run > now else run + timedelta(hours=1)


def scored_from(first_observation: datetime, pending_days: int) -> datetime:
    """The first pipeline run on the day of the `pending_days`-th day of observations
    (observations every hour from `first_observation` on)."""
    day = first_observation.astimezone(UTC).date() + timedelta(days=max(pending_days, 1) - 1)
    first_run_that_day = datetime.combine(day, time(0, PIPELINE_MINUTE), UTC)
    return max(first_run_that_day, next_pipeline_run(first_observation))


def pending_score(
    observed: bool, first_observation: datetime | None, pending_days: int, now: datetime
) -> PendingScore:
    if not observed:
        return PendingScore(
            PendingReason.NOT_OBSERVED, scored_from(next_pipeline_run(now), pending_days)
        )
    first = first_observation or next_pipeline_run(now)
    return PendingScore(PendingReason.COLLECTING_HISTORY, scored_from(first, pending_days))
