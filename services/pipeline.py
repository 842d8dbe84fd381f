"""Pipeline use cases: start a chain's hourly pipeline (cron tick, start-up catch-up, the
HMAC-signed trigger — one job id per (chain, hour), so the work happens once), trigger a
single step, prune old observations, record a job's final failure.

The pipeline itself (fetch → vrs → yield → later steps) is the job `pipeline`
(workers/jobs/pipeline.py); here it is only started, through the `JobQueue` port.

Called by: workers/jobs/pipeline.py (schedule_pipeline, catch_up, prune_observations),
workers/failures.py (both runners, on a job's final failure) and api/routers/cron.py
(`POST /api/cron/{step}`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from domain.models import Chain
from domain.ports import JobQueue
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger, redact
from services import job_ids

log = get_logger(__name__)
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]

FRESH_FOR = timedelta(hours=1)
OBSERVATIONS_KEPT = timedelta(days=90)


async def start_pipeline(queue: JobQueue, chain: Chain, at: datetime) -> str:
    """This hour's pipeline of `chain` (once: a second start in the hour is a no-op)."""
    ref = job_ids.pipeline(chain.value, at)
    await queue.enqueue(ref.name, ref.id, {"chain": chain.value})
    return ref.id


def trigger_ids(step: str, chains: Sequence[Chain], at: datetime) -> list[job_ids.JobRef]:
    """The jobs a trigger of `step` starts: one per chain, the schedule's ids (`fetch` is
    the whole pipeline)."""
    return [job_ids.trigger(step, chain.value, at) for chain in chains]


async def trigger(queue: JobQueue, step: str, chains: Sequence[Chain], at: datetime) -> list[str]:
    """Start `step` for each of `chains` now (a job already queued, running or recently
    finished under the same id is not started again)."""
    refs = trigger_ids(step, chains, at)
    started: list[str] = []
    for chain, ref in zip(chains, refs, strict=True):
        if ref.id in started:  # a step for all chains at once: one job
            continue
        await queue.enqueue(ref.name, ref.id, {"chain": chain.value})
        started.append(ref.id)
    return started


async def catch_up(uow: UnitOfWorkFactory, queue: JobQueue, now: datetime) -> list[str]:
    """At start-up: a chain never fetched, or not within the last hour, starts now."""
    async with uow() as work:
        synced = await work.chain_data.sync_by_chain("positions")
        last_success = {chain: sync.last_success_at for chain, sync in synced.items()}
    started = []
    for chain in Chain:
        last = last_success.get(chain.value)
        if last is None or now - last > FRESH_FOR:
            started.append(await start_pipeline(queue, chain, now))
    if started:
        log.info("catch_up", started=started)
    return started


async def prune_observations(uow: UnitOfWorkFactory, now: datetime) -> int:
    """Observations feed the risk score for 90 days, then go."""
    async with uow() as work:
        pruned = await work.ingest.prune_observations(now - OBSERVATIONS_KEPT)
        await work.commit()
    return pruned


async def record_job_failure(
    uow: UnitOfWorkFactory, job: str, job_id: str, error: BaseException, attempts: int
) -> None:
    """A job's final failure (after all retries) goes to the error log for the operator.
    Never raises: the log line is the record of last resort."""
    message = redact(f"{type(error).__name__}: {error}")
    log.error("job_failed_finally", job=job, job_id=job_id, attempts=attempts, error=message)
    try:
        async with uow() as work:
            await work.error_log.add(
                f"job:{job}", message, {"jobId": redact(job_id), "attempts": attempts}
            )
            await work.commit()
    except Exception:
        log.exception("error_log_write_failed", job=job)
