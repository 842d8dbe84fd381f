"""Job-runner heartbeat: proves the runner (arq worker or in-process) is alive.

Written every minute to the shared cache; `/api/ready` reports it as `jobs`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from workers.context import JobDeps

HEARTBEAT_KEY = "staketrack:jobs:heartbeat"
HEARTBEAT_TTL_SECONDS = 180  # three missed beats and the runner counts as stale


async def heartbeat(deps: JobDeps) -> str:
    beat = datetime.now(UTC).isoformat()
    await deps.resources.cache.set(HEARTBEAT_KEY, beat.encode(), HEARTBEAT_TTL_SECONDS)
    return beat
