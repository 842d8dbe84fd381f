"""The hourly subscription-expiry job: each expired pro subscription is recorded in the
audit trail once (actor system `subscription_expiry`, before/after tier;
`expiry_recorded_at` set), however often or concurrently the job runs; the user's
cached reads are dropped. The tier itself is free at the expiry, before any job."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.audit import ActorType
from domain.models import Tier
from domain.tiers import Subscription, SubscriptionSource
from infrastructure.db.models import UserSubscriptionRow
from infrastructure.db.repositories.audit import AuditFilter
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import cache_keys
from workers.context import JobDeps
from workers.jobs import JOBS


async def _user(resources: Resources, sub: Subscription | None) -> uuid.UUID:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.create()
        if sub is not None:
            await uow.users.set_subscription(user.id, sub)
        await uow.commit()
        return user.id


async def _entries(resources: Resources, user_id: uuid.UUID) -> list[object]:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        where = AuditFilter(target_type="user", target_id=str(user_id))
        return list(await uow.audit_log.page(where, before_id=None, limit=10))


async def test_an_expiry_is_recorded_once_and_drops_the_cached_reads(
    resources: Resources,
) -> None:
    now = datetime.now(UTC)
    started = now - timedelta(days=30)
    expired = await _user(
        resources,
        Subscription(Tier.PRO, started, now - timedelta(hours=1), SubscriptionSource.ADMIN),
    )
    running = await _user(
        resources,
        Subscription(Tier.PRO, started, now + timedelta(days=1), SubscriptionSource.ADMIN),
    )
    free = await _user(resources, Subscription(Tier.FREE, started, None, SubscriptionSource.ADMIN))
    read_key = cache_keys.user_reads(expired)[0]
    await resources.cache.set(read_key, b"cached portfolio", 300)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.get(expired)
    assert user is not None and user.tier is Tier.FREE  # at once, no job needed

    deps = JobDeps.from_resources(resources)
    job = JOBS["record_subscription_expiries"]
    await asyncio.gather(job(deps), job(deps))  # twice at once
    await job(deps)  # and again

    [entry] = await _entries(resources, expired)
    assert entry.actor.type is ActorType.SYSTEM  # type: ignore[attr-defined]
    assert entry.actor.id == "subscription_expiry"  # type: ignore[attr-defined]
    assert entry.action == "subscription.expire"  # type: ignore[attr-defined]
    assert entry.before["tier"] == "pro" and entry.after == {"tier": "free"}  # type: ignore[attr-defined]
    assert await _entries(resources, running) == [] and await _entries(resources, free) == []
    async with resources.session_factory() as session:
        recorded = await session.scalar(
            select(UserSubscriptionRow.expiry_recorded_at).where(
                UserSubscriptionRow.user_id == expired
            )
        )
    assert recorded is not None
    assert await resources.cache.get(read_key) is None

    # a renewed pro that expires again is a new expiry: recorded once more
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.users.set_subscription(
            expired,
            Subscription(Tier.PRO, now, now - timedelta(minutes=1), SubscriptionSource.ADMIN),
        )
        await uow.commit()
    await job(deps)
    assert len(await _entries(resources, expired)) == 2
