"""What a job receives: the process's shared resources, and the job function type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.ports import JobQueue
from infrastructure.resources import Resources


@dataclass(frozen=True)
class JobDeps:
    resources: Resources
    job_id: str = ""
    attempt: int = 1
    queue: JobQueue | None = None  # to enqueue follow-up jobs (same runner)


JobFunction = Callable[..., Awaitable[Any]]

# Delays between attempts (seconds); a job runs at most len(RETRY_DELAYS) + 1 times.
RETRY_DELAYS: tuple[float, ...] = (10.0, 60.0, 300.0)
