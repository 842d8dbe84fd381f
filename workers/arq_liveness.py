"""Honest job status on arq: a job whose worker died shows `retrying`, not `running`.

arq marks a started job with an in-progress key that lives `JOB_TIMEOUT_SECONDS + 10`
(310 s) and is deleted when the job ends. A worker killed with `kill -9` never deletes
it, so for 310 s arq alone says `in_progress` and no worker may pick the job up again.

Here every running job also keeps a short-lived heartbeat key (refreshed every
`HEARTBEAT_EVERY_SECONDS`, expiring after `HEARTBEAT_TTL_SECONDS`):

- in progress with a live heartbeat (or started within the heartbeat TTL) → `running`;
- in progress without one → `retrying` (its worker is gone; it runs again);
- queued or deferred after an attempt started (arq's retry counter exists) → `retrying`.

And a worker starting up frees the in-progress mark of every queued job whose heartbeat
is gone, so the interrupted job runs again at once instead of after 310 s.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, retry_key_prefix
from arq.jobs import JobStatus as ArqStatus

from domain.ports import JobStatus
from infrastructure.logging import get_logger
from services import cache_keys

log = get_logger(__name__)

JOB_TIMEOUT_SECONDS = 300  # arq's job_timeout (the worker sets it explicitly)
IN_PROGRESS_MS = (JOB_TIMEOUT_SECONDS + 10) * 1000  # arq: in_progress_timeout_s
HEARTBEAT_PREFIX = cache_keys.JOB_ALIVE_PREFIX  # the keys: cache_keys.job_alive(job_id)
HEARTBEAT_TTL_SECONDS = 30
HEARTBEAT_EVERY_SECONDS = 5


@contextlib.asynccontextmanager
async def job_heartbeat(redis: ArqRedis, job_id: str) -> AsyncIterator[None]:
    """Keep the job's heartbeat key alive while the block runs."""
    key = cache_keys.job_alive(job_id)

    async def beat() -> None:
        while True:
            try:
                await redis.set(key, b"1", ex=HEARTBEAT_TTL_SECONDS)
            except Exception as exc:  # an outage: arq's own loop will notice and restart
                log.warning("job_heartbeat_failed", job_id=job_id, error=type(exc).__name__)
            await asyncio.sleep(HEARTBEAT_EVERY_SECONDS)

    await redis.set(key, b"1", ex=HEARTBEAT_TTL_SECONDS)
    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _started_ago_ms(redis: ArqRedis, job_id: str) -> int:
    ttl = await redis.pttl(in_progress_key_prefix + job_id)
    return IN_PROGRESS_MS - ttl if ttl > 0 else IN_PROGRESS_MS


async def _orphaned(redis: ArqRedis, job_id: str) -> bool:
    """In progress, but no worker has shown it is alive within the heartbeat TTL."""
    if await redis.exists(cache_keys.job_alive(job_id)):
        return False
    return await _started_ago_ms(redis, job_id) > HEARTBEAT_TTL_SECONDS * 1000


async def honest_status(redis: ArqRedis, job_id: str, status: ArqStatus) -> JobStatus | None:
    """Our status for arq's, or None to keep the plain mapping."""
    if status is ArqStatus.in_progress:
        return JobStatus.RETRYING if await _orphaned(redis, job_id) else JobStatus.RUNNING
    if status in (ArqStatus.queued, ArqStatus.deferred) and await redis.exists(
        retry_key_prefix + job_id
    ):
        return JobStatus.RETRYING
    return None


async def release_orphaned_jobs(redis: ArqRedis, queue_name: str) -> list[str]:
    """At worker start-up: queued jobs marked in progress by a dead worker run again now."""
    released = []
    for raw in await redis.zrange(queue_name, 0, -1):
        job_id = raw.decode() if isinstance(raw, bytes) else str(raw)
        key = in_progress_key_prefix + job_id
        if await redis.exists(key) and await _orphaned(redis, job_id):
            await redis.delete(key)
            released.append(job_id)
            log.warning("job_interrupted_released", job_id=job_id, retry="now")
    return released
