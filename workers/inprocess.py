"""Embedded-mode job runner: the same job functions as arq, run as asyncio tasks.

Deduplicates by job id like arq (an id is taken while queued, running, or for
`keep_result_seconds` after it finished), retries with the same backoff, and
runs the cron table with the same ids.

Shutdown is bounded (`close`): running jobs get a short grace period, then they are
cancelled; a cancelled job is marked `retrying` and logged (`job_cancelled`). Nothing
in-process survives the exit: the pipelines run again from the next start-up's
catch-up (a chain not fetched within the hour), the other jobs at their next due time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.ports import JobInfo, JobStatus
from infrastructure.logging import get_logger
from services import job_ids
from workers.context import RETRY_DELAYS, JobDeps, JobFunction
from workers.failures import record_final_failure
from workers.schedule import ScheduledJob

log = get_logger(__name__)


class UnknownJob(LookupError):
    pass


_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)
# seconds running jobs may take to finish after shutdown starts, then after cancellation
SHUTDOWN_GRACE_SECONDS = 3.0
CANCEL_WAIT_SECONDS = 1.5


@dataclass
class _Record:
    status: JobStatus = JobStatus.QUEUED
    result: Any = None
    error: str | None = None
    finished_at: datetime | None = None
    expires_at: float = float("inf")
    name: str = ""


class InProcessJobQueue:
    def __init__(
        self,
        deps: JobDeps,
        functions: Mapping[str, JobFunction],
        *,
        keep_result_seconds: float = 3600,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        max_jobs: int = 10,
    ) -> None:
        self._deps = deps
        self._functions = functions
        self._keep = keep_result_seconds
        self._retry_delays = tuple(retry_delays)
        self._slots = asyncio.Semaphore(max_jobs)
        self._records: dict[str, _Record] = {}
        self._tasks: dict[asyncio.Task[None], str] = {}
        self._closing = False

    async def enqueue(self, name: str, job_id: str, kwargs: Mapping[str, Any]) -> bool:
        if name not in self._functions:
            raise UnknownJob(name)
        self._forget_expired()
        if job_id in self._records or self._closing:
            return False
        record = self._records[job_id] = _Record(name=name)
        task = asyncio.create_task(self._run(name, job_id, dict(kwargs), record))
        self._tasks[task] = job_id
        task.add_done_callback(self._forget_task)
        return True

    def _forget_task(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)

    async def info(self, job_id: str) -> JobInfo:
        self._forget_expired()
        record = self._records.get(job_id)
        if record is None:
            return JobInfo(id=job_id, status=JobStatus.NOT_FOUND)
        return JobInfo(
            id=job_id,
            status=record.status,
            result=record.result,
            error=record.error,
            finished_at=record.finished_at,
        )

    async def drain(self) -> None:
        """Wait until every queued job has finished (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(
        self,
        grace_seconds: float = SHUTDOWN_GRACE_SECONDS,
        cancel_wait_seconds: float = CANCEL_WAIT_SECONDS,
    ) -> None:
        """Bounded shutdown: no new jobs; running ones get `grace_seconds` to finish,
        waiting ones (queued, or between retries) are cancelled at once; then every job
        left is cancelled and marked `retrying`. Returns within about
        grace + cancel_wait seconds even if a job ignores its cancellation."""
        self._closing = True
        waiting = [t for t, jid in self._tasks.items() if self._status(jid) != JobStatus.RUNNING]
        self._cancel(waiting, reason="shutdown")
        running = set(self._tasks)
        if running and grace_seconds > 0:
            await asyncio.wait(running, timeout=grace_seconds)
        left = [t for t in self._tasks if not t.done()]
        self._cancel(left, reason="shutdown_grace_expired")
        if left:
            _, stuck = await asyncio.wait(left, timeout=cancel_wait_seconds)
            for task in stuck:  # it ignored its cancellation: the process exits without it
                log.error("job_abandoned", job_id=self._tasks.get(task, "?"))

    def _status(self, job_id: str) -> JobStatus | None:
        record = self._records.get(job_id)
        return record.status if record else None

    def _cancel(self, tasks: Sequence[asyncio.Task[None]], *, reason: str) -> None:
        for task in tasks:
            job_id = self._tasks.get(task, "?")
            record = self._records.get(job_id)
            if record is not None and record.status in _UNFINISHED:
                record.status = JobStatus.RETRYING
                log.warning(
                    "job_cancelled",
                    job=record.name,
                    job_id=job_id,
                    reason=reason,
                    retry="at the next start-up catch-up or due time",
                )
            task.cancel()

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for job_id in [k for k, r in self._records.items() if r.expires_at <= now]:
            del self._records[job_id]

    async def _run(self, name: str, job_id: str, kwargs: dict[str, Any], record: _Record) -> None:
        function = self._functions[name]
        attempts = len(self._retry_delays) + 1
        async with self._slots:
            for attempt in range(1, attempts + 1):
                record.status = JobStatus.RUNNING
                started = time.perf_counter()
                try:
                    record.result = await function(
                        replace(self._deps, job_id=job_id, attempt=attempt, queue=self), **kwargs
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning(
                        "job_failed",
                        job=name,
                        job_id=job_id,
                        attempt=attempt,
                        error=f"{type(exc).__name__}: {exc}",
                    )
                    if attempt < attempts:
                        record.status = JobStatus.RETRYING
                        await asyncio.sleep(self._retry_delays[attempt - 1])
                        continue
                    record.status = JobStatus.FAILED
                    record.error = f"{type(exc).__name__}: {exc}"
                    await record_final_failure(self._deps, name, job_id, exc, attempt)
                else:
                    record.status = JobStatus.COMPLETE
                    log.info(
                        "job_complete",
                        job=name,
                        job_id=job_id,
                        attempt=attempt,
                        duration_ms=round((time.perf_counter() - started) * 1000, 1),
                    )
                break
        record.finished_at = datetime.now(UTC)
        record.expires_at = time.monotonic() + self._keep


class InProcessScheduler:
    """Runs the cron table in-process: at each due minute, enqueue with the cron run id."""

    def __init__(self, queue: InProcessJobQueue, schedule: Sequence[ScheduledJob]) -> None:
        self._queue = queue
        self._schedule = tuple(schedule)
        self._periodic = tuple(entry for entry in self._schedule if entry.periodic)
        self._task: asyncio.Task[None] | None = None
        self._deferred: asyncio.Task[None] | None = None  # delayed start-up jobs
        self.startup_jobs_enqueued = asyncio.Event()  # set once they are (delay or not)

    async def tick(self, now: datetime) -> list[str]:
        """Enqueue every entry due at `now` (minute resolution); returns the new job ids."""
        started = []
        minute = now.replace(second=0, microsecond=0)
        for entry in self._periodic:
            if entry.next_run(minute - timedelta(seconds=1)) == minute:
                run_id = entry.run_id(minute)
                if await self._queue.enqueue(entry.job, run_id, entry.kwargs):
                    started.append(run_id)
        return started

    async def start(self, startup_delay_seconds: float = 0.0) -> None:
        """Run the start-up jobs and start the cron loop. With a delay, the start-up jobs
        are enqueued that many seconds later, from a task, so that the server answers its
        first requests before their imports and I/O take the event loop (NFR6 cold
        start); the cron loop starts at once either way, so no due minute is missed."""
        if self._task is not None or self._deferred is not None:
            return
        if startup_delay_seconds <= 0:
            await self.run_startup_jobs(datetime.now(UTC))
            self.startup_jobs_enqueued.set()
        else:
            self._deferred = asyncio.create_task(self._startup_later(startup_delay_seconds))
        if self._periodic:
            self._task = asyncio.create_task(self._loop(startup_delay_seconds))

    async def _startup_later(self, delay_seconds: float) -> None:
        await asyncio.sleep(delay_seconds)
        for run_id in await self.run_startup_jobs(datetime.now(UTC)):
            log.info("startup_job_enqueued", job_id=run_id)
        self.startup_jobs_enqueued.set()

    async def run_startup_jobs(self, now: datetime) -> list[str]:
        started = []
        for entry in self._schedule:
            if entry.run_at_startup:
                run_id = job_ids.startup_run(entry.name, now)
                if await self._queue.enqueue(entry.job, run_id, entry.kwargs):
                    started.append(run_id)
        return started

    async def stop(self) -> None:
        for task in (self._deferred, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._deferred = None

    async def _loop(self, hold_seconds: float = 0.0) -> None:
        """`hold_seconds`: the first due minute is computed from the start time but only
        after that wait (the cron arithmetic imports arq, and with it redis: not before
        the server's first answers); a minute that came due meanwhile is ticked at once."""
        first: datetime | None = datetime.now(UTC)
        if hold_seconds > 0:
            await asyncio.sleep(hold_seconds)
        while True:
            now = first or datetime.now(UTC)
            first = None
            due = min(entry.next_run(now) for entry in self._periodic)
            await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
            try:
                for run_id in await self.tick(due):
                    log.info("cron_enqueued", job_id=run_id)
            except Exception:
                log.exception("cron_tick_failed")
