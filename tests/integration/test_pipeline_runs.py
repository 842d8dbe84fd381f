"""Each run of a chain's pipeline records its outcome (the `pipeline` step of
chain_sync), which `/api/ready` reads: a success, a failure with its class (the stored
text redacted), nothing for a cancelled run; recording never replaces the run's own
outcome, even with the database gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ChainUnavailable
from domain.models import Chain
from domain.readiness import PIPELINE_STEP, ChainStatus
from infrastructure.chains.cosmos.adapter import CosmosAdapter
from infrastructure.chains.http import ChainHttp
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.models import ChainSyncRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import readiness
from workers.context import JobDeps
from workers.jobs.pipeline import run_pipeline


async def pipeline_row(resources: Resources, chain: Chain) -> ChainSyncRow | None:
    async with resources.session_factory() as session:
        return await session.get(ChainSyncRow, (chain.value, PIPELINE_STEP))


async def test_a_run_records_its_success_then_its_failure(resources: Resources) -> None:
    started = datetime.now(UTC)
    first = started.replace(microsecond=0)
    deps = replace(JobDeps.from_resources(resources), clock=lambda: first)
    await run_pipeline(deps, "atom")
    row = await pipeline_row(resources, Chain.ATOM)
    assert row is not None and row.last_success_at == first
    # an earlier failure (another test's, on a shared database, maybe within this very
    # second) stays on record: it happened before this run started
    assert row.last_error_at is None or row.last_error_at < started

    async def no_wait(_: float) -> None:
        pass

    dead = ChainHttp("cosmos-lcd", ["http://127.0.0.1:1"], attempts=1, sleep=no_wait, timeout=2)
    resources.chains().adapters[Chain.ATOM] = CosmosAdapter(dead)
    second = first + timedelta(minutes=5)
    with pytest.raises(ChainUnavailable):
        await run_pipeline(replace(deps, clock=lambda: second), "atom")
    await dead.aclose()
    row = await pipeline_row(resources, Chain.ATOM)
    assert row is not None and row.last_success_at == first  # the last success stands
    assert row.last_error_at == second == row.last_attempt_at
    assert (row.last_error or "").startswith("ChainUnavailable: ")

    chains = await readiness.chain_readiness(
        lambda: SqlUnitOfWork(resources.session_factory), second, first - timedelta(hours=5)
    )
    atom = next(c for c in chains if c.chain is Chain.ATOM)
    assert atom.status is ChainStatus.FAILING and atom.last_success_at == first
    assert atom.error is not None and atom.error.code == "CHAIN_UNAVAILABLE"
    later = await readiness.chain_readiness(
        lambda: SqlUnitOfWork(resources.session_factory),
        first + timedelta(hours=2, minutes=1),
        first - timedelta(hours=5),
    )
    assert {c.chain: c.status for c in later}[Chain.ATOM] is ChainStatus.STALE


async def test_recording_never_raises_without_a_database() -> None:
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    factory = create_session_factory(engine)
    try:
        await readiness.record_pipeline_run(
            lambda: SqlUnitOfWork(factory), Chain.SOL, datetime.now(UTC), RuntimeError("x")
        )
    finally:
        await engine.dispose()
