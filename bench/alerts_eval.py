"""Benchmark: evaluating 10,000 active alerts on one chain on PostgreSQL (DESIGN.md §9,
issue 15 target: < 5 s).

    uv run python bench/alerts_eval.py --database-url postgresql://postgres@127.0.0.1/st_scratch

Seeds (bulk, into a scratch database: the bench's own rows are replaced on each run)
3,000 Solana validators with 25 hours of hourly observations and VRS scores (10 % raise
their commission 5 % → 8 % three hours ago, 10 % lose 20 score points, 5 % are
delinquent for the last two hours), 5,000 users with a verified email, one wallet and
three positions each, and two alerts per user (10,000): half on one validator, half on
"all my positions on sol", across the five types. Then times `services.alerts.
evaluate_chain` (the pipeline's step, one unit of work) twice: the first run, in which
many conditions start and their history and outbox rows are written, and a steady run
in which nothing changes. Prints both.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.models import Chain
from domain.vrs import FACTORS
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.migrate import upgrade
from infrastructure.db.models import (
    LinkedWalletRow,
    StakingPositionRow,
    UserRow,
    UserSubscriptionRow,
    ValidatorObservationRow,
    ValidatorRow,
    VrsScoreRow,
)
from infrastructure.db.models.alerts import AlertHistoryRow, AlertNotificationRow, AlertRow
from infrastructure.db.uow import SqlUnitOfWork
from services import alerts

VALIDATORS = 3_000
USERS = 5_000
HOURS = 25
PREFIX = "BenchAlertVal"
WALLET = "BenchAlertWallet"
TYPES = ("vrs_drop", "vrs_below", "commission_increase", "slashing", "jailed_or_delinquent")


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def chunked(session: Any, table: Any, rows: list[dict[str, Any]], size: int = 5000) -> None:
    for start in range(0, len(rows), size):
        await session.execute(insert(table), rows[start : start + size])


async def seed(factory: Any, now: datetime, rng: random.Random) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    validators = [f"{PREFIX}{i:05d}" for i in range(VALIDATORS)]
    raisers = set(rng.sample(validators, VALIDATORS // 10))
    droppers = set(rng.sample(validators, VALIDATORS // 10))
    delinquent = set(rng.sample(validators, VALIDATORS // 20))
    async with factory() as session, session.begin():
        bench_users = select(UserRow.id).where(UserRow.email.like("bench-alerts-%"))
        await session.execute(
            delete(AlertHistoryRow).where(AlertHistoryRow.user_id.in_(bench_users))
        )
        await session.execute(delete(AlertRow).where(AlertRow.user_id.in_(bench_users)))
        await session.execute(delete(UserRow).where(UserRow.email.like("bench-alerts-%")))
        for table, column in (
            (ValidatorRow, ValidatorRow.address),
            (ValidatorObservationRow, ValidatorObservationRow.validator),
            (StakingPositionRow, StakingPositionRow.validator),
        ):
            await session.execute(delete(table).where(column.like(f"{PREFIX}%")))
        await session.execute(
            delete(LinkedWalletRow).where(LinkedWalletRow.address.like(f"{WALLET}%"))
        )
    report(f"seeding            {VALIDATORS:,} validators x {HOURS + 1} hours, {USERS:,} users")
    async with factory() as session, session.begin():
        await chunked(
            session,
            ValidatorRow,
            [
                {
                    "chain": "sol",
                    "address": v,
                    "name": f"Bench {v[-5:]}",
                    "status": "active",
                    "stake": 10**15,
                    "commission": Decimal("0.05"),
                    "jailed": False,
                    "slashed": False,
                    "identity": {},
                    "fetched_at": hour,
                }
                for v in validators
            ],
        )
        observations, scores = [], []
        for v in validators:
            for n in range(HOURS, -1, -1):
                at = hour - n * timedelta(hours=1)
                observations.append(
                    {
                        "chain": "sol",
                        "validator": v,
                        "observed_at": at,
                        "status": "delinquent" if v in delinquent and n <= 1 else "active",
                        "stake": 10**15,
                        "commission": Decimal("0.08")
                        if v in raisers and n <= 3
                        else Decimal("0.05"),
                        "jailed": False,
                        "slashed": False,
                        "tombstoned": False,
                        "uptime": Decimal("0.95") if v in droppers and n == 0 else Decimal("0.99"),
                    }
                )
                total = 60 if v in droppers and n == 0 else 80
                score = {
                    "chain": "sol",
                    "validator": v,
                    "calculated_at": at,
                    "status": "scored",
                    "total": total,
                    "data_days": 60,
                    "confidence": "high",
                    "methodology_version": "bench",
                }
                for f in FACTORS:
                    score[f"{f.value}_score"] = total
                    score[f"{f.value}_weight"] = Decimal("0.2")
                scores.append(score)
        await chunked(session, ValidatorObservationRow, observations)
        for start in range(0, len(scores), 5000):  # append-only: earlier runs' hours stay
            await session.execute(
                pg_insert(VrsScoreRow).on_conflict_do_nothing(), scores[start : start + 5000]
            )
        users, wallets, positions, rules = [], [], [], []
        subscriptions: list[dict[str, object]] = []
        for i in range(USERS):
            user_id = uuid.uuid4()
            users.append(
                {
                    "id": user_id,
                    "email": f"bench-alerts-{i}@example.com",
                    "email_verified_at": hour,
                }
            )
            subscriptions.append(
                {
                    "user_id": user_id,
                    "tier": "pro",
                    "started_at": hour,
                    "source": "admin",
                    "updated_at": hour,
                }
            )
            wallet = f"{WALLET}{i:05d}"
            wallets.append(
                {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "chain": "sol",
                    "address": wallet,
                    "is_primary": True,
                }
            )
            for k, v in enumerate(rng.sample(validators, 3)):
                positions.append(
                    {
                        "chain": "sol",
                        "owner": wallet,
                        "key": f"{wallet}-{k}",
                        "validator": v,
                        "kind": "stake",
                        "amount": 10**12,
                        "status": "active",
                        "fetched_at": hour,
                    }
                )
            for scoped in (False, True):
                kind = rng.choice(TYPES)
                threshold = {"vrs_drop": Decimal(10), "vrs_below": Decimal(70)}.get(kind)
                rules.append(
                    {
                        "id": uuid.uuid4(),
                        "user_id": user_id,
                        "type": kind,
                        "chain": "sol" if (scoped and rng.random() < 0.5) or not scoped else None,
                        "validator": None if scoped else rng.choice(validators),
                        "threshold": threshold,
                        "notify_resolved": True,
                        "channels": ["email"],
                        "active": True,
                    }
                )
        await chunked(session, UserRow, users)
        await chunked(session, UserSubscriptionRow, subscriptions)
        await chunked(session, LinkedWalletRow, wallets)
        await chunked(session, StakingPositionRow, positions)
        await chunked(session, AlertRow, rules)


async def run(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url)
    factory = create_session_factory(engine)
    now = datetime.now(UTC).replace(minute=10, second=0, microsecond=0)
    await seed(factory, now, random.Random(args.seed))
    async with factory() as session:
        active = await session.scalar(
            select(func.count()).select_from(AlertRow).where(AlertRow.active.is_(True))
        )
    report(f"active alerts      {active:,} (all chains; the bench's 10,000 look at sol)")

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    figures = []
    for label in ("first run (fires)", "steady run"):
        started = time.perf_counter()
        result = await alerts.evaluate_chain(uow, Chain.SOL, now)
        elapsed = time.perf_counter() - started
        figures.append(elapsed)
        counts = result.as_dict()
        report(
            f"{label:<18} {elapsed:6.2f} s  alerts {counts['alerts']:,}, validators "
            f"{counts['validators']:,}, fired {counts['fired']:,}, resolved "
            f"{counts['resolved']:,}, outbox rows {counts['queued']:,}"
        )
    async with factory() as session:
        outbox = await session.scalar(select(func.count()).select_from(AlertNotificationRow))
    report(f"outbox rows total  {outbox:,}")
    await engine.dispose()
    worst = max(figures)
    report(f"target < 5 s: {'met' if worst < 5 else 'MISSED'} (worst {worst:.2f} s)")
    if worst >= 5:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_scratch")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        args.database_url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    upgrade(args.database_url)  # alembic runs its own event loop: before ours
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
