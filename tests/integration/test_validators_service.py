"""services/validators.py and services/vrs.py on SQLite and PostgreSQL: they take a unit
of work and return domain values (never rows), page by decoded positions, and refuse
unknown validators."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete

from domain.chains import Observation, Validator, ValidatorStatus
from domain.errors import NotFound
from domain.freshness import Freshness
from domain.models import Chain, Tier
from domain.validators import ListedValidator, ListFilter, PagePosition, ValidatorSort
from domain.vrs import FACTORS, Factor, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.drops import FactorChange
from domain.vrs.methodology import Methodology
from domain.vrs.model import total_of
from infrastructure.db.models import ValidatorObservationRow, ValidatorRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import validators, vrs

NOW = datetime(2031, 7, 1, 12, tzinfo=UTC)
# PostgreSQL is shared by the whole run: this module's rows carry a tag of their own and
# are deleted afterwards (other tests count a chain's validators)
TAG = "svc" + uuid.uuid4().hex[:10]
ADDRESSES = [f"{TAG}Val{i}" for i in range(5)]


@pytest.fixture(autouse=True)
async def cleanup(resources: Resources) -> AsyncIterator[None]:
    yield
    async with resources.session_factory() as session, session.begin():
        for table, column in (
            (ValidatorRow, ValidatorRow.address),
            (ValidatorObservationRow, ValidatorObservationRow.validator),
        ):
            await session.execute(delete(table).where(column.startswith(TAG)))


async def seed(resources: Resources) -> None:
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        await repo.upsert_validators(
            [
                Validator(Chain.SOL, a, ValidatorStatus.ACTIVE, 10**18 - i, NOW, name=f"n{i}")
                for i, a in enumerate(ADDRESSES)
            ]
        )
        await repo.add_observations(
            [Observation(Chain.SOL, ADDRESSES[0], NOW, ValidatorStatus.ACTIVE, stake=1)], NOW
        )


async def test_the_list_pages_by_positions_and_returns_domain_values(
    resources: Resources,
) -> None:
    await seed(resources)
    pages = []
    after = None
    by_tag = ListFilter(search=TAG)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        while True:
            page = await validators.list_validators(
                uow, Chain.SOL, ValidatorSort.STAKE, 2, NOW, 3, after=after, filters=by_tag
            )
            pages.append(page)
            if page.next is None:
                break
            after = page.next
    assert [len(p.validators) for p in pages] == [2, 2, 1]
    assert all(isinstance(v, ListedValidator) for p in pages for v in p.validators)
    assert all(v.vrs is None for p in pages for v in p.validators)  # never scored
    assert [v.validator.address for p in pages for v in p.validators] == ADDRESSES
    assert pages[0].next == PagePosition(-(10**18 - 1), ADDRESSES[1])
    assert isinstance(pages[0].freshness, Freshness)  # (its values: tests/api/test_validators.py)


async def test_detail_and_existence(resources: Resources) -> None:
    await seed(resources)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        detail = await validators.validator_detail(uow, Chain.SOL, ADDRESSES[0], NOW, 3)
        assert detail.listed.validator.address == ADDRESSES[0]
        assert [o.stake for o in detail.observations] == [1]
        assert await vrs.exists(uow, Chain.SOL, ADDRESSES[1])
        assert not await vrs.exists(uow, Chain.SOL, TAG + "Nobody")
        assert not await vrs.exists(uow, Chain.ETH, "1" * 40)  # no index that long
        with pytest.raises(NotFound):
            await validators.validator_detail(uow, Chain.SOL, TAG + "Nobody", NOW, 3)
        with pytest.raises(NotFound):
            await vrs.read_score(uow, Chain.SOL, TAG + "Nobody", Tier.FREE)


async def test_vrs_reads_are_domain_values(resources: Resources) -> None:
    await seed(resources)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        method = await vrs.read_methodology(uow)
        never = await vrs.read_score(uow, Chain.SOL, ADDRESSES[2], Tier.PRO)
        history = await vrs.read_history(uow, Chain.SOL, ADDRESSES[2], Tier.FREE, 30, NOW.date())
    assert isinstance(method, Methodology) and sum(method.config.weights.values()) == Decimal(100)
    assert never.score is None and never.view is None and never.full
    assert history.points == () and history.clamped and history.days == 7
    assert history.requested_days == 30 and not history.full


async def test_the_step_scores_and_counts(resources: Resources) -> None:
    # Scores cannot be deleted: a past hour of its own (never any other run's newest, and no
    # other test's observations within its 90 days), a validator of its own
    hour = datetime(2012, 1, 1, tzinfo=UTC) + timedelta(hours=uuid.uuid4().int % 70_000)
    scored = TAG + "Scored"
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        for d in range(10):
            at = hour - timedelta(days=d)
            await repo.add_observations(
                [
                    Observation(
                        Chain.SOL,
                        scored,
                        at,
                        ValidatorStatus.ACTIVE,
                        stake=10**15,
                        commission=Decimal("0.05"),
                        uptime=Decimal(1),
                        performance=Decimal(1),
                        skip_rate=Decimal("0.01"),
                    )
                ],
                at,
            )

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(resources.session_factory)

    first = await vrs.score_chain(uow, resources.cache, resources.reads, Chain.SOL, [hour])
    again = await vrs.score_chain(uow, resources.cache, resources.reads, Chain.SOL, [hour])
    assert first.scored >= 1 and first.inserted >= 1  # (>=: a past run's hours may be near)
    assert (again.scored, again.inserted) == (first.scored, 0)  # append-only: re-runs add none
    assert (await vrs.score_chain(uow, resources.cache, resources.reads, Chain.SOL, [])).scored == 0
    async with uow() as reading:
        read = await vrs.read_score(reading, Chain.SOL, scored, Tier.FREE)
    assert read.score is not None and read.score.calculated_at == hour


async def test_the_history_explains_its_last_drop_in_the_tiers_view(resources: Resources) -> None:
    # scores cannot be deleted: a validator and days of its own, long ago
    address = TAG + "Dropped"
    today = datetime(2013, 1, 1, 12, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 3000)

    def score(days_ago: int, factors: tuple[int, ...]) -> VrsScore:
        scores = dict(zip(FACTORS, factors, strict=True))
        return VrsScore(
            chain=Chain.SOL,
            validator=address,
            calculated_at=today - timedelta(days=days_ago),
            status=VrsStatus.SCORED,
            total=total_of(scores, DEFAULT_WEIGHTS),
            scores=scores,
            weights=dict(DEFAULT_WEIGHTS),
            data_days=30,
            confidence=ScoreConfidence.MEDIUM,
        )

    stored = [score(d, (90, 90, 90, 90, 90)) for d in range(4, 8)]
    stored += [score(d, (40, 90, 90, 20, 90)) for d in range(2)]
    async with resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [Validator(Chain.SOL, address, ValidatorStatus.ACTIVE, 1, today)]
        )
        await VrsScoreRepository(session).add(stored)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        free = await vrs.read_history(uow, Chain.SOL, address, Tier.FREE, None, today.date())
        pro = await vrs.read_history(uow, Chain.SOL, address, Tier.PRO, None, today.date())
    assert free.last_drop is not None and pro.last_drop is not None
    assert free.last_drop.since == (today - timedelta(days=4)).date() == pro.last_drop.since
    assert free.last_drop.day == today.date()
    assert free.last_drop.causes == (FactorChange(Factor.UPTIME, 90, 40),)  # no locked factor
    assert [c.factor for c in pro.last_drop.causes] == [Factor.PERFORMANCE, Factor.UPTIME]
    assert (pro.last_drop.before, pro.last_drop.after) == (90, 65)  # 30·40+25·90+20·90+15·20+10·90
