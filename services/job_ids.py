"""Every job id, built here and nowhere else.

One id per (step, chain, period): the hourly schedule, the start-up catch-up and the
HMAC-signed cron trigger all enqueue the same id for the same work, so it runs once.
A triggered `fetch` is the whole pipeline (fetch → vrs → yield → later steps), exactly
as the hourly tick starts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


_FORMATS = {Period.HOUR: "%Y-%m-%dT%H", Period.DAY: "%Y-%m-%d", Period.MONTH: "%Y-%m"}

TriggerStep = Literal["fetch", "metrics", "vrs", "yield", "alerts", "alerts-cleanup"]


@dataclass(frozen=True)
class JobRef:
    name: str  # key in workers.jobs.JOBS
    id: str


def job_id(step: str, chain: str | None, at: datetime, period: Period = Period.HOUR) -> str:
    if at.tzinfo is None:
        raise ValueError("job_id needs an aware datetime")
    stamp = at.astimezone(UTC).strftime(_FORMATS[period])
    return f"{step}:{chain or 'all'}:{stamp}"


def pipeline(chain: str, at: datetime) -> JobRef:
    """This hour's pipeline of one chain (schedule, catch-up and the `fetch` trigger)."""
    return JobRef("pipeline", job_id("pipeline", chain, at, Period.HOUR))


# trigger step -> (job name, id step, period); `fetch` is the pipeline itself
_TRIGGERS: dict[str, tuple[str, str, Period]] = {
    "fetch": ("pipeline", "pipeline", Period.HOUR),
    "metrics": ("fetch_metrics", "metrics", Period.DAY),
    "vrs": ("compute_vrs", "vrs", Period.HOUR),
    "yield": ("compute_yield", "yield", Period.HOUR),
    "alerts": ("check_alerts", "alerts", Period.HOUR),
    "alerts-cleanup": ("prune_alert_history", "alert-history", Period.MONTH),
}
_CHAINLESS = {"alerts-cleanup"}  # one job for all chains (the same id whatever the chain)
TRIGGER_STEPS: tuple[str, ...] = tuple(_TRIGGERS)


def trigger(step: str, chain: str, at: datetime) -> JobRef:
    name, id_step, period = _TRIGGERS[step]
    return JobRef(name, job_id(id_step, None if step in _CHAINLESS else chain, at, period))


def wallet_positions(chain: str, wallet_id: UUID, at: datetime) -> JobRef:
    """A newly linked wallet's positions (once per wallet and hour)."""
    return JobRef(
        "fetch_wallet_positions",
        f"positions:{chain}:{wallet_id}:{at.astimezone(UTC):%Y-%m-%dT%H}",
    )


def scheduled_run(entry: str, at: datetime) -> str:
    """One run of a cron table entry (the minute it was due)."""
    return f"cron:{entry}:{at.strftime('%Y-%m-%dT%H:%M')}"


def startup_run(entry: str, at: datetime) -> str:
    """The start-up run of a cron table entry (the minute the runner started)."""
    return f"startup:{entry}:{at.strftime('%Y-%m-%dT%H:%M')}"


def delivery_kick(at: datetime) -> str:
    """An alert-delivery drain asked for after an evaluation's commit (once a second)."""
    return f"deliver_alerts:kick:{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S}"
