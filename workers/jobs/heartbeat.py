"""Job-runner heartbeat: proves the runner (arq worker or in-process) is alive.

Written every minute to the shared cache; `/api/ready` reports it as `jobs`.
"""

from __future__ import annotations

from services import cache_keys
from workers.context import JobDeps

HEARTBEAT_KEY = cache_keys.JOBS_HEARTBEAT  # the name is built in services/cache_keys.py
HEARTBEAT_TTL_SECONDS = 180  # three missed beats and the runner counts as stale


async def heartbeat(deps: JobDeps) -> str:
    beat = deps.clock().isoformat()
    await deps.cache.set(cache_keys.JOBS_HEARTBEAT, beat.encode(), HEARTBEAT_TTL_SECONDS)
    return beat
