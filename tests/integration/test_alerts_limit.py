"""The tier limit holds under real concurrency on PostgreSQL: a create at the limit waits
for the user's row lock held by another create, then sees its alert and is refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from domain.alerts.errors import AlertLimitReached
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import alerts
from tests.readiness import eventually

NEW = alerts.NewAlert(
    type="slashing",
    validator_id=None,
    chain=None,
    threshold=None,
    notify_resolved=False,
    channels=["webhook"],
)


async def test_a_create_at_the_limit_waits_for_the_other_and_is_refused(
    resources: Resources, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL (SQLite has a single writer)")
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.create()
        await uow.commit()
    # a verified webhook, so the alert is active without an email
    async with resources.session_factory() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO user_webhooks (user_id, url, secret, verified_at, created_at,"
                " updated_at) VALUES (:u, 'https://h.example.com', 'x', now(), now(), now())"
            ),
            {"u": user.id},
        )

    async def second() -> Any:
        async with SqlUnitOfWork(resources.session_factory) as uow:
            stored = await alerts.create_alert(uow, user, NEW, "https://app")
            await uow.commit()
            return stored

    async def waiting_on_a_lock() -> bool:
        async with resources.session_factory() as session:
            count = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query ILIKE '%FROM users%FOR UPDATE%'"
                )
            )
            return bool(count)

    async with SqlUnitOfWork(resources.session_factory) as first:
        await alerts.create_alert(first, user, NEW, "https://app")  # not committed yet
        task = asyncio.create_task(second())
        await eventually(waiting_on_a_lock, "the second create waiting on the user's row")
        assert not task.done()
        await first.commit()
    with pytest.raises(AlertLimitReached) as refused:
        await task
    assert refused.value.details["limit"] == 1 and refused.value.details["current"] == 1
