"""The hourly pipeline of one chain: fetch, then the steps that build on fresh data
(VRS, yield, alerts register themselves in AFTER_FETCH), each only after the previous
one succeeded. One job per (chain, hour) (`services/job_ids.pipeline`): the cron tick, the
start-up catch-up and the HMAC-signed `fetch` trigger all enqueue the same id, so the
work happens once."""

from __future__ import annotations

from typing import Any

from domain.models import Chain
from domain.ports import JobQueue
from services import pipeline, readiness
from workers.context import JobDeps, JobFunction
from workers.jobs.alerts import check_alerts
from workers.jobs.fetch import fetch_chain
from workers.jobs.real_yield import compute_yield
from workers.jobs.vrs import compute_vrs

# (step name, fn(deps, chain=...)) run in order after a successful fetch; the VRS step
# goes before yield (the yield's slashing factor is to come from the VRS score); alerts
# last, on the fresh scores (story 5.4: fetch → vrs → yield → check alerts)
AFTER_FETCH: list[tuple[str, JobFunction]] = [
    ("vrs", compute_vrs),
    ("yield", compute_yield),
    ("alerts", check_alerts),
]


async def run_pipeline(deps: JobDeps, chain: str) -> dict[str, Any]:
    """The steps in order; the run's outcome is recorded for `/api/ready`."""
    which, started = Chain(chain), deps.clock()
    try:
        results: dict[str, Any] = {"fetch": await fetch_chain(deps, chain)}
        for step, function in AFTER_FETCH:
            results[step] = await function(deps, chain=chain)
    except Exception as exc:
        await readiness.record_pipeline_run(deps.uow, which, started, exc)
        raise
    await readiness.record_pipeline_run(deps.uow, which, started)
    return results


def _queue(deps: JobDeps) -> JobQueue:
    assert deps.queue is not None, "pipeline triggers run inside a job runner"
    return deps.queue


async def schedule_pipeline(deps: JobDeps, chain: str) -> str:
    """The cron tick: start this hour's pipeline for `chain` (once)."""
    return await pipeline.start_pipeline(_queue(deps), Chain(chain), deps.clock())


async def catch_up(deps: JobDeps) -> list[str]:
    """At start-up: a chain never fetched, or not within the last hour, starts now."""
    return await pipeline.catch_up(deps.uow, _queue(deps), deps.clock())


async def prune_observations(deps: JobDeps) -> int:
    """Observations feed the risk score for 90 days, then go."""
    return await pipeline.prune_observations(deps.uow, deps.clock())
