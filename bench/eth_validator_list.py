"""Benchmark: ETH validator list pages over 1.1M validators on PostgreSQL (DESIGN.md §9
and issue 13 target: server time p99 < 50 ms per page).

    uv run python bench/eth_validator_list.py --validators 1100000

Migrates the database, loads the demo network's set (the bulk loader of
bench/eth_ingest.py: the demo beacon node's JSON through the streaming decoder into
`replace_validator_set`), seeds the demo labels and the scores of an "observed set" of
validators (through VrsScoreRepository.add, which keeps vrs_latest), then measures many
page requests through the real use case (`services.validators.list_validators`: one unit
of work per request, as the router runs it, without the HTTP and cache layers): first
pages and deep cursors of each sort, each filter. Prints p50 / p99 per case.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select, text

from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.validators import ListFilter, PagePosition, ValidatorSort
from domain.vrs import FACTORS, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.model import total_of
from infrastructure.chains.demo.ethereum import EthereumDemo, demo_labels
from infrastructure.chains.demo.transport import DEMO_ETH_BEACON_URL, DemoTransport
from infrastructure.chains.ethereum.adapter import EthConfig, EthereumAdapter
from infrastructure.chains.http import ChainHttp
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex, replace_validator_set
from infrastructure.db.migrate import upgrade
from infrastructure.db.models import EthValidatorRow
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from services import validators as service

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
FREE_VIEW = 3


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def load(args: argparse.Namespace, engine: Any) -> None:
    demo = EthereumDemo(seed=args.seed, validators=args.validators)
    transport = DemoTransport({httpx.URL(DEMO_ETH_BEACON_URL).host: demo}, clock=lambda: NOW)
    http = ChainHttp("eth-beacon", [DEMO_ETH_BEACON_URL], transport=transport, timeout=60)
    adapter = EthereumAdapter(http, SqlWithdrawalIndex(engine), now=lambda: NOW, config=EthConfig())
    started = time.perf_counter()
    stored = await replace_validator_set(engine, adapter.stream_validator_set())
    report(f"loaded             {stored:,} validators in {time.perf_counter() - started:.1f} s")
    await http.aclose()


async def seed_scores(session_factory: Any, validators: int, observed: int, seed: int) -> None:
    """Scores for `observed` validators spread over the set (the observed set), plus
    the demo labels."""
    rng = random.Random(seed)
    chosen = rng.sample(range(validators), observed)
    scores = []
    for index in chosen:
        values = {f: rng.randint(20, 100) for f in FACTORS}
        pending = rng.random() < 0.1
        scores.append(
            VrsScore(
                chain=Chain.ETH,
                validator=str(index),
                calculated_at=NOW,
                status=VrsStatus.PENDING if pending else VrsStatus.SCORED,
                total=None if pending else total_of(values, DEFAULT_WEIGHTS),
                scores=values,
                weights=dict(DEFAULT_WEIGHTS),
                data_days=3 if pending else 90,
                confidence=ScoreConfidence.LOW if pending else ScoreConfidence.HIGH,
            )
        )
    async with SqlUnitOfWork(session_factory) as uow:
        await uow.session.execute(text("DELETE FROM vrs_latest WHERE chain = 'eth'"))
        await uow.commit()
    async with session_factory() as session, session.begin():
        await VrsScoreRepository(session).add(scores)
    async with SqlUnitOfWork(session_factory) as uow:
        await service.seed_labels(uow, Chain.ETH, demo_labels(validators), NOW)
    async with session_factory() as session:
        await session.execute(text("ANALYZE vrs_latest"))
        await session.commit()


async def page(
    session_factory: Any,
    sort: ValidatorSort,
    limit: int,
    after: PagePosition | None,
    filters: ListFilter,
) -> tuple[float, PagePosition | None]:
    started = time.perf_counter()
    async with SqlUnitOfWork(session_factory) as uow:
        result = await service.list_validators(
            uow, Chain.ETH, sort, limit, NOW, FREE_VIEW, after=after, filters=filters
        )
    return (time.perf_counter() - started) * 1000, result.next


async def cursor_at(
    session_factory: Any, sort: ValidatorSort, filters: ListFilter, offset: int
) -> PagePosition:
    """A cursor `offset` rows into the listing (what a client gets after paging there)."""
    async with session_factory() as session:
        e = EthValidatorRow
        query: Any = select(e.index, e.balance)
        if filters.withdrawal_address:
            query = query.where(e.withdrawal_address == filters.withdrawal_address)
        if sort is ValidatorSort.INDEX:
            query = query.order_by(e.index)
        else:
            query = query.order_by(e.balance.desc(), e.index.desc())
        row = (await session.execute(query.offset(offset).limit(1))).one()
    key = row.index if sort is ValidatorSort.INDEX else -row.balance
    return PagePosition(key, str(row.index))


async def measure(
    session_factory: Any,
    name: str,
    sort: ValidatorSort,
    filters: ListFilter,
    afters: list[PagePosition | None],
    requests: int,
    limit: int,
) -> list[float]:
    times = []
    for i in range(requests):
        elapsed, _ = await page(session_factory, sort, limit, afters[i % len(afters)], filters)
        times.append(elapsed)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    report(f"{name:<44} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {times[-1]:6.1f} ms")
    return times


async def run(args: argparse.Namespace) -> None:
    sync_url = args.database_url.replace("postgresql+asyncpg://", "postgresql://")
    engine = create_engine(args.database_url)
    session_factory = create_session_factory(engine)
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(EthValidatorRow))
    if count != args.validators or args.reload:
        await load(args, engine)
    await seed_scores(session_factory, args.validators, args.observed, args.seed)
    report(f"database           {sync_url.rsplit('/', 1)[-1]}, observed (scored) {args.observed:,}")

    async with session_factory() as session:
        e = EthValidatorRow
        owners = (
            await session.execute(
                select(e.withdrawal_address, func.count().label("n"))
                .where(e.withdrawal_address.is_not(None))
                .group_by(e.withdrawal_address)
                .order_by(func.count().desc())
            )
        ).all()
    vault, vault_n = owners[0]
    operator, operator_n = next((o for o in owners if 50 <= o[1] <= 2_000), owners[1])
    solo, solo_n = owners[-1]
    report(
        f"owners             largest {vault_n:,} validators, an operator {operator_n:,}, "
        f"a solo staker {solo_n:,}"
    )
    n, limit = args.requests, args.limit
    everything = ListFilter()
    deep = [
        await cursor_at(session_factory, ValidatorSort.INDEX, everything, off)
        for off in (100_000, 550_000, args.validators - 500)
    ]
    deep_balance = [
        await cursor_at(session_factory, ValidatorSort.BALANCE, everything, off)
        for off in (100_000, 550_000, args.validators - 500)
    ]
    # vrs: a cursor in the scored part, and deep in the unscored part
    _, scored_next = await page(session_factory, ValidatorSort.VRS, 200, None, everything)
    unscored = [PagePosition(1, str(i)) for i in (1_000, 500_000, args.validators - 300)]
    by_owner = ListFilter(withdrawal_address=vault)
    deep_vault = [
        await cursor_at(session_factory, ValidatorSort.INDEX, by_owner, off)
        for off in (1_000, vault_n // 2, max(0, vault_n - 100))
    ]

    for _ in range(20):  # warm the pool and the caches
        await page(session_factory, ValidatorSort.INDEX, limit, None, everything)
    all_times: list[float] = []
    cases: list[tuple[str, ValidatorSort, ListFilter, list[PagePosition | None]]] = [
        ("index: first page", ValidatorSort.INDEX, everything, [None]),
        ("index: deep cursors", ValidatorSort.INDEX, everything, list(deep)),
        ("balance: first page", ValidatorSort.BALANCE, everything, [None]),
        ("balance: deep cursors", ValidatorSort.BALANCE, everything, list(deep_balance)),
        ("vrs: first page", ValidatorSort.VRS, everything, [None]),
        ("vrs: cursor in the scored part", ValidatorSort.VRS, everything, [scored_next]),
        ("vrs: deep in the unscored part", ValidatorSort.VRS, everything, list(unscored)),
    ]
    for status in ValidatorStatus:
        if status in (
            ValidatorStatus.ACTIVE,
            ValidatorStatus.PENDING,
            ValidatorStatus.SLASHED,
            ValidatorStatus.EXITING,
            ValidatorStatus.EXITED,
        ):
            only = ListFilter(status=status)
            cases.append((f"status={status.value}: index", ValidatorSort.INDEX, only, [None]))
            cases.append((f"status={status.value}: balance", ValidatorSort.BALANCE, only, [None]))
            cases.append((f"status={status.value}: vrs", ValidatorSort.VRS, only, [None]))
    for label, address in (("largest owner", vault), ("operator", operator), ("solo", solo)):
        owner = ListFilter(withdrawal_address=address)
        for sort in (ValidatorSort.INDEX, ValidatorSort.BALANCE, ValidatorSort.VRS):
            cases.append((f"withdrawalAddress ({label}): {sort.value}", sort, owner, [None]))
    cases.append(
        (
            "withdrawalAddress (largest): deep cursors",
            ValidatorSort.INDEX,
            by_owner,
            list(deep_vault),
        )
    )
    cases.append(
        (
            "status=active + largest owner: balance",
            ValidatorSort.BALANCE,
            ListFilter(status=ValidatorStatus.ACTIVE, withdrawal_address=vault),
            [None],
        )
    )
    report(f"pages of {limit}, {n} requests per case, through services.validators.list_validators")
    for name, sort, filters, afters in cases:
        all_times += await measure(session_factory, name, sort, filters, afters, n, limit)
    all_times.sort()
    report(
        f"{'ALL CASES':<44} p50 {statistics.median(all_times):6.1f} ms   "
        f"p99 {all_times[int(len(all_times) * 0.99)]:6.1f} ms"
    )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--validators", type=int, default=1_100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_scratch")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--observed", type=int, default=5_000, help="validators with a score")
    parser.add_argument("--requests", type=int, default=200, help="per case")
    parser.add_argument("--limit", type=int, default=50, help="page size")
    parser.add_argument("--reload", action="store_true", help="load the set even if present")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        args.database_url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    upgrade(args.database_url)  # alembic runs its own event loop: before ours
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
