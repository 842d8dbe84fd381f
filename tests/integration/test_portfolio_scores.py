"""The portfolio's scores and yields without N+1 (SQLite and PostgreSQL): building it
for 12 positions costs the same statements as for 1, and every position reads its own
validator's score in the caller's tier view."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from domain.chains import Position, PositionKind
from domain.models import Chain, Tier
from domain.vrs import FACTORS, ScoreConfidence, VrsConfig, VrsScore, VrsStatus, tier_view
from infrastructure.db.models import ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import portfolio
from workers.context import JobDeps


@contextmanager
def counted(resources: Resources) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = resources.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def score(validator: str, at: datetime, points: int) -> VrsScore:
    return VrsScore(
        chain=Chain.ATOM,
        validator=validator,
        calculated_at=at,
        status=VrsStatus.SCORED,
        total=points,
        scores={**dict.fromkeys(FACTORS, points)},
        weights=VrsConfig().weights,
        data_days=40,
        confidence=ScoreConfidence.MEDIUM,
    )


async def user_with_positions(
    resources: Resources, validators: list[str], now: datetime
) -> uuid.UUID:
    owner = f"cosmos1test{uuid.uuid4().hex}"
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.create(tier=Tier.PRO)
        await uow.wallets.link(user.id, Chain.ATOM, owner, is_primary=True)
        positions = [
            Position(
                chain=Chain.ATOM,
                owner=owner,
                validator=v,
                kind=PositionKind.STAKE,
                amount=1_000_000 * (i + 1),
                status="active",
                key=f"delegation:{v}",
                fetched_at=now,
            )
            for i, v in enumerate(validators)
        ]
        await uow.chain_data.replace_positions(Chain.ATOM, owner, positions, now)
        await uow.commit()
    return user.id


async def test_scores_and_yields_cost_the_same_statements_for_1_or_12_positions(
    resources: Resources,
) -> None:
    await JobDeps.from_resources(resources).ingest().run(Chain.ATOM)
    async with resources.session_factory() as session:
        validators = sorted(
            await session.scalars(
                select(ValidatorRow.address)
                .where(ValidatorRow.chain == "atom", ValidatorRow.status == "active")
                .limit(12)
            )
        )
    assert len(validators) == 12
    now = datetime.now(UTC)
    at = now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=1)
    async with SqlUnitOfWork(resources.session_factory) as uow:  # newest: for this test alone
        await uow.vrs_scores.add([score(v, at, 60 + i) for i, v in enumerate(validators)])
        await uow.commit()
    one = await user_with_positions(resources, validators[:1], now)
    twelve = await user_with_positions(resources, validators, now)

    counts, built = [], {}
    for user in (one, twelve, one):  # the second "one": warm, like the first "twelve"
        async with SqlUnitOfWork(resources.session_factory) as uow:
            with counted(resources) as statements:
                built[user] = await portfolio.scored(uow, user, Tier.PRO, None, now)
            counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts  # does not grow with positions
    assert counts[1] <= 20, counts

    value = built[twelve]
    assert len(value.holdings) == 12
    for i, held in enumerate(sorted(value.holdings, key=lambda h: h.holding.position.amount)):
        assert held.holding.position.validator == validators[i]
        assert held.vrs is not None
        assert held.vrs.total == tier_view(score(validators[i], at, 60 + i), 5).total == 60 + i
        assert held.real_yield is not None and held.real_yield.validator == validators[i]
