"""The cron table both runners read: arq cron in production, the in-process scheduler
in embedded mode. Later issues add their entries (hourly fetch, daily metrics, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services import job_ids


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # unique name of this entry (e.g. "fetch-eth")
    job: str  # key in workers.jobs.JOBS
    minute: int | frozenset[int] | None = 0
    hour: int | frozenset[int] | None = None  # None: every hour
    day: int | None = None  # day of the month; None: every day
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    run_at_startup: bool = False
    periodic: bool = True  # False: runs at start-up only (minute/hour ignored)

    def next_run(self, after: datetime) -> datetime:
        from arq.cron import next_cron  # arq imports redis: not at start-up (NFR6)

        return next_cron(
            after,
            month=None,
            day=self.day,
            weekday=None,
            hour=set(self.hour) if isinstance(self.hour, frozenset) else self.hour,
            minute=set(self.minute) if isinstance(self.minute, frozenset) else self.minute,
            second=0,
            microsecond=0,
        )

    def run_id(self, at: datetime) -> str:
        return job_ids.scheduled_run(self.name, at)


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(name="heartbeat", job="heartbeat", minute=None, run_at_startup=True),
    ScheduledJob(name="catch-up", job="catch_up", run_at_startup=True, periodic=False),
    # the alert outbox, every minute (evaluation also asks for a drain right after its commit)
    ScheduledJob(name="deliver-alerts", job="deliver_alerts", minute=None),
    # hourly, the three chains in parallel (one job each)
    *(
        ScheduledJob(
            name=f"pipeline-{chain}", job="schedule_pipeline", minute=5, kwargs={"chain": chain}
        )
        for chain in ("eth", "sol", "atom")
    ),
    # at start-up too: fiat values (portfolio, calculator) should not wait for the hour
    ScheduledJob(name="prices", job="fetch_prices", minute=2, run_at_startup=True),
    # the rewards' daily closes: today's so far, yesterday's final one, and any missing day
    # of the reward events' span (issue 14)
    ScheduledJob(name="price-closes", job="backfill_price_closes", minute=4),
    *(
        ScheduledJob(
            name=f"metrics-{chain}", job="fetch_metrics", minute=15, hour=0, kwargs={"chain": chain}
        )
        for chain in ("eth", "sol", "atom")
    ),
    ScheduledJob(name="prune-observations", job="prune_observations", minute=30, hour=3),
    # hourly: expired pro subscriptions into the audit trail (the tier flips without it)
    ScheduledJob(name="subscription-expiries", job="record_subscription_expiries", minute=7),
    # monthly: alert history older than 90 days (a separate job, not in the alert check)
    ScheduledJob(name="prune-alert-history", job="prune_alert_history", minute=40, hour=3, day=1),
    # the hourly pipeline's yield step writes each day's snapshots on its first success; this
    # late run writes them (from the last known figures, marked as fallback) on a day the
    # chain's fetch failed every hour — otherwise it changes nothing
    *(
        ScheduledJob(
            name=f"yield-snapshot-{chain}",
            job="compute_yield",
            minute=50,
            hour=23,
            kwargs={"chain": chain},
        )
        for chain in ("eth", "sol", "atom")
    ),
)
