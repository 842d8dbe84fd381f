"""The counted tier gates hold under real concurrency on PostgreSQL: a request at the
limit waits for the user's row lock held by another (uncommitted) one, then counts its
row and is refused — for linking a wallet on a new chain and for watching a validator
(as tests/integration/test_alerts_limit.py shows for alerts)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from domain.chains import Validator, ValidatorStatus
from domain.errors import TierLimitExceeded
from domain.models import Chain, User
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import wallets, watchlist
from tests.readiness import eventually
from workers.context import JobDeps
from workers.inprocess import InProcessJobQueue
from workers.jobs import JOBS

ORIGIN = "https://app.example.com"


def _postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL (SQLite has a single writer)")


async def _waiting_on_the_user_row(resources: Resources) -> bool:
    async with resources.session_factory() as session:
        count = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query ILIKE '%FROM users%FOR UPDATE%'"
            )
        )
        return bool(count)


async def _refused_after_the_first_commits(
    resources: Resources,
    hold: Callable[[SqlUnitOfWork], Awaitable[None]],
    second: Callable[[], Awaitable[Any]],
) -> TierLimitExceeded:
    async with SqlUnitOfWork(resources.session_factory) as first:
        await hold(first)  # the lock and the row of the first request, not committed yet
        task = asyncio.create_task(second())
        await eventually(
            lambda: _waiting_on_the_user_row(resources), "the second waiting on the user's row"
        )
        assert not task.done()
        await first.commit()
    with pytest.raises(TierLimitExceeded) as refused:
        await task
    return refused.value


async def _free_user(resources: Resources) -> User:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.create()
        await uow.wallets.link(user.id, Chain.SOL, f"Sol{uuid.uuid4().hex}", is_primary=True)
        await uow.commit()
        return user


async def test_a_link_of_a_new_chain_at_the_limit_waits_and_is_refused(
    resources: Resources, database_url: str
) -> None:
    _postgres_only(database_url)
    async with SqlUnitOfWork(resources.session_factory) as uow:  # no wallet yet (email only)
        user = await uow.users.create()  # no subscription: free, 1 chain
        await uow.commit()
    queue = InProcessJobQueue(JobDeps.from_resources(resources), JOBS)  # never reached

    async def hold(first: SqlUnitOfWork) -> None:  # what link_wallet does before its commit
        await first.tier_usage.lock_user(user.id)
        await first.wallets.link(user.id, Chain.ATOM, f"cosmos1{uuid.uuid4().hex}")

    async def second() -> Any:
        async with SqlUnitOfWork(resources.session_factory) as uow:
            return await wallets.link_wallet(
                uow,
                resources.cache,
                queue,
                user,
                Chain.ETH,
                "0x" + uuid.uuid4().hex + uuid.uuid4().hex[:8],
                datetime.now(UTC),
                ORIGIN,
            )

    refused = await _refused_after_the_first_commits(resources, hold, second)
    assert refused.details["feature"] == "chains"
    assert (refused.details["limit"], refused.details["current"]) == (1, 1)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        linked = await uow.wallets.list_for_user(user.id)
    assert [w.chain for w in linked] == [Chain.ATOM]


async def test_a_watch_at_the_limit_waits_and_is_refused(
    resources: Resources, database_url: str
) -> None:
    _postgres_only(database_url)
    user = await _free_user(resources)
    now = datetime.now(UTC).replace(microsecond=0)
    addresses = [f"Vote{uuid.uuid4().hex}" for _ in range(11)]
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.chain_data.upsert_validators(
            [Validator(Chain.SOL, a, ValidatorStatus.ACTIVE, 10**15, now) for a in addresses]
        )
        for address in addresses[:9]:
            await uow.watchlist.add(user.id, Chain.SOL, address)
        await uow.commit()

    async def hold(first: SqlUnitOfWork) -> None:  # the 10th watch, not committed yet
        await first.tier_usage.lock_user(user.id)
        await first.watchlist.add(user.id, Chain.SOL, addresses[9])

    async def second() -> Any:
        async with SqlUnitOfWork(resources.session_factory) as uow:
            return await watchlist.watch(uow, resources.reads, user, f"sol:{addresses[10]}", ORIGIN)

    refused = await _refused_after_the_first_commits(resources, hold, second)
    assert refused.details["feature"] == "watched_validators"
    assert (refused.details["limit"], refused.details["current"]) == (10, 10)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        assert await uow.watchlist.count(user.id) == 10
