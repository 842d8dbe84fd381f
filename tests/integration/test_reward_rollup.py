"""The daily rollup `reward_days` (SQLite and PostgreSQL): written with the events by
`RewardEventRepository.add_many`, it equals the grouping of the stored events after
inserts, re-inserts (nothing counted twice) and many events of one day, so the per-day
reads built on it (the performance block's `day_totals`, the list's `days_page`) give
exactly what grouping the raw events gives, at every window edge; migration 0012's
backfill computes the same rows."""

from __future__ import annotations

import importlib.util
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.models import Chain
from domain.rewards.events import RewardEvent, RewardKind
from domain.rewards.performance import DayTotal, position_performance
from domain.rewards.windows import Windows, tier_since
from infrastructure.db.models import RewardDayRow, RewardEventRow
from infrastructure.db.repositories.reward_events import RewardEventRepository
from infrastructure.db.repositories.rewards_read import RewardsReadRepository

NOW = datetime(2026, 12, 3, 14, 25, tzinfo=UTC)
OWNERS = {Chain.ETH: "rollup-eth-owner", Chain.SOL: "rollup-sol-owner", Chain.ATOM: "rollup-atom"}
WALLETS = [(c.value, o) for c, o in OWNERS.items()]


def hourly(chain: Chain, key: str, first: datetime, last: datetime, amount: int) -> list[Any]:
    """One event per hour ending in (first, last], a penalty every 50th, some estimated
    and some without a stake."""
    events = []
    at, n = first + timedelta(hours=1), 0
    while at <= last:
        n += 1
        events.append(
            RewardEvent(
                chain=chain,
                owner=OWNERS[chain],
                position_key=key,
                validator=f"val-{key}",
                period=f"ingest:{at.isoformat()}",
                kind=RewardKind.PENALTY if n % 50 == 0 else RewardKind.REWARD,
                amount=-amount if n % 50 == 0 else amount + n % 7,
                occurred_at=at,
                stake=None if n % 13 == 0 else 32 * 10**9 + n,
                period_start=None if n % 17 == 0 else at - timedelta(hours=1),
                estimated=chain is Chain.ATOM and n % 11 == 0,
            )
        )
        at += timedelta(hours=1)
    return events


def epochs(first: datetime, last: datetime) -> list[RewardEvent]:
    """A SOL inflation reward every 2 days, covering its whole epoch."""
    events, at, epoch = [], first, 800
    while at <= last:
        events.append(
            RewardEvent(
                chain=Chain.SOL,
                owner=OWNERS[Chain.SOL],
                position_key="stake-1",
                validator="vote-1",
                period=f"epoch:{epoch}",
                kind=RewardKind.REWARD,
                amount=4_000_000 + epoch,
                occurred_at=at,
                stake=10**12,
                period_start=at - timedelta(days=2),
                epoch=epoch,
                source=str(epoch),
            )
        )
        at += timedelta(days=2, minutes=37)
        epoch += 1
    return events


def history() -> list[RewardEvent]:
    begin = NOW - timedelta(days=40, minutes=25)
    return [
        *hourly(Chain.ETH, "v1", begin, NOW + timedelta(hours=3), 900),  # a few after now
        *hourly(Chain.ETH, "v2", NOW - timedelta(days=3), NOW, 1_100),
        *hourly(Chain.ATOM, "delegation:a", begin, NOW, 5_000),
        *epochs(begin, NOW),
    ]


def raw_day_totals(events: Sequence[RewardEvent], windows: Windows) -> list[DayTotal]:
    """What grouping the raw events per (position, UTC day, bucket) gives."""
    groups: dict[tuple[Any, ...], list[RewardEvent]] = defaultdict(list)
    for e in events:
        if e.occurred_at > windows.now:
            continue
        if windows.since is not None and e.occurred_at < windows.since:
            continue
        day = e.occurred_at.astimezone(UTC).date()
        groups[(e.chain, e.owner, e.position_key, day, windows.bucket(e.occurred_at))].append(e)
    return [
        DayTotal(
            chain=chain,
            owner=owner,
            position_key=key,
            day=day,
            bucket=bucket,
            amount=sum(e.amount for e in group),
            events=len(group),
            estimated=sum(1 for e in group if e.estimated),
            stake_sum=sum(e.stake for e in group if e.stake is not None),
            stake_count=sum(1 for e in group if e.stake is not None),
            start=min(e.period_start or e.occurred_at for e in group),
            end=max(e.occurred_at for e in group),
        )
        for (chain, owner, key, day, bucket), group in groups.items()
    ]


def ordered(totals: Sequence[DayTotal]) -> list[DayTotal]:
    return sorted(totals, key=lambda t: (t.chain, t.owner, t.position_key, t.day, t.bucket))


async def stored_rollup(session: AsyncSession) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    rows = await session.scalars(
        select(RewardDayRow).where(RewardDayRow.owner.in_(list(OWNERS.values())))
    )
    return {
        (r.chain, r.owner, r.day, r.position_key): (
            r.validator,
            r.amount,
            r.events,
            r.estimated,
            r.stake_sum,
            r.stake_count,
            r.first_start,
            r.last_at,
            r.fetched_at,
        )
        for r in rows
    }


async def forget(session: AsyncSession) -> None:
    """The PostgreSQL test database is shared by the run: none of these wallets' rows."""
    for model in (RewardEventRow, RewardDayRow):
        await session.execute(delete(model).where(model.owner.in_(list(OWNERS.values()))))


# the window edges: mid-hour, right on an hour, right on midnight (the 24 h, 7 d and 30 d
# edges then fall on midnights too), late in the day
NOWS = [
    NOW,
    NOW.replace(minute=0),
    datetime.combine(NOW.date(), time(), UTC),
    NOW + timedelta(hours=9),
]


async def test_rollup_totals_equal_raw_event_totals(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events = history()
    async with session_factory() as session:
        await forget(session)
        repo, reads = RewardEventRepository(session), RewardsReadRepository(session)
        # stored in shuffled, overlapping batches, as re-fetches would (most days get
        # their events over several batches): nothing twice
        shuffled = list(events)
        random.Random(7).shuffle(shuffled)
        half = len(events) // 2
        assert await repo.add_many(shuffled[:half]) == half
        assert await repo.add_many(shuffled[half // 2 :]) == len(events) - half
        assert await repo.add_many(events) == 0
        assert await repo.add_many(shuffled[: half // 3]) == 0
        await session.flush()

        stored = [e for chain, owner in OWNERS.items() for e in await repo.of_owner(chain, owner)]
        assert sorted(e.period for e in stored) == sorted(e.period for e in events)
        per_day: dict[tuple[Any, ...], list[RewardEvent]] = defaultdict(list)
        for e in events:
            per_day[(e.chain.value, e.owner, e.occurred_at.date(), e.position_key)].append(e)
        assert max(len(group) for group in per_day.values()) == 24  # hourly ones
        want = {
            key: (
                max(e.validator for e in group),
                sum(e.amount for e in group),
                len(group),
                sum(1 for e in group if e.estimated),
                sum(e.stake for e in group if e.stake is not None),
                sum(1 for e in group if e.stake is not None),
                min(e.period_start or e.occurred_at for e in group),
                max(e.occurred_at for e in group),
            )
            for key, group in per_day.items()
        }
        assert {k: v[:-1] for k, v in (await stored_rollup(session)).items()} == want

        for now in NOWS:
            for reward_days in (None, 30, 7):
                windows = Windows(now=now, since=tier_since(now, reward_days))
                from_rollup = ordered(await reads.day_totals(WALLETS, windows))
                from_events = ordered(raw_day_totals(events, windows))
                assert from_rollup == from_events, (now, reward_days)
                # hence the same performance, position by position
                for key in {t.position for t in from_events}:
                    mine = [t for t in from_rollup if t.position == key]
                    raw = [t for t in from_events if t.position == key]
                    assert position_performance(key[0], mine, None, {}) == (
                        position_performance(key[0], raw, None, {})
                    )
        await forget(session)


async def test_days_page_equals_raw_event_days(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events = history()
    async with session_factory() as session:
        await forget(session)
        repo, reads = RewardEventRepository(session), RewardsReadRepository(session)
        await repo.add_many(events)
        await repo.add_many(events[::3])  # a re-fetch
        first, stop = date(2026, 11, 10), date(2026, 12, 4)
        start, end = (datetime.combine(d, time(), UTC) for d in (first, stop))
        pages, after = [], None
        while True:
            page = await reads.days_page(WALLETS, start, end, 17, after)
            pages.extend(page)
            if len(page) < 17:
                break
            last = page[-1]
            after = (last.day, last.chain.value, last.owner, last.position_key)
        got = {(d.day, d.chain, d.position_key): (d.amount, d.events, d.estimated) for d in pages}
        want: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
        for e in events:
            day = e.occurred_at.date()
            if first <= day < stop:
                sums = want[(day, e.chain, e.position_key)]
                sums[0] += e.amount
                sums[1] += 1
                sums[2] += e.estimated
        assert got == {k: tuple(v) for k, v in want.items()}
        assert len(pages) == len(got)  # each (day, position) once across the pages
        with pytest.raises(ValueError, match="midnight"):
            await reads.days_page(WALLETS, start + timedelta(hours=1), end, 10)
        await forget(session)


def migration_0012() -> ModuleType:
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    path = next(versions.glob("*_0012_reward_days.py"))
    spec = importlib.util.spec_from_file_location("reward_days_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


async def test_the_migrations_backfill_equals_the_write_path(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    migration = migration_0012()
    async with session_factory() as session:
        await forget(session)
        await RewardEventRepository(session).add_many(history())
        written = await stored_rollup(session)
        assert written
        # as migration 0012 found them: events without a rollup (the outer test
        # transaction is rolled back afterwards)
        await session.execute(delete(RewardDayRow))
        dialect = session.get_bind().dialect.name
        await session.execute(text(migration.backfill(dialect)))
        assert await stored_rollup(session) == written
        await forget(session)
