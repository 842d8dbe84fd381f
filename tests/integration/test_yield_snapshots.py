"""The yield step on the demo network, on SQLite and PostgreSQL: one snapshot per active
validator and chain per day however often it runs, last known figures on a day without
a fetch, caches dropped; snapshots immutable; the slashing factor from the VRS slashing
score or, without one, from observations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.real_yield import (
    DEFAULTS,
    NETWORK,
    ChainInputs,
    RealYield,
    ValidatorInputs,
    real_yield,
)
from domain.vrs import FACTORS, Factor, ScoreConfidence, VrsConfig, VrsScore, VrsStatus
from infrastructure.db.engine import create_engine
from infrastructure.db.models import ValidatorRow, YieldSnapshotRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.real_yield import YieldSnapshotRepository
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import cache_keys
from services.real_yield import slashing_factors
from workers.context import JobDeps
from workers.jobs.pipeline import run_pipeline
from workers.jobs.real_yield import compute_yield

SOMEONE = uuid.uuid4()  # a user whose cached yield read the step drops


async def snapshots(resources: Resources, chain: str, day: date) -> list[YieldSnapshotRow]:
    async with resources.session_factory() as session:
        rows = await session.scalars(
            select(YieldSnapshotRow)
            .where(YieldSnapshotRow.chain == chain, YieldSnapshotRow.snapshot_date == day)
            .order_by(YieldSnapshotRow.validator)
        )
        return list(rows)


def values(rows: list[YieldSnapshotRow]) -> dict[str, tuple[object, ...]]:
    return {
        r.validator: (r.real_yield, r.validator_fee, r.commission, r.confidence, r.created_at)
        for r in rows
    }


def test_the_yield_step_is_a_job_and_runs_after_vrs_in_the_pipeline() -> None:
    from workers.jobs import JOBS
    from workers.jobs.pipeline import AFTER_FETCH

    steps = [step for step, _ in AFTER_FETCH]
    assert JOBS["compute_yield"] is compute_yield and dict(AFTER_FETCH)["yield"] is compute_yield
    if "vrs" in steps:  # the VRS step, when there, comes first
        assert steps.index("vrs") < steps.index("yield")


async def test_the_yield_step_snapshots_each_day_once(resources: Resources) -> None:
    clock = resources.chains().clock
    # a day of its own: PostgreSQL keeps what other tests of this session wrote
    start = datetime.now(UTC).replace(hour=9, minute=10, second=0, microsecond=0)
    start -= timedelta(days=9)
    day = start.date()
    deps = JobDeps.from_resources(resources)
    try:
        clock.fixed = start
        result = await run_pipeline(deps, "atom")
        first = await snapshots(resources, "atom", day)
        async with resources.session_factory() as session, session.begin():
            active = await session.scalar(
                select(func.count())
                .select_from(ValidatorRow)
                .where(ValidatorRow.chain == "atom", ValidatorRow.status == "active")
            )
            # a commission raise later that day must not rewrite the day's snapshot
            raised = next(r.validator for r in first if r.validator != NETWORK)
            await session.execute(
                update(ValidatorRow)
                .where(ValidatorRow.chain == "atom", ValidatorRow.address == raised)
                .values(commission=Decimal("0.99"))
            )
        await resources.cache.set(cache_keys.yield_calculation("atom", None), b"stale", 600)
        await resources.cache.set(cache_keys.user_yield(SOMEONE, None), b"stale", 600)
        clock.fixed = start + timedelta(hours=3)
        again = await compute_yield(deps, chain="atom")
        second = await snapshots(resources, "atom", day)

        clock.fixed = start + timedelta(days=1)  # the next day, no fetch (chain down all day)
        next_day = await compute_yield(deps, chain="atom")
        following = await snapshots(resources, "atom", day + timedelta(days=1))
    finally:
        clock.fixed = None

    assert result["yield"]["snapshots"] == len(first) == active + 1 > 100
    assert [r.validator for r in first].count(NETWORK) == 1
    assert all(r.confidence == "exact" for r in first)
    assert (again["computed"], again["snapshots"]) == (len(first), 0)
    assert values(second) == values(first)  # kept as first written, not overwritten
    assert await resources.cache.get(cache_keys.yield_calculation("atom", None)) is None
    assert await resources.cache.get(cache_keys.user_yield(SOMEONE, None)) is None

    assert next_day["snapshots"] == len(following) == len(first)
    network = next(r for r in following if r.validator == NETWORK)
    assert network.confidence == "fallback" and "inflation" in network.fallback_inputs
    assert network.data_fetched_at.date() == day
    raised_row = next(r for r in following if r.validator == raised)
    assert raised_row.commission == Decimal("0.99")  # the new day sees the new commission


async def test_the_network_row_carries_the_stake_weighted_median(resources: Resources) -> None:
    clock = resources.chains().clock
    clock.fixed = datetime.now(UTC).replace(hour=15, minute=10) - timedelta(days=12)
    try:
        await run_pipeline(JobDeps.from_resources(resources), "sol")
        today = clock().date()
    finally:
        clock.fixed = None
    async with resources.session_factory() as session:
        stakes = list(
            await session.execute(
                select(ValidatorRow.commission, ValidatorRow.stake).where(
                    ValidatorRow.chain == "sol",
                    ValidatorRow.status == "active",
                    ValidatorRow.commission.is_not(None),  # as the median counts them
                )
            )
        )
    rows = await snapshots(resources, "sol", today)
    network = next(r for r in rows if r.validator == NETWORK)
    below = sum(stake for commission, stake in stakes if commission < network.commission)
    at_or_below = sum(stake for commission, stake in stakes if commission <= network.commission)
    total = sum(stake for _, stake in stakes)
    assert 2 * below < total <= 2 * at_or_below
    assert any(r.performance is not None and r.performance < 1 for r in rows)
    assert all(
        r.real_yield == r.nominal_apy - r.inflation_rate - r.validator_fee - r.slashing_risk
        for r in rows
    )


def _result(chain: Chain, validator: str, real: str) -> RealYield:
    inputs = ChainInputs(
        chain=chain,
        nominal=Decimal(real),
        inflation=Decimal(0),
        fetched_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
    )
    return real_yield(inputs, DEFAULTS, ValidatorInputs(validator, Decimal(0)))


async def test_the_repository_only_adds(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert not [
        name
        for name in dir(YieldSnapshotRepository)
        if not name.startswith("__")
        and any(verb in name for verb in ("update", "delete", "remove", "replace", "upsert", "set"))
    ]
    validator, day = f"v-{uuid.uuid4().hex[:12]}", date(2026, 11, 25)
    async with session_factory() as session, session.begin():
        repository = YieldSnapshotRepository(session)
        written = await repository.add([_result(Chain.SOL, validator, "0.07")], day)
        ignored = await repository.add([_result(Chain.SOL, validator, "-0.5")], day)
        kept = await repository.on_day(Chain.SOL, day)
        history = await repository.history(Chain.SOL, validator, day - timedelta(days=7))
    assert (written, ignored) == (1, 0)
    assert kept[validator].real_yield == Decimal("0.07")
    assert [d for d, _ in history] == [day]


@pytest.mark.postgres
async def test_postgres_rejects_update_delete_and_truncate(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    validator = f"v-{uuid.uuid4().hex[:12]}"
    stored = _result(Chain.ATOM, validator, "0.03")
    try:
        async with engine.begin() as connection:
            session = AsyncSession(bind=connection)
            assert await YieldSnapshotRepository(session).add([stored], date(2026, 1, 2)) == 1
        for statement in (
            f"UPDATE yield_snapshots SET real_yield = '9' WHERE validator = '{validator}'",
            f"DELETE FROM yield_snapshots WHERE validator = '{validator}'",
            "DELETE FROM yield_snapshots WHERE false",  # even a statement touching no row
            "TRUNCATE yield_snapshots",
        ):
            with pytest.raises(DBAPIError, match="yield_snapshots is immutable"):
                async with engine.begin() as connection:
                    await connection.execute(text(statement))
        async with engine.connect() as connection:
            kept = await connection.scalar(
                text("SELECT real_yield FROM yield_snapshots WHERE validator = :v"),
                {"v": validator},
            )
        assert Decimal(kept) == stored.real_yield
    finally:
        await engine.dispose()


async def test_slashing_factors_from_the_record_and_observations(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    tag = uuid.uuid4().hex[:8]
    jailed, delinquent, clean, old, slashed, quiet = (
        f"{name}-{tag}" for name in ("jailed", "delinquent", "clean", "old", "slashed", "quiet")
    )

    def sample(validator: str, hours_ago: int, **fields: object) -> Observation:
        values: dict[str, object] = {"status": ValidatorStatus.ACTIVE, "uptime": Decimal(1)}
        values.update(fields)
        return Observation(
            chain=Chain.ATOM,
            validator=validator,
            observed_at=now - timedelta(hours=hours_ago),
            **values,  # type: ignore[arg-type]
        )

    async with SqlUnitOfWork(session_factory) as uow:
        session = uow.session
        repository = ChainDataRepository(session)
        for hour in range(10):
            at = now - timedelta(hours=hour)
            batch = [
                sample(jailed, hour, jailed=True, status=ValidatorStatus.JAILED)
                if hour < 4
                else sample(jailed, hour),
                # offline: delinquent (hours 0-2) or signing nothing (hours 3-5)
                sample(delinquent, hour, status=ValidatorStatus.DELINQUENT, uptime=None)
                if hour < 3
                else sample(delinquent, hour, uptime=Decimal("0.000000") if hour < 6 else None),
                sample(clean, hour),
            ]
            await repository.add_observations(batch, at)
        # an incident older than the 90-day window no longer counts
        await repository.add_observations(
            [sample(old, 24 * 91, jailed=True)], now - timedelta(days=91)
        )
        await repository.add_observations([sample(old, 1)], now - timedelta(hours=1))
        session.add(
            ValidatorRow(
                chain="atom",
                address=slashed,
                status="tombstoned",
                stake=1,
                jailed=True,
                slashed=True,
                identity={},
                fetched_at=now,
            )
        )
        await session.flush()
        factors = await slashing_factors(
            uow,
            Chain.ATOM,
            as_of=now,
            only=[jailed, delinquent, clean, old, slashed, quiet],
            parameters=DEFAULTS,
        )
        await uow.commit()
    assert factors == {
        jailed: Decimal("1.20"),  # 1 + 4 jailed hours × 0.05
        delinquent: Decimal("1.06"),  # 1 + 6 offline hours × 0.01
        clean: Decimal(1),
        old: Decimal(1),
        slashed: Decimal(5),  # 1 + 4 + 0.05, bounded by the maximum
    }  # `quiet`, never observed: absent, i.e. the network base


async def test_a_vrs_slashing_score_decides_the_factor_when_there_is_one(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    tag = uuid.uuid4().hex[:8]
    scored, unscored = f"scored-{tag}", f"unscored-{tag}"

    def score(at: datetime, slashing: int) -> VrsScore:
        return VrsScore(
            chain=Chain.ATOM,
            validator=scored,
            calculated_at=at,
            status=VrsStatus.SCORED,
            total=80,
            scores={**dict.fromkeys(FACTORS, 90), Factor.SLASHING: slashing},
            weights=VrsConfig().weights,
            data_days=40,
            confidence=ScoreConfidence.MEDIUM,
        )

    async with SqlUnitOfWork(session_factory) as uow:
        session = uow.session
        jailed = Observation(
            chain=Chain.ATOM,
            validator=unscored,
            observed_at=now - timedelta(hours=1),
            status=ValidatorStatus.JAILED,
            jailed=True,
        )
        await ChainDataRepository(session).add_observations([jailed], now - timedelta(hours=1))
        # the newest score as of `now` says 50; a later one (after `now`) is not used
        await VrsScoreRepository(session).add(
            [
                score(now - timedelta(hours=2), 50),
                score(now + timedelta(hours=1), 0),
            ]
        )
        factors = await slashing_factors(
            uow, Chain.ATOM, as_of=now, only=[scored, unscored], parameters=DEFAULTS
        )
        await uow.commit()
    assert factors == {
        scored: Decimal(3),  # 1 + (5 − 1) × (100 − 50) / 100
        unscored: Decimal("1.05"),  # no score: its record, one jailed hour
    }
