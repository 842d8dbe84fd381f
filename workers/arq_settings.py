"""Production job runner on arq — the only module that imports arq's worker machinery.

`staketrack worker` runs `worker_settings(...)`; the API enqueues through `ArqJobQueue`.
Both use the job functions and cron table the in-process runner uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from arq import Retry, cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.jobs import Job
from arq.jobs import JobStatus as ArqStatus
from arq.worker import Function, func

from domain.errors import DependencyUnavailable
from domain.ports import JobInfo, JobStatus
from infrastructure.redis_guard import RETRY_AFTER_SECONDS, redis_unavailable
from infrastructure.resources import REDIS_TIMEOUT_SECONDS, Resources, open_resources
from infrastructure.settings import Settings
from services import job_ids
from workers.arq_liveness import (
    JOB_TIMEOUT_SECONDS,
    honest_status,
    job_heartbeat,
    release_orphaned_jobs,
)
from workers.context import RETRY_DELAYS, JobDeps, JobFunction
from workers.failures import record_final_failure
from workers.schedule import ScheduledJob

QUEUE_NAME = "staketrack:queue"

_STATUS = {
    ArqStatus.deferred: JobStatus.QUEUED,
    ArqStatus.queued: JobStatus.QUEUED,
    ArqStatus.in_progress: JobStatus.RUNNING,
    ArqStatus.complete: JobStatus.COMPLETE,
    ArqStatus.not_found: JobStatus.NOT_FOUND,
}


def _arq_function(name: str, function: JobFunction, retry_delays: Sequence[float]) -> Function:
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        deps = replace(
            ctx["deps"],
            job_id=ctx["job_id"],
            attempt=ctx["job_try"],
            queue=ArqJobQueue(ctx["redis"]),
        )
        try:
            async with job_heartbeat(ctx["redis"], ctx["job_id"]):
                return await function(deps, **kwargs)
        except Exception as exc:
            if ctx["job_try"] <= len(retry_delays):
                raise Retry(defer=retry_delays[ctx["job_try"] - 1]) from exc
            await record_final_failure(deps, name, ctx["job_id"], exc, ctx["job_try"])
            raise

    return func(run, name=name, max_tries=len(retry_delays) + 1)


def _cron_job(entry: ScheduledJob, function: JobFunction) -> Any:
    async def tick(ctx: dict[str, Any]) -> Any:
        deps = replace(ctx["deps"], job_id=ctx["job_id"], queue=ArqJobQueue(ctx["redis"]))
        async with job_heartbeat(ctx["redis"], ctx["job_id"]):
            return await function(deps, **entry.kwargs)

    tick.__qualname__ = f"cron.{entry.name}"
    return cron(
        tick,
        name=f"cron:{entry.name}",
        minute=set(entry.minute) if isinstance(entry.minute, frozenset) else entry.minute,
        hour=set(entry.hour) if isinstance(entry.hour, frozenset) else entry.hour,
        day=entry.day,
        unique=True,
        run_at_startup=entry.run_at_startup,
    )


def worker_settings(
    settings: Settings,
    functions: Mapping[str, JobFunction],
    schedule: Sequence[ScheduledJob] = (),
    *,
    retry_delays: Sequence[float] = RETRY_DELAYS,
    burst: bool = False,
    resources: Resources | None = None,
) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker` (and `run_worker`). With `resources`,
    the worker uses (and leaves open) the caller's; without, it opens and closes its own."""
    if not settings.redis_url:
        raise ValueError("the arq worker needs REDIS_URL")

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["resources"] = resources or open_resources(settings)
        ctx["deps"] = JobDeps.from_resources(ctx["resources"])
        await release_orphaned_jobs(ctx["redis"], QUEUE_NAME)
        queue, now = ArqJobQueue(ctx["redis"]), datetime.now(UTC)
        for entry in schedule:
            if entry.run_at_startup and not entry.periodic:  # periodic ones: arq's cron
                await queue.enqueue(entry.job, job_ids.startup_run(entry.name, now), entry.kwargs)

    async def shutdown(ctx: dict[str, Any]) -> None:
        if "resources" in ctx and resources is None:
            await ctx["resources"].close()

    return {
        "functions": [_arq_function(n, f, retry_delays) for n, f in functions.items()],
        "cron_jobs": [_cron_job(e, functions[e.job]) for e in schedule if e.periodic],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": QUEUE_NAME,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "keep_result": settings.job_keep_result_seconds,
        "job_timeout": JOB_TIMEOUT_SECONDS,
        "burst": burst,
        "timezone": UTC,
    }


def run(settings: Settings) -> None:
    """`staketrack worker`: arq under a supervisor (reconnects after a Redis outage,
    exits within 10 s of SIGTERM) — see workers/arq_runner.py."""
    from workers.arq_runner import run as run_supervised

    run_supervised(settings)


class ArqJobQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, redis_url: str) -> ArqJobQueue:
        return cls(
            await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=QUEUE_NAME)
        )

    async def enqueue(self, name: str, job_id: str, kwargs: Mapping[str, Any]) -> bool:
        async with _redis_or_unavailable():
            job = await self._pool.enqueue_job(name, _job_id=job_id, **kwargs)
        return job is not None

    async def info(self, job_id: str) -> JobInfo:
        async with _redis_or_unavailable():
            return await self._info(job_id)

    async def _info(self, job_id: str) -> JobInfo:
        job = Job(job_id, self._pool, _queue_name=QUEUE_NAME)
        arq_status = await job.status()
        status = await honest_status(self._pool, job_id, arq_status) or _STATUS[arq_status]
        if status is not JobStatus.COMPLETE:
            return JobInfo(id=job_id, status=status)
        outcome = await job.result_info()
        if outcome is None:
            return JobInfo(id=job_id, status=status)
        if outcome.success:
            return JobInfo(
                id=job_id, status=status, result=outcome.result, finished_at=outcome.finish_time
            )
        return JobInfo(
            id=job_id,
            status=JobStatus.FAILED,
            error=f"{type(outcome.result).__name__}: {outcome.result}",
            finished_at=outcome.finish_time,
        )

    async def close(self) -> None:
        await self._pool.aclose()


@asynccontextmanager
async def _redis_or_unavailable() -> AsyncIterator[None]:
    """A queue call from a request: bounded by the Redis timeout (arq's pool has no
    socket timeout), and a Redis that cannot be reached is 503 DEPENDENCY_UNAVAILABLE."""
    try:
        async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
            yield
    except Exception as exc:
        if not redis_unavailable(exc):
            raise
        raise DependencyUnavailable(dependency="redis", retry_after=RETRY_AFTER_SECONDS) from exc
