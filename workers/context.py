"""What a job receives: narrow dependencies (a unit of work factory, the chain sources,
the cache and its read invalidation, the queue, the clock), and the job function type.

Job functions call services (services/ingest.py, services/pipeline.py, ...) with these;
they never see the process's whole resources bag, an engine or a session factory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.email import EmailSender
from domain.ports import Cache, JobQueue, KeyStore, ReadInvalidation
from infrastructure.chains.factory import ChainSources
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from infrastructure.settings import Settings
from services.ingest import Ingest


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class JobDeps:
    uow: Callable[[], SqlUnitOfWork]  # a fresh unit of work per call
    chains: Callable[[], ChainSources]  # adapters, prices and the data clock (built lazily)
    cache: Cache  # shared entries of the jobs themselves (heartbeat, VRS context memo)
    reads: ReadInvalidation  # drops cached API reads after a write (services/cache_keys)
    clock: Callable[[], datetime] = utcnow  # wall clock: job ids, catch-up, pruning
    job_id: str = ""
    attempt: int = 1
    queue: JobQueue | None = None  # to enqueue follow-up jobs (same runner)
    email: EmailSender | None = None  # alert delivery (workers/jobs/alert_delivery.py)
    settings: Settings | None = None  # alert delivery: origins, signing key, webhook rules
    keystore: KeyStore | None = None  # alert delivery: one drain at a time

    @classmethod
    def from_resources(cls, resources: Resources, queue: JobQueue | None = None) -> JobDeps:
        """The one place a process's resources are narrowed down for its jobs."""
        return cls(
            uow=lambda: SqlUnitOfWork(resources.session_factory),
            chains=resources.chains,
            cache=resources.cache,
            reads=resources.reads,
            queue=queue,
            email=resources.email,
            settings=resources.settings,
            keystore=resources.keystore,
        )

    def ingest(self) -> Ingest:
        return Ingest(self.chains(), self.uow, self.reads)


JobFunction = Callable[..., Awaitable[Any]]

# Delays between attempts (seconds); a job runs at most len(RETRY_DELAYS) + 1 times.
RETRY_DELAYS: tuple[float, ...] = (10.0, 60.0, 300.0)
