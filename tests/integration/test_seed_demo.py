"""The demo seed (services/demo_seed.py) on SQLite and PostgreSQL: every day's history
stored, the scores it stores equal to what the pipeline's VRS step computes for the same
hour, and the seed marker that keeps the pipeline from scoring a half-seeded history.

The seeds run at their own past hours on the demo network's clock (years before the
tests that work at the real time, and before the far-future ones), so the shared
PostgreSQL database's rows from other tests never fall inside their 90-day horizon, and
theirs are always newer than the seeds' ("latest" reads)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from domain.models import Chain
from domain.vrs import VrsScore, score_validator
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex
from infrastructure.db.models import (
    ChainMetricsRow,
    PriceCloseRow,
    RewardEventRow,
    ValidatorObservationRow,
    VrsScoreRow,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import seed_lock
from services.demo_seed import SeedProgress, SeedReport, no_progress, seed_demo
from services.ingest import Ingest, as_hour
from workers.context import JobDeps
from workers.jobs.vrs import compute_vrs

DAYS = 6


async def _seed(
    resources: Resources, at: datetime, progress: SeedProgress = no_progress
) -> SeedReport:
    deps = JobDeps.from_resources(resources)
    sources = resources.chains()
    index = SqlWithdrawalIndex(resources.engine)

    async def eth_validators() -> list[str]:
        wallets = demo_addresses(Chain.ETH).values()
        return sorted({i for a in wallets for i in await index.indices_for(a)})

    sources.clock.fixed = at  # the seed's "now"
    try:
        return await seed_demo(
            sources, deps.uow, deps.cache, deps.reads, DAYS, eth_validators, progress
        )
    finally:
        sources.clock.fixed = None


async def _rows(resources: Resources, query: Any) -> list[Any]:
    async with resources.session_factory() as session:
        return list(await session.execute(query))


def _essence(score: VrsScore) -> tuple[Any, ...]:
    return (score.status, score.total, dict(score.scores), score.data_days, score.confidence)


async def _pipeline_scores(resources: Resources, chain: Chain, hour: datetime) -> dict[str, Any]:
    """What the pipeline's step computes as of `hour` alone (one moment, no memo)."""
    async with SqlUnitOfWork(resources.session_factory) as uow:
        config = await uow.vrs_config.get()
        since = hour - timedelta(days=config.horizon_days)
        context = await uow.vrs_inputs.context(chain, since, hour, {})
        found = {}
        async for validator, observations in uow.vrs_inputs.observations(chain, since, hour):
            score = score_validator(chain, validator, observations, context, config, hour)
            if score.data_days:
                found[validator] = _essence(score)
        return found


async def test_the_seed_stores_every_day_and_scores_as_the_pipeline_would(
    resources: Resources,
) -> None:
    now = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    async with SqlUnitOfWork(resources.session_factory) as uow:  # a wallet no node can read
        user = await uow.users.create()
        await uow.wallets.link(user.id, Chain.ATOM, f"cosmos1unreadable{uuid.uuid4().hex}")
        await uow.commit()
    report = await _seed(resources, now)
    first, last = as_hour(now - timedelta(days=DAYS)), as_hour(now)
    for chain in Chain:
        per_hour = dict(
            await _rows(
                resources,
                select(ValidatorObservationRow.observed_at, func.count())
                .where(
                    ValidatorObservationRow.chain == chain.value,
                    ValidatorObservationRow.observed_at.between(first, last),
                )
                .group_by(ValidatorObservationRow.observed_at),
            )
        )
        assert len(per_hour) == DAYS + 1, chain  # one sample a day, today included
        assert sum(per_hour.values()) == report.observations[chain] > 0
        assert len(set(per_hour.values())) == 1, chain  # the same validators every day
        metrics = await _rows(
            resources,
            select(func.count()).where(
                ChainMetricsRow.chain == chain.value,
                ChainMetricsRow.observed_at.between(first, last),
            ),
        )
        assert metrics[0][0] == DAYS + 1
        hours = await _rows(
            resources,
            select(func.count(func.distinct(VrsScoreRow.calculated_at))).where(
                VrsScoreRow.chain == chain.value,
                VrsScoreRow.calculated_at.between(first, last),
            ),
        )
        assert hours[0][0] == DAYS + 1  # a score as of every seeded day

        hour = as_hour(now)
        async with SqlUnitOfWork(resources.session_factory) as uow:
            stored = await uow.vrs_scores.latest_scores(chain, as_of=hour)
        expected = await _pipeline_scores(resources, chain, hour)
        assert expected and {v: _essence(s) for v, s in stored.items()} == expected
        assert max(s.data_days for s in stored.values()) == DAYS + 1
    assert report.scores > 0 and report.score_days == DAYS + 1
    # the linked demo wallets' rewards over the seeded days, on every chain, and the
    # daily closes that value them
    events = dict(
        await _rows(
            resources,
            select(RewardEventRow.chain, func.count())
            .where(RewardEventRow.occurred_at.between(first, now))
            .group_by(RewardEventRow.chain),
        )
    )
    assert set(events) == {"eth", "sol", "atom"} and report.rewards >= sum(events.values())
    closes = await _rows(
        resources,
        select(func.count()).where(PriceCloseRow.day.between(first.date(), now.date())),
    )
    assert closes[0][0] >= 3 * (DAYS + 1)  # a close a day per chain (in USD at least)


async def test_the_pipeline_scores_nothing_while_a_seed_writes_history(
    resources: Resources,
) -> None:
    """The pipeline's VRS step starts mid-seed (one chain's history stored, two not yet)
    for every chain: no score from part of the history is stored; the current scores are
    the seed's, from the whole history."""
    now = datetime(2024, 9, 1, 12, 30, tzinfo=UTC)
    deps = JobDeps.from_resources(resources)
    started: list[asyncio.Task[dict[str, int]]] = []
    moment = as_hour(now).isoformat()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "store" and done == 1 and not started:
            for chain in Chain:
                step = compute_vrs(deps, chain=chain.value, at=moment)
                started.append(asyncio.get_running_loop().create_task(step))

    await _seed(resources, now, progress)
    runs = await asyncio.gather(*started)

    # the steps that ran mid-seed scored nothing; one that got to run only after the
    # seed ended found the hour scored already — from the whole history
    deferred = [run for run in runs if run == {"scored": 0, "pending": 0, "inserted": 0}]
    assert len(runs) == 3 and deferred and all(run["inserted"] == 0 for run in runs)
    hour = as_hour(now)
    for chain in Chain:
        async with SqlUnitOfWork(resources.session_factory) as uow:
            stored = await uow.vrs_scores.latest_scores(chain, as_of=hour)
        assert all(s.calculated_at == hour for s in stored.values())
        expected = await _pipeline_scores(resources, chain, hour)
        assert {v: _essence(s) for v, s in stored.items()} == expected
        assert max(s.data_days for s in stored.values()) == DAYS + 1


async def test_the_marker_defers_the_step_until_the_seed_ends_or_goes_stale(
    resources: Resources,
) -> None:
    deps = JobDeps.from_resources(resources)
    await Ingest(resources.chains(), deps.uow).run(Chain.ATOM)  # observations to score
    wall = datetime.now(UTC)
    hours = iter(as_hour(wall) + timedelta(hours=h) for h in (1, 2, 3))

    async def step() -> dict[str, int]:
        return await compute_vrs(deps, chain="atom", at=next(hours).isoformat())

    await seed_lock.begin(deps.uow, [Chain.ATOM], wall)
    try:
        assert await seed_lock.running(deps.uow, Chain.ATOM)
        assert not await seed_lock.running(deps.uow, Chain.SOL)  # per chain
        deferred = await step()
    finally:
        await seed_lock.end(deps.uow, [Chain.ATOM], datetime.now(UTC))
    ended = await step()
    # a seed killed outright: its mark, never ended, stops holding once it is stale
    await seed_lock.begin(deps.uow, [Chain.ATOM], wall - seed_lock.SEED_STALE_AFTER)
    stale = await step()
    await seed_lock.end(deps.uow, [Chain.ATOM], datetime.now(UTC))

    assert deferred == {"scored": 0, "pending": 0, "inserted": 0}
    assert ended["scored"] + ended["pending"] > 0  # one day of history: pending
    assert stale["scored"] + stale["pending"] > 0
