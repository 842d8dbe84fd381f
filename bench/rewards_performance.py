"""Benchmark: the portfolio's rewards performance block (issue 14) on PostgreSQL — the two
reads it adds to `GET /api/portfolio` (all positions' day totals in one grouped read,
then the closes of their days) and the domain math, for one user with positions on all
three chains and hourly (ETH, ATOM) or per-epoch (SOL) reward events.

    uv run python bench/rewards_performance.py --database-url postgresql://... \
        --positions 50 --days 365

Seeds `reward_events` for a fresh user (ETH and ATOM hourly, SOL every 2 days) through
the ingest's write path (`RewardEventRepository.add_many`: the events and their daily
rollup `reward_days`) and the daily closes of the span, then times
`services.rewards.performance` (one unit of work per call, as a request runs it).
Prints the event count and p50 / p99 per tier (free: 30 days; pro: everything).
DESIGN.md §9: the whole dashboard uncached < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.amounts import CURRENCIES
from domain.models import Chain
from domain.portfolio import build_portfolio
from domain.rewards.events import RewardEvent, RewardKind
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.migrate import upgrade
from infrastructure.db.models import PriceCloseRow, RewardDayRow, RewardEventRow
from infrastructure.db.repositories.reward_events import RewardEventRepository
from infrastructure.db.uow import SqlUnitOfWork
from services import rewards

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
STEP = {Chain.ETH: timedelta(hours=1), Chain.SOL: timedelta(days=2), Chain.ATOM: timedelta(hours=1)}


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def seed(session_factory: object, owners: dict[Chain, str], positions: int, days: int) -> int:
    rows = []
    start = NOW - timedelta(days=days)
    for n in range(positions):
        chain = list(Chain)[n % 3]
        at = start + STEP[chain]
        while at <= NOW:
            rows.append(
                RewardEvent(
                    chain=chain,
                    owner=owners[chain],
                    position_key=f"p{n}",
                    validator=f"v{n}",
                    period=f"bench:{at.isoformat()}",
                    kind=RewardKind.REWARD,
                    amount=1_000 + n,
                    stake=32 * 10**9,
                    occurred_at=at,
                    period_start=at - STEP[chain],
                )
            )
            at += STEP[chain]
    closes = [
        {
            "chain": chain.value,
            "currency": currency,
            "day": (start + timedelta(days=d)).date(),
            "price": Decimal("100.5"),
            "priced_at": start + timedelta(days=d),
            "fetched_at": NOW,
        }
        for chain in Chain
        for currency in CURRENCIES
        for d in range(days + 1)
    ]
    session: AsyncSession
    async with session_factory() as session:  # type: ignore[operator]
        await session.execute(delete(PriceCloseRow))
        for i in range(0, len(rows), 5_000):  # as ingests would, a batch at a time
            await RewardEventRepository(session).add_many(rows[i : i + 5_000])
        await session.execute(insert(PriceCloseRow), closes)
        await session.commit()
        await session.execute(text("ANALYZE reward_events"))
        await session.execute(text("ANALYZE reward_days"))
        await session.commit()
    return len(rows)


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url)
    session_factory = create_session_factory(engine)
    tag = uuid.uuid4().hex[:10]
    owners = {c: f"bench-{c.value}-{tag}" for c in Chain}
    started = time.perf_counter()
    count = await seed(session_factory, owners, args.positions, args.days)
    report(f"seeded             {count:,} events in {time.perf_counter() - started:.1f} s")
    from domain.models import LinkedWallet

    wallets = [LinkedWallet(uuid.uuid4(), uuid.uuid4(), c, a, True, NOW) for c, a in owners.items()]
    portfolio = build_portfolio(wallets, [], {}, {("eth", "usd"): Decimal(3000)}, {}, NOW)
    for name, reward_days in (("free (30 days)", 30), ("pro (all)", None)):
        timings = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            async with SqlUnitOfWork(session_factory) as uow:
                await rewards.performance(uow, portfolio, wallets, reward_days, [], NOW)
            timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        report(f"{name:18} p50 {statistics.median(timings):7.1f} ms   p99 {p99:7.1f} ms")
    async with session_factory() as session:
        for model in (RewardEventRow, RewardDayRow):
            await session.execute(delete(model).where(model.owner.in_(list(owners.values()))))
        await session.commit()
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--positions", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    upgrade(arguments.database_url)
    asyncio.run(main(arguments))
