"""The incremental VRS step (issue 18 item 2) on SQLite and PostgreSQL: scores from the
daily rollups plus the samples they do not cover equal the full computation over the
observations, validator by validator (total, every factor, data days, confidence,
status) — on the demo network's seeded history followed by generated hourly samples
(outages, a jailing, a commission raise undone) across two midnights, at moments of
different hours of the day; the rollups are built once, read back, dropped when a
rolled-up day is written into, and pruned with the observations.

Runs on a database of its own (a fresh SQLite copy; on PostgreSQL a database created
and migrated for it, dropped afterwards): the shared test database holds whatever the
run's other tests left — thousands of validators, their observations and scores — and
both computations would read all of it. It also runs at its own past hours (2022)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import VrsScore
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex
from infrastructure.db.models import VrsRollupRow, VrsRollupSpanRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import pipeline
from services.demo_seed import no_progress, seed_demo
from services.ingest import as_hour
from services.vrs import compute_scores
from workers.context import JobDeps

DAYS = 5
NOW = datetime(2022, 5, 10, 12, 30, tzinfo=UTC)
HOURS = 40  # generated hourly samples after the seed: two midnights


def _in_thread(work: object) -> None:
    """Run `work()` on a thread of its own: it may call asyncio.run (Alembic does),
    which must not touch the test session's event loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(work).result()  # type: ignore[arg-type]


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(
        make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The `database_url` of tests/conftest.py, but on PostgreSQL a database of its own."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")  # `resources` copies the file
        return
    shared: str = request.getfixturevalue("postgres_url")
    name = f"vrs_incremental_{uuid.uuid4().hex[:12]}"
    own = make_url(shared).set(database=name).render_as_string(hide_password=False)

    def create() -> None:
        from alembic import command

        from infrastructure.db.migrate import alembic_config

        asyncio.run(_admin(shared, f'CREATE DATABASE "{name}"'))
        command.upgrade(alembic_config(own), "head")

    _in_thread(create)
    try:
        yield own
    finally:
        _in_thread(lambda: asyncio.run(_admin(shared, f'DROP DATABASE "{name}" WITH (FORCE)')))


async def _seed(resources: Resources) -> None:
    deps = JobDeps.from_resources(resources)
    sources = resources.chains()
    index = SqlWithdrawalIndex(resources.engine)

    async def eth_validators() -> list[str]:
        wallets = demo_addresses(Chain.ETH).values()
        return sorted({i for a in wallets for i in await index.indices_for(a)})

    sources.clock.fixed = NOW
    try:
        await seed_demo(
            sources, deps.uow, deps.cache, deps.reads, DAYS, eth_validators, no_progress
        )
    finally:
        sources.clock.fixed = None


def _sample(base: Observation, index: int, k: int, at: datetime) -> Observation:
    """The validator's seeded sample, varied hour by hour (deterministically)."""
    wobble = Decimal((index * 7 + k * 13) % 97) / 10000

    def less(value: Decimal | None) -> Decimal | None:
        return None if value is None else max(Decimal(0), value - wobble)

    o = replace(
        base,
        observed_at=at,
        uptime=less(base.uptime),
        performance=less(base.performance),
        stake=None if base.stake is None else base.stake + k * 1000,
    )
    if index == 0 and 5 <= k < 14:  # a lasting outage across the first midnight
        if base.chain is Chain.SOL:
            o = replace(o, status=ValidatorStatus.DELINQUENT, uptime=Decimal(0))
        elif base.chain is Chain.ATOM:
            o = replace(o, jailed=True, missed_blocks=500)
        else:
            o = replace(o, uptime=Decimal(0))
    if index == 1 and base.commission is not None and 8 <= k < 20:  # a raise, undone
        o = replace(o, commission=base.commission + Decimal("0.05"))
    if index == 2 and k % 5 == 0:
        return replace(o, uptime=None)
    return o


async def _hourly(resources: Resources, chain: Chain, start: datetime) -> None:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        latest = {}
        async for validator, samples in uow.vrs_inputs.observations(
            chain, start - timedelta(days=1), start
        ):
            latest[validator] = samples[-1]
    for k in range(1, HOURS + 1):
        at = start + timedelta(hours=k)
        if k == 17:
            continue  # a missed hour
        async with SqlUnitOfWork(resources.session_factory) as uow:
            samples = [
                _sample(base, i, k, at) for i, (_, base) in enumerate(sorted(latest.items()))
            ]
            await uow.chain_data.add_observations(samples, at)
            await uow.commit()


def _essence(score: VrsScore) -> tuple[Any, ...]:
    return (
        score.status,
        score.total,
        dict(score.scores),
        score.data_days,
        score.confidence,
        score.calculated_at,
    )


async def _scores(resources: Resources, chain: Chain, at: datetime, incremental: bool) -> Any:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        scores = await compute_scores(uow, resources.cache, chain, [at], incremental=incremental)
        await uow.commit()
    return {s.validator: _essence(s) for s in scores}


async def _rollup_rows(resources: Resources, chain: Chain, empty: bool = False) -> int:
    async with resources.session_factory() as session:
        found = await session.scalar(
            select(func.count()).where(
                VrsRollupRow.chain == chain.value,
                VrsRollupRow.validator == "" if empty else True,
                VrsRollupRow.day.between(
                    (NOW - timedelta(days=100)).date(), (NOW + timedelta(days=10)).date()
                ),
            )
        )
        return int(found or 0)


async def _span_sets(resources: Resources, chain: Chain) -> set[tuple[Any, ...]]:
    """The chain's stored span sets: (first day, last day, samples they were built from)."""
    async with resources.session_factory() as session:
        rows = await session.execute(
            select(
                VrsRollupSpanRow.first_day, VrsRollupSpanRow.last_day, VrsRollupSpanRow.set_samples
            )
            .where(VrsRollupSpanRow.chain == chain.value)
            .distinct()
        )
        return {tuple(row) for row in rows}


async def test_incremental_scores_equal_the_full_computation(resources: Resources) -> None:
    await _seed(resources)
    start = as_hour(NOW)
    for chain in Chain:
        await _hourly(resources, chain, start)
    for chain in Chain:
        for k in (2, 12, 27, HOURS):  # moments at different hours (12: midnight, aligned)
            at = start + timedelta(hours=k)
            full = await _scores(resources, chain, at, incremental=False)
            assert full, chain
            built = await _scores(resources, chain, at, incremental=True)  # builds rollups
            assert built == full, (chain, at)
            rows = await _rollup_rows(resources, chain)
            assert rows > 0, chain
            # the horizon's days before the seeded history are marked rolled up (empty):
            # not rolled up again every hour
            assert await _rollup_rows(resources, chain, empty=True) > 0, chain
            spans = await _span_sets(resources, chain)
            assert spans, chain  # the window's whole days merged
            again = await _scores(resources, chain, at, incremental=True)  # reads them
            assert again == full, (chain, at)
            assert await _rollup_rows(resources, chain) == rows
            assert await _span_sets(resources, chain) == spans  # read, not rebuilt
        scored = [v for v in full.values() if v[1] is not None]
        assert scored, chain  # past the pending days: real totals compared

    # a late sample for a rolled-up day: that day's rollups (and later ones) go, and are
    # rebuilt with it
    chain = Chain.SOL
    at = start + timedelta(hours=HOURS)
    before = await _rollup_rows(resources, chain)
    spans = await _span_sets(resources, chain)
    late = start + timedelta(hours=17)  # the missed hour, written late
    async with SqlUnitOfWork(resources.session_factory) as uow:
        latest = {}
        async for validator, samples in uow.vrs_inputs.observations(chain, late, late):
            latest[validator] = samples[-1]
        previous = {}
        async for validator, samples in uow.vrs_inputs.observations(
            chain, late - timedelta(hours=1), late - timedelta(hours=1)
        ):
            previous[validator] = replace(samples[-1], observed_at=late)
        await uow.chain_data.add_observations(list(previous.values()), late)
        await uow.commit()
    assert not latest and previous
    assert await _rollup_rows(resources, chain) < before
    full = await _scores(resources, chain, at, incremental=False)
    assert await _scores(resources, chain, at, incremental=True) == full
    # the span set holding that day was built anew, with the late samples
    (_, last, samples), *_ = spans
    rebuilt = await _span_sets(resources, chain)
    assert len(rebuilt) == 1 and rebuilt != spans
    assert max(s for *_, s in rebuilt) > samples and max(b for _, b, _ in rebuilt) == last

    # pruned with the observations (kept 90 days)
    cutoff = start + timedelta(days=1)
    await pipeline.prune_observations(
        lambda: SqlUnitOfWork(resources.session_factory), cutoff + pipeline.OBSERVATIONS_KEPT
    )
    async with resources.session_factory() as session:
        oldest = await session.scalar(
            select(func.min(VrsRollupRow.day)).where(VrsRollupRow.chain == chain.value)
        )
    assert oldest == cutoff.date()  # the day the cutoff falls in stays: its tail is kept
