"""The hourly pipeline on the demo network: history over hours, one run per
(chain, hour) however often triggered, catch-up at start, safe re-runs, failures
recorded for the operator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from domain.models import Chain
from domain.ports import JobStatus
from infrastructure.chains.http import ChainHttp
from infrastructure.db.models import (
    ChainSyncRow,
    ErrorLogRow,
    StakingPositionRow,
    ValidatorObservationRow,
)
from infrastructure.resources import Resources
from tests.readiness import eventually
from workers.context import JobDeps
from workers.inprocess import InProcessJobQueue
from workers.jobs import JOBS
from workers.jobs.pipeline import catch_up, run_pipeline, schedule_pipeline


async def scalar(resources: Resources, query: Any) -> Any:
    async with resources.session_factory() as session:
        return await session.scalar(query)


def hours_observed(chain: str) -> Any:
    return select(func.count(func.distinct(ValidatorObservationRow.observed_at))).where(
        ValidatorObservationRow.chain == chain
    )


async def test_two_consecutive_hours_build_history(resources: Resources) -> None:
    clock = resources.chains().clock
    start = datetime.now(UTC).replace(minute=10, second=0, microsecond=0) - timedelta(hours=30)
    deps = JobDeps.from_resources(resources)
    before = await scalar(resources, hours_observed("sol"))
    for hour in (0, 1):
        clock.fixed = start + timedelta(hours=hour)
        await run_pipeline(deps, "sol")
    clock.fixed = None
    assert await scalar(resources, hours_observed("sol")) == before + 2


async def test_duplicate_triggers_run_the_pipeline_once(resources: Resources) -> None:
    calls: list[str] = []

    async def counting_pipeline(deps: JobDeps, chain: str) -> dict[str, Any]:
        calls.append(chain)
        return await run_pipeline(deps, chain)

    queue = InProcessJobQueue(
        JobDeps.from_resources(resources), {**JOBS, "pipeline": counting_pipeline}
    )
    deps = JobDeps.from_resources(resources, queue=queue)
    first = await schedule_pipeline(deps, "atom")
    second = await schedule_pipeline(deps, "atom")  # the cron tick and a manual trigger
    await queue.drain()
    third = await schedule_pipeline(deps, "atom")  # later in the same hour
    await queue.drain()
    assert first == second == third
    assert calls == ["atom"]
    assert (await queue.info(first)).status is JobStatus.COMPLETE


async def test_catch_up_starts_only_chains_that_are_not_fresh(resources: Resources) -> None:
    queue = InProcessJobQueue(JobDeps.from_resources(resources), JOBS)
    deps = JobDeps.from_resources(resources, queue=queue)
    await run_pipeline(deps, "sol")  # fresh now
    async with resources.session_factory() as session:
        fresh = {
            row.chain
            for row in await session.scalars(
                select(ChainSyncRow).where(
                    ChainSyncRow.step == "positions",
                    ChainSyncRow.last_success_at > datetime.now(UTC) - timedelta(hours=1),
                )
            )
        }
    started = await catch_up(deps)
    await queue.close()
    assert "sol" in fresh
    assert {jid.split(":")[1] for jid in started} == {"eth", "sol", "atom"} - fresh


async def test_a_run_killed_midway_then_rerun_leaves_no_duplicates(resources: Resources) -> None:
    deps = JobDeps.from_resources(resources)
    began = datetime.now(UTC)
    task = asyncio.create_task(run_pipeline(deps, "sol"))

    async def midway() -> bool:  # the validators are stored, the positions are next
        validators_done = select(ChainSyncRow).where(
            ChainSyncRow.chain == "sol",
            ChainSyncRow.step == "validators",
            ChainSyncRow.last_success_at >= began,
        )
        return task.done() or await scalar(resources, validators_done) is not None

    await eventually(midway, "the ingest midway", interval=0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await run_pipeline(deps, "sol")
    await run_pipeline(deps, "sol")
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    per_validator = await scalar(
        resources,
        select(func.count())
        .select_from(ValidatorObservationRow)
        .where(ValidatorObservationRow.chain == "sol", ValidatorObservationRow.observed_at == hour),
    )
    distinct = await scalar(
        resources,
        select(func.count(func.distinct(ValidatorObservationRow.validator))).where(
            ValidatorObservationRow.chain == "sol", ValidatorObservationRow.observed_at == hour
        ),
    )
    positions = await scalar(
        resources,
        select(func.count())
        .select_from(StakingPositionRow)
        .where(StakingPositionRow.chain == "sol"),
    )
    keys = await scalar(
        resources,
        select(func.count(func.distinct(StakingPositionRow.key))).where(
            StakingPositionRow.chain == "sol"
        ),
    )
    assert per_validator == distinct > 0
    assert positions == keys > 0


async def test_a_final_failure_is_recorded_for_the_operator(resources: Resources) -> None:
    from infrastructure.chains.cosmos.adapter import CosmosAdapter

    async def no_wait(_: float) -> None:
        pass

    dead = ChainHttp("cosmos-lcd", ["http://127.0.0.1:1"], attempts=1, sleep=no_wait, timeout=2)
    resources.chains().adapters[Chain.ATOM] = CosmosAdapter(dead)
    queue = InProcessJobQueue(JobDeps.from_resources(resources), JOBS, retry_delays=(0.01,))
    await queue.enqueue("pipeline", "pipeline:atom:test", {"chain": "atom"})
    await queue.drain()
    await dead.aclose()
    async with resources.session_factory() as session:
        rows = list(
            await session.scalars(select(ErrorLogRow).where(ErrorLogRow.source == "job:pipeline"))
        )
    assert (await queue.info("pipeline:atom:test")).status is JobStatus.FAILED
    assert rows and "ChainUnavailable" in rows[-1].message
    assert rows[-1].details["attempts"] == 2
