"""The same job functions through both runners: in-process (embedded) and arq (Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from arq.worker import Worker

from domain.ports import JobStatus
from infrastructure.resources import Resources, open_resources
from infrastructure.settings import Settings
from services.job_ids import Period, job_id
from tests.readiness import eventually
from workers.arq_settings import ArqJobQueue, worker_settings
from workers.context import JobDeps
from workers.inprocess import InProcessJobQueue, InProcessScheduler, UnknownJob
from workers.schedule import ScheduledJob


class Recorder:
    """Job functions that record their calls, as a real job records its work."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, dict[str, Any]]] = []
        self.failures_left = 0

    async def fetch(self, deps: JobDeps, **kwargs: Any) -> dict[str, Any]:
        assert isinstance(deps, JobDeps) and deps.queue is not None  # narrow deps, a queue
        self.calls.append((deps.job_id, deps.attempt, kwargs))
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("beacon node timed out")
        return {"chain": kwargs["chain"], "stored": 3}

    def table(self) -> dict[str, Any]:
        return {"fetch": self.fetch}


HOUR = datetime(2026, 11, 25, 13, 17, tzinfo=UTC)


def test_job_ids_are_deterministic_per_period() -> None:
    assert job_id("fetch", "eth", HOUR) == "fetch:eth:2026-11-25T13"
    assert job_id("fetch", "eth", HOUR.replace(minute=59)) == job_id("fetch", "eth", HOUR)
    assert job_id("fetch", "eth", HOUR.replace(hour=14)) != job_id("fetch", "eth", HOUR)
    assert job_id("metrics", None, HOUR, Period.DAY) == "metrics:all:2026-11-25"
    with pytest.raises(ValueError):
        job_id("fetch", "eth", datetime(2026, 11, 25, 13))


# --- in-process ----------------------------------------------------------------------


@pytest.fixture
async def embedded(make_settings: Any) -> AsyncIterator[Resources]:
    resources = open_resources(make_settings())
    yield resources
    await resources.close()


async def test_inprocess_runs_a_job_once_per_id(embedded: Resources) -> None:
    recorder = Recorder()
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), recorder.table())
    jid = job_id("fetch", "eth", HOUR)
    assert await queue.enqueue("fetch", jid, {"chain": "eth"})
    assert not await queue.enqueue("fetch", jid, {"chain": "eth"})  # queued: duplicate
    await queue.drain()
    assert not await queue.enqueue("fetch", jid, {"chain": "eth"})  # finished: still a duplicate
    await queue.drain()
    assert recorder.calls == [(jid, 1, {"chain": "eth"})]
    info = await queue.info(jid)
    assert info.status is JobStatus.COMPLETE
    assert info.result == {"chain": "eth", "stored": 3}
    assert (await queue.info("fetch:sol:2026-11-25T13")).status is JobStatus.NOT_FOUND


async def test_inprocess_retries_with_backoff_then_succeeds(embedded: Resources) -> None:
    recorder = Recorder()
    recorder.failures_left = 2
    queue = InProcessJobQueue(
        JobDeps.from_resources(embedded), recorder.table(), retry_delays=(0.01, 0.01, 0.01)
    )
    await queue.enqueue("fetch", "fetch:eth:x", {"chain": "eth"})
    await queue.drain()
    assert [attempt for _, attempt, _ in recorder.calls] == [1, 2, 3]
    assert (await queue.info("fetch:eth:x")).status is JobStatus.COMPLETE


async def test_inprocess_records_the_final_failure(embedded: Resources) -> None:
    recorder = Recorder()
    recorder.failures_left = 99
    queue = InProcessJobQueue(
        JobDeps.from_resources(embedded), recorder.table(), retry_delays=(0.01,)
    )
    await queue.enqueue("fetch", "fetch:eth:y", {"chain": "eth"})
    await queue.drain()
    info = await queue.info("fetch:eth:y")
    assert info.status is JobStatus.FAILED
    assert info.error == "ConnectionError: beacon node timed out"
    assert len(recorder.calls) == 2


async def test_inprocess_forgets_results_after_retention(embedded: Resources) -> None:
    recorder = Recorder()
    queue = InProcessJobQueue(
        JobDeps.from_resources(embedded), recorder.table(), keep_result_seconds=0
    )
    await queue.enqueue("fetch", "fetch:eth:z", {"chain": "eth"})
    await queue.drain()
    assert await queue.enqueue("fetch", "fetch:eth:z", {"chain": "eth"})  # may run again
    await queue.drain()
    assert len(recorder.calls) == 2


async def test_inprocess_refuses_unknown_jobs(embedded: Resources) -> None:
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), {})
    with pytest.raises(UnknownJob):
        await queue.enqueue("nope", "nope:1", {})


async def test_scheduler_enqueues_due_entries_once_per_tick(embedded: Resources) -> None:
    recorder = Recorder()
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), recorder.table())
    entry = ScheduledJob(name="fetch-eth", job="fetch", minute=5, kwargs={"chain": "eth"})
    scheduler = InProcessScheduler(queue, [entry])
    due = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    assert await scheduler.tick(due) == ["cron:fetch-eth:2026-11-25T13:05"]
    assert await scheduler.tick(due.replace(second=30)) == []  # same minute: no double run
    assert await scheduler.tick(due.replace(minute=6)) == []  # not due
    await queue.drain()
    assert recorder.calls == [("cron:fetch-eth:2026-11-25T13:05", 1, {"chain": "eth"})]
    assert entry.next_run(due) == datetime(2026, 11, 25, 14, 5, tzinfo=UTC)


async def test_scheduler_start_runs_the_startup_jobs_at_once_without_a_delay(
    embedded: Resources,
) -> None:
    recorder = Recorder()
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), recorder.table())
    entry = ScheduledJob(name="prices", job="fetch", kwargs={"chain": "eth"}, run_at_startup=True)
    scheduler = InProcessScheduler(queue, [entry])
    await scheduler.start()
    assert scheduler.startup_jobs_enqueued.is_set()  # before start() returned
    await queue.drain()
    await scheduler.stop()
    assert [call[0].split(":")[:2] for call in recorder.calls] == [["startup", "prices"]]


async def test_scheduler_start_with_a_delay_enqueues_the_startup_jobs_later(
    embedded: Resources,
) -> None:
    """`staketrack serve` delays them so the server answers first (NFR6): nothing is
    enqueued when start() returns, and the jobs still run once the delay is over."""
    recorder = Recorder()
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), recorder.table())
    entry = ScheduledJob(name="prices", job="fetch", kwargs={"chain": "eth"}, run_at_startup=True)
    scheduler = InProcessScheduler(queue, [entry])
    await scheduler.start(startup_delay_seconds=0.05)
    for _ in range(10):  # the event loop runs other work meanwhile
        await asyncio.sleep(0)
    assert not scheduler.startup_jobs_enqueued.is_set() and recorder.calls == []
    await scheduler.startup_jobs_enqueued.wait()
    await queue.drain()
    await scheduler.stop()
    assert [call[0].split(":")[:2] for call in recorder.calls] == [["startup", "prices"]]


async def test_scheduler_stopped_during_the_delay_never_runs_the_startup_jobs(
    embedded: Resources,
) -> None:
    recorder = Recorder()
    queue = InProcessJobQueue(JobDeps.from_resources(embedded), recorder.table())
    entry = ScheduledJob(name="prices", job="fetch", kwargs={"chain": "eth"}, run_at_startup=True)
    scheduler = InProcessScheduler(queue, [entry])
    await scheduler.start(startup_delay_seconds=3600)
    await scheduler.stop()  # a shutdown within the delay: no job starts after it
    await queue.drain()
    assert not scheduler.startup_jobs_enqueued.is_set() and recorder.calls == []


# --- arq on Redis ------------------------------------------------------------------------


@pytest.fixture
def production_settings(make_settings: Any, redis: Any, redis_url: str) -> Settings:
    settings: Settings = make_settings(redis_url=redis_url)
    return settings


@pytest.fixture
async def arq_queue(production_settings: Settings) -> AsyncIterator[ArqJobQueue]:
    assert production_settings.redis_url
    queue = await ArqJobQueue.connect(production_settings.redis_url)
    yield queue
    await queue.close()


async def _burst(settings: Settings, recorder: Recorder, **kwargs: Any) -> None:
    options = worker_settings(settings, recorder.table(), burst=True, **kwargs)
    worker = Worker(**options, handle_signals=False, poll_delay=0.01)
    try:
        await worker.main()
    finally:
        await worker.close()


@pytest.mark.redis
async def test_arq_runs_the_same_job_once_per_id(
    production_settings: Settings, arq_queue: ArqJobQueue
) -> None:
    recorder = Recorder()
    jid = job_id("fetch", "sol", HOUR)
    assert await arq_queue.enqueue("fetch", jid, {"chain": "sol"})
    assert not await arq_queue.enqueue("fetch", jid, {"chain": "sol"})
    assert (await arq_queue.info(jid)).status is JobStatus.QUEUED
    await _burst(production_settings, recorder)
    assert not await arq_queue.enqueue("fetch", jid, {"chain": "sol"})  # result kept
    await _burst(production_settings, recorder)
    assert recorder.calls == [(jid, 1, {"chain": "sol"})]
    info = await arq_queue.info(jid)
    assert info.status is JobStatus.COMPLETE
    assert info.result == {"chain": "sol", "stored": 3}


@pytest.mark.redis
async def test_arq_retries_then_records_the_final_failure(
    production_settings: Settings, arq_queue: ArqJobQueue
) -> None:
    recorder = Recorder()
    recorder.failures_left = 99
    await arq_queue.enqueue("fetch", "fetch:atom:x", {"chain": "atom"})
    await _burst(production_settings, recorder, retry_delays=(0, 0))
    assert [attempt for _, attempt, _ in recorder.calls] == [1, 2, 3]
    info = await arq_queue.info("fetch:atom:x")
    assert info.status is JobStatus.FAILED
    assert info.error == "ConnectionError: beacon node timed out"


@pytest.mark.redis
def test_arq_cron_table_comes_from_the_shared_schedule(production_settings: Settings) -> None:
    recorder = Recorder()
    entry = ScheduledJob(name="fetch-eth", job="fetch", minute=5, kwargs={"chain": "eth"})
    options = worker_settings(production_settings, recorder.table(), [entry])
    [cron_job] = options["cron_jobs"]
    assert cron_job.name == "cron:fetch-eth"
    assert cron_job.minute == 5 and cron_job.unique


# --- the heartbeat, a real job, through both runners --------------------------------


async def test_heartbeat_through_the_inprocess_runner(embedded: Resources) -> None:
    from workers.jobs import JOBS
    from workers.jobs.heartbeat import HEARTBEAT_KEY
    from workers.schedule import SCHEDULE

    queue = InProcessJobQueue(JobDeps.from_resources(embedded), JOBS)
    scheduler = InProcessScheduler(queue, [e for e in SCHEDULE if e.job == "heartbeat"])
    [run_id] = await scheduler.run_startup_jobs(HOUR)
    assert run_id == "startup:heartbeat:2026-11-25T13:17"
    await queue.drain()
    beat = await embedded.cache.get(HEARTBEAT_KEY)
    assert beat is not None
    assert datetime.fromisoformat(beat.decode()).tzinfo is not None
    assert await scheduler.tick(HOUR.replace(minute=18)) == ["cron:heartbeat:2026-11-25T13:18"]


@pytest.mark.redis
async def test_heartbeat_through_arq_lands_in_redis(
    production_settings: Settings, arq_queue: ArqJobQueue, redis: Any
) -> None:
    from workers.jobs import JOBS
    from workers.jobs.heartbeat import HEARTBEAT_KEY

    assert await arq_queue.enqueue("heartbeat", "heartbeat:manual", {})
    worker = Worker(
        **worker_settings(production_settings, JOBS, burst=True),
        handle_signals=False,
        poll_delay=0.01,
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    assert (await arq_queue.info("heartbeat:manual")).status is JobStatus.COMPLETE
    assert await redis.get(HEARTBEAT_KEY) is not None


# --- bounded shutdown and honest status (issue 10) ---------------------------------------


async def test_inprocess_close_gives_a_grace_period_then_cancels_and_marks_retrying(
    embedded: Resources, logs_stream: Any
) -> None:
    import asyncio

    release, finished = asyncio.Event(), []

    async def hangs(deps: JobDeps) -> None:  # a fetch stuck on an unreachable endpoint
        await asyncio.Event().wait()

    async def quick(deps: JobDeps) -> None:
        await release.wait()  # ends once the shutdown has begun: inside the grace period
        finished.append(deps.job_id)

    queue = InProcessJobQueue(JobDeps.from_resources(embedded), {"hangs": hangs, "quick": quick})
    await queue.enqueue("hangs", "hangs:1", {})
    await queue.enqueue("quick", "quick:1", {})

    async def both_running() -> bool:
        statuses = [(await queue.info(j)).status for j in ("hangs:1", "quick:1")]
        return statuses == [JobStatus.RUNNING] * 2

    await eventually(both_running, "both jobs running")
    # the grace is the behaviour under test; 3 s leave the quick job (one loop turn after
    # the release) room on a busy machine
    closing = asyncio.create_task(queue.close(grace_seconds=3.0, cancel_wait_seconds=1.0))
    await asyncio.sleep(0)  # one loop turn: close() has begun and waits out the grace
    release.set()
    await closing
    assert finished == ["quick:1"]  # the grace period let it finish
    assert (await queue.info("quick:1")).status is JobStatus.COMPLETE
    assert (await queue.info("hangs:1")).status is JobStatus.RETRYING
    assert not await queue.enqueue("quick", "quick:2", {})  # closed: nothing new starts
    assert '"event": "job_cancelled"' in logs_stream.getvalue()


async def test_inprocess_close_abandons_a_job_that_ignores_cancellation(
    embedded: Resources, logs_stream: Any
) -> None:
    import asyncio

    release = asyncio.Event()

    async def stubborn(deps: JobDeps) -> None:
        while True:
            try:
                await release.wait()
                return
            except asyncio.CancelledError:
                continue  # swallows every cancellation (a badly behaved library)

    queue = InProcessJobQueue(JobDeps.from_resources(embedded), {"stubborn": stubborn})
    await queue.enqueue("stubborn", "stubborn:1", {})

    async def running() -> bool:
        return (await queue.info("stubborn:1")).status is JobStatus.RUNNING

    await eventually(running, "the job running")
    await queue.close(grace_seconds=0.1, cancel_wait_seconds=0.1)  # returns regardless
    assert '"event": "job_abandoned"' in logs_stream.getvalue()
    release.set()
    await queue.drain()


@pytest.fixture
def logs_stream(make_settings: Any) -> Any:
    import io
    import logging

    from infrastructure.logging import configure_logging

    stream = io.StringIO()
    configure_logging(make_settings(log_format="json"), stream=stream)
    yield stream
    logging.getLogger().handlers.clear()


@pytest.mark.redis
async def test_arq_status_of_a_job_whose_worker_died_is_retrying(
    production_settings: Settings, arq_queue: ArqJobQueue, redis: Any
) -> None:
    """The state `kill -9` leaves: arq's in-progress mark (310 s) and its try counter,
    but no heartbeat. arq alone says in progress; we say retrying, and the next worker
    frees the job at once and runs it."""
    from workers.arq_liveness import (
        HEARTBEAT_PREFIX,
        HEARTBEAT_TTL_SECONDS,
        IN_PROGRESS_MS,
        release_orphaned_jobs,
    )
    from workers.arq_settings import QUEUE_NAME

    recorder = Recorder()
    jid = "fetch:eth:killed"
    assert await arq_queue.enqueue("fetch", jid, {"chain": "eth"})
    # a worker picked it up just now: running, even before its first heartbeat
    await redis.psetex(f"arq:in-progress:{jid}", IN_PROGRESS_MS, b"1")
    await redis.set(f"arq:retry:{jid}", 1)
    assert (await arq_queue.info(jid)).status is JobStatus.RUNNING
    # ... and beating: still running a minute in
    started_a_minute_ago = IN_PROGRESS_MS - 60_000
    await redis.psetex(f"arq:in-progress:{jid}", started_a_minute_ago, b"1")
    await redis.set(HEARTBEAT_PREFIX + jid, b"1", ex=HEARTBEAT_TTL_SECONDS)
    assert (await arq_queue.info(jid)).status is JobStatus.RUNNING
    # killed: the heartbeat expired, the in-progress mark stays (arq: in_progress)
    await redis.delete(HEARTBEAT_PREFIX + jid)
    assert (await arq_queue.info(jid)).status is JobStatus.RETRYING
    # the next worker frees it and runs it again
    assert await release_orphaned_jobs(redis, QUEUE_NAME) == [jid]
    assert (await arq_queue.info(jid)).status is JobStatus.RETRYING  # queued, tried before
    await _burst(production_settings, recorder)
    assert recorder.calls == [(jid, 2, {"chain": "eth"})]
    assert (await arq_queue.info(jid)).status is JobStatus.COMPLETE


@pytest.mark.redis
async def test_release_leaves_jobs_of_live_workers_alone(
    arq_queue: ArqJobQueue, redis: Any
) -> None:
    from workers.arq_liveness import HEARTBEAT_PREFIX, IN_PROGRESS_MS, release_orphaned_jobs
    from workers.arq_settings import QUEUE_NAME

    for jid in ("fetch:eth:alive", "fetch:eth:just-started"):
        assert await arq_queue.enqueue("fetch", jid, {"chain": "eth"})
    await redis.psetex("arq:in-progress:fetch:eth:alive", IN_PROGRESS_MS - 120_000, b"1")
    await redis.set(HEARTBEAT_PREFIX + "fetch:eth:alive", b"1", ex=30)
    await redis.psetex("arq:in-progress:fetch:eth:just-started", IN_PROGRESS_MS, b"1")
    assert await release_orphaned_jobs(redis, QUEUE_NAME) == []
    marks = ("arq:in-progress:fetch:eth:alive", "arq:in-progress:fetch:eth:just-started")
    assert await redis.exists(*marks) == 2
