"""The VRS step on SQLite and PostgreSQL: the pipeline scores every observed validator,
re-runs add nothing, a score is stored only when it changed or is the day's first,
scores are read back in batches, the config rows drive the score, and stored scores
cannot be changed (PostgreSQL trigger; no such path in the repository).

Each test works at its own far-future hour, so the shared PostgreSQL database's rows from
other tests never fall inside its 90-day horizon."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import Factor, HourStats, ScoreConfidence, VrsConfig, VrsScore, VrsStatus
from infrastructure.cache import vrs_context
from infrastructure.db.models import ValidatorObservationRow, VrsConfigRow, VrsScoreRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.vrs import VrsConfigRepository, VrsScoreRepository
from infrastructure.db.repositories.vrs_inputs import VrsInputs
from infrastructure.resources import Resources
from workers.context import JobDeps
from workers.jobs.pipeline import AFTER_FETCH, run_pipeline
from workers.jobs.vrs import compute_vrs, score_chain


async def scalar(resources: Resources, query: Any) -> Any:
    async with resources.session_factory() as session:
        return await session.scalar(query)


def rows_at(chain: str, hour: datetime) -> Any:
    return (
        select(func.count())
        .select_from(VrsScoreRow)
        .where(VrsScoreRow.chain == chain, VrsScoreRow.calculated_at == hour)
    )


def test_vrs_runs_first_after_the_fetch() -> None:
    assert [step for step, _ in AFTER_FETCH][:2] == ["vrs", "yield"]


async def test_the_pipeline_scores_every_observed_validator_once_per_hour(
    resources: Resources,
) -> None:
    clock = resources.chains().clock
    hour = datetime(2031, 6, 1, 10, tzinfo=UTC)
    clock.fixed = hour + timedelta(minutes=20)
    deps = JobDeps.from_resources(resources)
    try:
        first = await run_pipeline(deps, "atom")
        again = await run_pipeline(deps, "atom")  # a retried or duplicated run
        clock.fixed = hour + timedelta(hours=1, minutes=5)
        later = await run_pipeline(deps, "atom")
        clock.fixed = hour + timedelta(days=1, minutes=5)
        next_day = await run_pipeline(deps, "atom")
    finally:
        clock.fixed = None
    observed = await scalar(
        resources,
        select(func.count(func.distinct(ValidatorObservationRow.validator))).where(
            ValidatorObservationRow.chain == "atom", ValidatorObservationRow.observed_at == hour
        ),
    )
    assert observed > 100
    # one day of history: every validator is pending
    assert first["vrs"] == {"scored": 0, "pending": observed, "inserted": observed}
    assert again["vrs"]["inserted"] == 0
    assert await scalar(resources, rows_at("atom", hour)) == observed
    # an hour later every score is as it was (pending, the same day): no rows ...
    assert later["vrs"]["pending"] == observed and later["vrs"]["inserted"] == 0
    assert await scalar(resources, rows_at("atom", hour + timedelta(hours=1))) == 0
    # ... but every validator gets its row of the next day
    assert next_day["vrs"]["inserted"] >= observed
    assert await scalar(resources, rows_at("atom", hour + timedelta(days=1))) >= observed


def _samples(validator: str, days: int, end: datetime, **fields: Any) -> list[Observation]:
    values: dict[str, Any] = {
        "status": ValidatorStatus.ACTIVE,
        "stake": 1_000 * 10**9,
        "commission": Decimal("0.05"),
        "uptime": Decimal(1),
        "performance": Decimal(1),
        "skip_rate": Decimal("0.01"),
    }
    values.update(fields)
    return [
        Observation(
            chain=Chain.SOL, validator=validator, observed_at=end - timedelta(days=d), **values
        )
        for d in range(days)
    ]


async def _observe(resources: Resources, samples: list[Observation]) -> None:
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        for at in sorted({o.observed_at for o in samples}):
            await repo.add_observations([o for o in samples if o.observed_at == at], at)


async def test_scores_with_history_are_stored_and_read_back_in_batches(
    resources: Resources,
) -> None:
    end = datetime(2032, 3, 10, 14, tzinfo=UTC)
    peers = [_samples(f"vrs-peer-{i}", 40, end) for i in range(3)]
    shaky = _samples("vrs-shaky", 40, end)
    shaky = [  # delinquent for the last five days
        replace(o, status=ValidatorStatus.DELINQUENT, uptime=Decimal(0))
        if end - o.observed_at < timedelta(days=5)
        else o
        for o in _samples("vrs-shaky", 40, end)
    ]
    young = _samples("vrs-young", 3, end)
    await _observe(resources, [o for p in [*peers, shaky, young] for o in p])

    deps = JobDeps.from_resources(resources)
    counts = await compute_vrs(deps, "sol", at=end.isoformat())
    assert counts == {"scored": 4, "pending": 1, "inserted": 5}
    assert await compute_vrs(deps, "sol", at=(end + timedelta(minutes=30)).isoformat()) == {
        **counts,
        "inserted": 0,
    }

    async with resources.session_factory() as session:
        repo = VrsScoreRepository(session)
        latest = await repo.latest_scores(Chain.SOL)
        some = await repo.latest_scores(Chain.SOL, ["vrs-shaky", "vrs-young", "nobody"])
        one = await repo.latest(Chain.SOL, "vrs-peer-0")
    assert {"vrs-peer-0", "vrs-shaky", "vrs-young"} <= set(latest)
    assert set(some) == {"vrs-shaky", "vrs-young"}
    healthy, bad = latest["vrs-peer-0"], latest["vrs-shaky"]
    assert one == healthy and healthy.calculated_at == end
    assert healthy.status is VrsStatus.SCORED and healthy.data_days == 40
    assert healthy.total is not None and bad.total is not None and bad.total < healthy.total
    assert bad.scores[Factor.UPTIME] is not None and bad.scores[Factor.UPTIME] < 90
    assert healthy.weights == VrsConfig().weights
    young_score = some["vrs-young"]
    assert young_score.status is VrsStatus.PENDING and young_score.total is None


async def test_history_holds_the_last_score_of_each_day(resources: Resources) -> None:
    end = datetime(2033, 5, 20, 23, tzinfo=UTC)
    await _observe(resources, _samples("vrs-daily", 20, end))
    moments = [end - timedelta(days=d, hours=h) for d in range(5) for h in (0, 6)]
    counts = await score_chain(JobDeps.from_resources(resources), Chain.SOL, moments)
    # daily samples: both moments of a day give the same score, only the first is stored
    assert counts == {"scored": 10, "pending": 0, "inserted": 5}
    async with resources.session_factory() as session:
        repo = VrsScoreRepository(session)
        daily = await repo.daily(Chain.SOL, "vrs-daily", end - timedelta(days=3, hours=12))
        first = await repo.first_calculated_at(Chain.SOL, "vrs-daily")
    start = timedelta(hours=6)
    assert [s.calculated_at for s in daily] == [
        end - timedelta(days=d) - start for d in (3, 2, 1, 0)
    ]
    assert first == end - timedelta(days=4, hours=6)


async def test_a_score_is_stored_when_it_changes_and_once_a_day(resources: Resources) -> None:
    day = datetime(2035, 7, 1, tzinfo=UTC)
    base = VrsScore(
        chain=Chain.SOL,
        validator="vrs-bounded",
        calculated_at=day,
        status=VrsStatus.SCORED,
        total=90,
        scores={f: 90 for f in Factor},
        weights=VrsConfig().weights,
        data_days=60,
        confidence=ScoreConfidence.HIGH,
    )
    dip = {**base.scores, Factor.UPTIME: 70}
    hours = [
        replace(base, calculated_at=day + timedelta(hours=h), data_days=60 + h // 24)
        for h in range(30)
    ]
    hours[3] = replace(hours[3], scores=dip)  # a factor changes: stored, and stored back
    hours[5] = replace(hours[5], confidence=ScoreConfidence.MEDIUM)
    hours[6] = replace(hours[6], confidence=ScoreConfidence.MEDIUM, total=89)
    async with resources.session_factory() as session, session.begin():
        repo = VrsScoreRepository(session)
        first = await repo.add(hours[:10])
        rest = await repo.add(hours[10:])
        again = await repo.add(hours[20:])  # a re-run adds nothing
    async with resources.session_factory() as session:
        stored = await session.scalars(
            select(VrsScoreRow.calculated_at)
            .where(VrsScoreRow.validator == "vrs-bounded")
            .order_by(VrsScoreRow.calculated_at)
        )
        kept = [(at - day) // timedelta(hours=1) for at in stored]
        repo = VrsScoreRepository(session)
        # the score as of any hour is still the newest row at or before it
        for hour in (2, 4, 9, 23, 29):
            as_of = day + timedelta(hours=hour)
            got = (await repo.latest_scores(Chain.SOL, ["vrs-bounded"], as_of=as_of))["vrs-bounded"]
            want = hours[hour]
            assert (got.total, got.scores, got.confidence) == (
                want.total,
                want.scores,
                want.confidence,
            )
    assert kept == [0, 3, 4, 5, 6, 7, 24]
    assert (first, rest, again) == (6, 1, 0)


async def test_config_rows_are_seeded_with_the_defaults_and_read_at_run_time(
    resources: Resources,
) -> None:
    async with resources.session_factory() as session:
        assert await VrsConfigRepository(session).get() == VrsConfig()
    async with resources.session_factory() as session, session.begin():
        await session.execute(
            update(VrsConfigRow).where(VrsConfigRow.name == "weight.uptime").values(value="60")
        )
    try:
        async with resources.session_factory() as session:
            config = await VrsConfigRepository(session).get()
        assert config.weights[Factor.UPTIME] == 60
    finally:
        async with resources.session_factory() as session, session.begin():
            await session.execute(
                update(VrsConfigRow).where(VrsConfigRow.name == "weight.uptime").values(value="30")
            )


async def test_context_reads_eth_entities_and_atom_max_rates(resources: Resources) -> None:
    clock = resources.chains().clock
    hour = datetime(2034, 2, 1, 8, tzinfo=UTC)
    clock.fixed = hour + timedelta(minutes=1)
    deps = JobDeps.from_resources(resources)
    try:
        await run_pipeline(deps, "eth")
        await run_pipeline(deps, "atom")
    finally:
        clock.fixed = None
    async with resources.session_factory() as session:
        eth = await VrsInputs(session).context(Chain.ETH, hour - timedelta(days=90), hour)
        atom = await VrsInputs(session).context(Chain.ATOM, hour - timedelta(days=90), hour)
    assert eth.entity_share and all(0 < s < Decimal("0.1") for s in eth.entity_share.values())
    # the whale's validators share one withdrawal address, hence one share
    assert len(set(eth.entity_share.values())) < len(eth.entity_share)
    assert len(atom.max_commission) > 100
    assert all(Decimal(0) < r <= 1 for r in atom.max_commission.values())
    stats = atom.hours[hour]
    assert stats.total_stake > 0 and stats.top_third_cutoff and stats.median_miss_rate is not None


async def test_scores_are_never_overwritten(resources: Resources) -> None:
    end = datetime(2035, 1, 1, tzinfo=UTC)
    await _observe(resources, _samples("vrs-fixed", 10, end))
    await compute_vrs(JobDeps.from_resources(resources), "sol", at=end.isoformat())
    await _observe(resources, _samples("vrs-fixed", 10, end, uptime=Decimal("0.5")))  # ignored
    async with resources.session_factory() as session, session.begin():
        repo = VrsScoreRepository(session)
        before = await repo.latest(Chain.SOL, "vrs-fixed")
        assert before is not None
        changed = {**before.scores, Factor.UPTIME: 1}
        assert await repo.add([replace(before, scores=changed, total=1)]) == 0
        assert await repo.latest(Chain.SOL, "vrs-fixed") == before
    # no way to change or remove a score through the repository
    assert not [m for m in dir(VrsScoreRepository) if m.startswith(("update", "delete", "remove"))]


@pytest.mark.postgres
async def test_postgresql_rejects_update_delete_and_truncate(postgres_url: str) -> None:
    from infrastructure.db.engine import create_engine

    engine: AsyncEngine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text(
                    "INSERT INTO vrs_scores (chain, validator, calculated_at, status, "
                    "uptime_weight, slashing_weight, commission_weight, performance_weight, "
                    "decentralization_weight, data_days, confidence, methodology_version, "
                    "created_at) VALUES ('sol', 'vrs-immutable', now(), 'pending', '30', "
                    "'25', '20', '15', '10', 1, 'low', 'test', now())"
                )
            )
            for statement in (
                update(VrsScoreRow)
                .where(VrsScoreRow.validator == "vrs-immutable")
                .values(total=99),
                delete(VrsScoreRow).where(VrsScoreRow.validator == "vrs-immutable"),
                text("TRUNCATE vrs_scores"),
            ):
                savepoint = await connection.begin_nested()
                with pytest.raises(DBAPIError, match="append-only"):
                    await connection.execute(statement)
                await savepoint.rollback()
            await connection.rollback()
    finally:
        await engine.dispose()


async def test_the_hour_context_memo_recomputes_only_changed_hours(resources: Resources) -> None:
    end = datetime(2036, 7, 1, 6, tzinfo=UTC)
    await _observe(resources, [o for i in range(3) for o in _samples(f"vrs-memo-{i}", 5, end)])
    since = end - timedelta(days=90)

    async def context(memo: Any) -> Any:
        async with resources.session_factory() as session:
            return await VrsInputs(session).context(Chain.SOL, since, end, memo)

    memo: Any = {}
    fresh = await context(memo)
    assert set(memo) == set(fresh.hours) and len(fresh.hours) == 5
    assert all(count == 3 for count, _ in memo.values())
    await vrs_context.store(resources.cache, "sol-test", memo)
    loaded = await vrs_context.load(resources.cache, "sol-test")
    assert loaded == memo  # survives the cache round trip exactly

    hour = min(memo)
    marked = HourStats(1, None, None, None)
    memo[hour] = (memo[hour][0], marked)  # same row count: reused as it is
    assert (await context(memo)).hours[hour] == marked
    await _observe(resources, _samples("vrs-memo-late", 1, hour))  # the hour grew
    recomputed = (await context(memo)).hours[hour]
    assert recomputed.total_stake == 4 * 1_000 * 10**9 and memo[hour][0] == 4
    assert (await context(None)).hours == (await context(memo)).hours
