"""services/validators.py and services/vrs.py on SQLite and PostgreSQL: they take a unit
of work and return domain values (never rows), page by decoded positions, and refuse
unknown validators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.chains import Observation, Validator, ValidatorStatus
from domain.errors import NotFound
from domain.models import Chain, Tier
from domain.validators import PagePosition, ValidatorSort
from domain.vrs.methodology import Methodology
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import validators, vrs

NOW = datetime(2031, 7, 1, 12, tzinfo=UTC)
ADDRESSES = [f"SvcVal{i}" for i in range(5)]


async def seed(resources: Resources) -> None:
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        await repo.upsert_validators(
            [
                Validator(Chain.SOL, a, ValidatorStatus.ACTIVE, 10**18 - i, NOW, name=f"svc {i}")
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
    async with SqlUnitOfWork(resources.session_factory) as uow:
        while True:
            page = await validators.list_validators(
                uow, Chain.SOL, ValidatorSort.STAKE, 2, NOW, after=after, search="svc "
            )
            pages.append(page)
            if page.next is None:
                break
            after = page.next
    assert [len(p.validators) for p in pages] == [2, 2, 1]
    assert all(isinstance(v, Validator) for p in pages for v in p.validators)
    assert [v.address for p in pages for v in p.validators] == ADDRESSES
    assert pages[0].next == PagePosition(-(10**18 - 1), ADDRESSES[1])
    assert pages[0].freshness.fetched_at is None and pages[0].freshness.stale


async def test_detail_and_existence(resources: Resources) -> None:
    await seed(resources)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        detail = await validators.validator_detail(uow, Chain.SOL, ADDRESSES[0], NOW)
        assert detail.validator.address == ADDRESSES[0]
        assert [o.stake for o in detail.observations] == [1]
        assert await vrs.exists(uow, Chain.SOL, ADDRESSES[1])
        assert not await vrs.exists(uow, Chain.SOL, "SvcNobody")
        assert not await vrs.exists(uow, Chain.ETH, "1" * 40)  # no index that long
        with pytest.raises(NotFound):
            await validators.validator_detail(uow, Chain.SOL, "SvcNobody", NOW)
        with pytest.raises(NotFound):
            await vrs.read_score(uow, Chain.SOL, "SvcNobody", Tier.FREE)


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
    hour = NOW + timedelta(days=400)  # its own hour: no other test's rows in its horizon
    async with resources.session_factory() as session, session.begin():
        repo = ChainDataRepository(session)
        for d in range(10):
            at = hour - timedelta(days=d)
            await repo.add_observations(
                [
                    Observation(
                        Chain.SOL,
                        "SvcScored",
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
    assert (first.scored, first.pending, first.inserted) == (1, 0, 1)
    assert (again.scored, again.inserted) == (1, 0)  # append-only: a re-run adds nothing
    assert (await vrs.score_chain(uow, resources.cache, resources.reads, Chain.SOL, [])).scored == 0
    async with uow() as reading:
        read = await vrs.read_score(reading, Chain.SOL, "SvcScored", Tier.FREE)
    assert read.score is not None and read.score.calculated_at == hour
