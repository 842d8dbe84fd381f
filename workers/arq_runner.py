"""`staketrack worker`: the arq worker under a small supervisor.

- Redis outage: arq's worker loop ends on a connection error. The supervisor logs a
  warning, cancels that worker's jobs (arq runs them again), waits with capped
  exponential backoff (full jitter) and starts a fresh worker, for as long as it takes.
  Any other error ends the process (docker-compose's `restart: unless-stopped` brings it
  back).
- SIGTERM/SIGINT: stop picking jobs, give running jobs a short grace period, cancel the
  rest (arq keeps them queued: they run again on the next start), close connections
  under time limits; a watchdog ends the process if all that still overruns 10 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from arq.worker import Worker

from domain.errors import DependencyUnavailable
from infrastructure.logging import configure_logging, get_logger, install_crash_logging
from infrastructure.redis_guard import redis_unavailable
from infrastructure.resources import open_resources
from infrastructure.settings import Settings
from workers.arq_settings import worker_settings
from workers.context import JobFunction
from workers.schedule import ScheduledJob
from workers.shutdown import ExitWatchdog, bounded

log = get_logger("staketrack.worker")


def _transient(error: BaseException | None) -> bool:
    """A Redis outage: raw, behind another error, or as the job queue's
    DependencyUnavailable(redis)."""
    if isinstance(error, DependencyUnavailable):
        return error.dependency == "redis"
    return error is not None and redis_unavailable(error)


SHUTDOWN_GRACE_SECONDS = 3.0  # running jobs may finish within this after SIGTERM
CANCEL_WAIT_SECONDS = 2.0
BACKOFF_INITIAL_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 30.0
HEALTHY_AFTER_SECONDS = 60.0  # a worker that ran this long starts the backoff afresh


def backoff_seconds(failures: int) -> float:
    """Capped exponential backoff with full jitter (failures: 0, 1, 2, ...)."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_INITIAL_SECONDS * 2**failures)
    return random.uniform(ceiling / 2, ceiling)


async def _stop_worker(
    worker: Worker, main: asyncio.Future[Any], grace: float, *, clean: bool = True
) -> None:
    """Stop one arq worker within about grace + CANCEL_WAIT_SECONDS + a few seconds."""
    worker.allow_pick_jobs = False
    if not main.done():
        main.cancel()
        await asyncio.wait({main}, timeout=1.0)
    running = [t for t in worker.tasks.values() if not t.done()]
    if running and grace > 0:
        await asyncio.wait(running, timeout=grace)
    left = {job_id: t for job_id, t in worker.tasks.items() if not t.done()}
    for job_id, task in left.items():
        log.warning("job_cancelled", job_id=job_id, retry="arq runs it again")
        task.cancel()
    if left:
        # arq records the cancellation (the job stays queued, its in-progress mark goes)
        _, stuck = await asyncio.wait(set(left.values()), timeout=CANCEL_WAIT_SECONDS)
        for task in stuck:
            log.error("job_abandoned", job_id=next(j for j, t in left.items() if t is task))
    for task in worker.tasks.values():  # their errors are logged by arq or above
        if task.done() and not task.cancelled():
            task.exception()
    pool = worker._pool  # arq keeps it private; close() would wait on every task unbounded
    if pool is not None:
        if clean:  # Redis is there: take the worker's health key down with it
            await bounded(pool.delete(worker.health_check_key), "worker_health_key", 1.0)
        await bounded(pool.aclose(), "worker_redis_pool", 1.0)
        worker._pool = None


async def supervise(
    settings: Settings,
    functions: Mapping[str, JobFunction],
    schedule: Sequence[ScheduledJob] = (),
    *,
    stop: asyncio.Event | None = None,
    **worker_options: Any,
) -> None:
    """Run arq workers until `stop` is set (or a burst worker finishes)."""
    stop = stop or asyncio.Event()
    resources = open_resources(settings)
    failures = 0
    try:
        while not stop.is_set():
            options = worker_settings(settings, functions, schedule, resources=resources)
            worker = Worker(**{**options, **worker_options}, handle_signals=False)
            started = time.monotonic()
            main = worker.main_task = asyncio.ensure_future(worker.main())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({main, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if stop.is_set() or (main.done() and not main.cancelled() and not main.exception()):
                await _stop_worker(worker, main, SHUTDOWN_GRACE_SECONDS)
                return
            error = main.exception()
            await _stop_worker(worker, main, grace=0, clean=False)
            if not _transient(error):
                assert error is not None
                raise error
            if time.monotonic() - started > HEALTHY_AFTER_SECONDS:
                failures = 0
            delay = backoff_seconds(failures)
            failures += 1
            log.warning(
                "worker_redis_unavailable",
                error=f"{type(error).__name__}: {error}",
                attempt=failures,
                retry_in_s=round(delay, 2),
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    finally:
        await bounded(resources.close(), "resources", 2.0)
        log.info("worker_stopped")


async def _main(settings: Settings) -> None:
    from workers.jobs import JOBS
    from workers.schedule import SCHEDULE

    stop, watchdog = asyncio.Event(), ExitWatchdog()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        log.info("worker_stopping", signal=sig.name)
        watchdog.arm()
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    await supervise(settings, JOBS, SCHEDULE, stop=stop)


LEFTOVER_WAIT_SECONDS = 1.0  # what is still running after worker_stopped gets this long


def run(settings: Settings) -> None:
    configure_logging(settings)
    install_crash_logging()  # a crash's traceback goes through the redacting formatter
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_main(settings))
        left = _finish_leftovers(loop)
    finally:
        asyncio.set_event_loop(None)
    if left:
        # an abandoned job (job_abandoned above; arq runs it again) can still be waiting
        # in a driver's thread, e.g. aiosqlite's non-daemon thread on SQLite's busy
        # timeout: asyncio.run() and the interpreter's exit would join it unbounded.
        # Every clean-up step has run; say what is left and leave without it.
        log.warning("worker_exit_leaving_behind", **left)
        logging.shutdown()  # flush the log handlers: os._exit skips them
        os._exit(0)
    loop.close()


def _finish_leftovers(loop: asyncio.AbstractEventLoop) -> dict[str, int]:
    """Cancel the tasks still pending after the supervisor returned and wait for them a
    bounded time (asyncio.run would wait forever); what is left behind, if anything."""
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.wait(tasks, timeout=LEFTOVER_WAIT_SECONDS))
    stuck_tasks = sum(1 for task in tasks if not task.done())
    # the default executor's threads (DNS lookups …), joined within the same bound
    executor = loop.create_task(loop.shutdown_default_executor())
    loop.run_until_complete(asyncio.wait({executor}, timeout=LEFTOVER_WAIT_SECONDS))
    stuck_threads = sum(
        1
        for thread in threading.enumerate()
        if thread is not threading.main_thread() and thread.is_alive() and not thread.daemon
    )
    if not stuck_tasks and not stuck_threads:
        loop.run_until_complete(loop.shutdown_asyncgens())
        return {}
    return {"tasks": stuck_tasks, "threads": stuck_threads}
