"""The portfolio's performance block without N+1: with reward events on every position,
building the portfolio for 12 positions costs the same statements as for 1 (SQLite and
PostgreSQL), and each position reads its own events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from domain.models import Chain, Tier
from domain.rewards.windows import Window
from infrastructure.db.models import ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork
from services import portfolio
from tests.api.rewards_events import event_row, forget_rewards, store_events
from tests.integration.test_portfolio_scores import counted, user_with_positions
from workers.context import JobDeps


async def test_performance_costs_the_same_statements_for_1_or_12_positions(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, _):
        resources = app.state.resources
        await JobDeps.from_resources(resources).ingest().run(Chain.ATOM)
        async with resources.session_factory() as session:
            validators = sorted(
                await session.scalars(
                    select(ValidatorRow.address)
                    .where(ValidatorRow.chain == "atom", ValidatorRow.status == "active")
                    .limit(12)
                )
            )
        now = datetime.now(UTC)
        one = await user_with_positions(resources, validators[:1], now)
        twelve = await user_with_positions(resources, validators, now)
        owners = {}
        for user in (one, twelve):
            async with SqlUnitOfWork(resources.session_factory) as uow:
                (wallet,) = await uow.wallets.list_for_user(user)
            owners[user] = wallet.address
        await forget_rewards(resources, list(owners.values()))
        rows = [
            event_row(
                Chain.ATOM,
                owners[user],
                f"delegation:{v}",
                now - timedelta(days=d, hours=1),
                1_000 * (i + 1),
                validator=v,
                hours=24,
            )
            for user, mine in ((one, validators[:1]), (twelve, validators))
            for i, v in enumerate(mine)
            for d in range(10)
        ]
        await store_events(resources, rows)

        counts, built = [], {}
        for user in (one, twelve, one):
            async with SqlUnitOfWork(resources.session_factory) as uow:
                with counted(resources) as statements:
                    built[user] = await portfolio.scored(uow, user, Tier.PRO, None, now)
                counts.append(len(statements))
        assert counts[0] == counts[1] == counts[2], counts

        value = built[twelve]
        assert value.rewards is not None
        for held, performance in zip(value.holdings, value.rewards.holdings, strict=True):
            i = validators.index(held.holding.position.validator)
            week = performance.get(Window.WEEK)
            assert week.events == 7 and week.rewards.base_units == 7 * 1_000 * (i + 1)
        (atom,) = value.rewards.chains
        assert atom.performance.get(Window.ALL).rewards.base_units == 10 * 1_000 * 78
        await forget_rewards(resources, list(owners.values()))
