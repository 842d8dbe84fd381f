"""Readiness use cases: record each pipeline run's outcome per chain, and read every
chain's readiness (domain/readiness.py) in one query for `/api/ready`.

Called by: workers/jobs/pipeline.py (record_pipeline_run, after each run of a chain's
pipeline, success or failure) and api/routers/health.py (chain_readiness).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.models import Chain
from domain.readiness import PIPELINE_STEP, ChainReadiness, readiness_by_chain
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger, redact

log = get_logger(__name__)
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]


async def record_pipeline_run(
    uow: UnitOfWorkFactory, chain: Chain, at: datetime, error: BaseException | None = None
) -> None:
    """The run of `chain`'s pipeline started at `at` succeeded (no `error`) or failed.
    The stored failure is "<ErrorClass>: <message>", addresses redacted; readiness only
    ever shows its class as a code. Never raises: a run's outcome must not be replaced
    by a failure to record it (the database may be what failed)."""
    text = None if error is None else redact(f"{type(error).__name__}: {error}")
    try:
        async with uow() as work:
            await work.chain_data.record_sync(chain, PIPELINE_STEP, at, error=text)
            await work.commit()
    except Exception as exc:
        log.warning("pipeline_run_not_recorded", chain=chain.value, error=type(exc).__name__)


async def chain_readiness(
    uow: UnitOfWorkFactory, now: datetime, started_at: datetime
) -> list[ChainReadiness]:
    """Every chain's readiness from its last pipeline runs (one query)."""
    async with uow() as work:
        runs = await work.chain_data.sync_by_chain(PIPELINE_STEP)
    return readiness_by_chain(runs, now, started_at)
