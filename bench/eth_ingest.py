"""Benchmark: the whole ETH validator set from the demo beacon node, through ChainHttp, the
streaming decoder and `replace_validator_set`, into PostgreSQL (DESIGN.md §9 target:
1.1M validators in <= 10 s wall, <= 512 MiB peak RSS on 2 cores).

    uv run python bench/eth_ingest.py --validators 1100000

The demo generator runs in this process. After the measured ingest, two more passes
split the time: generation alone (the demo's JSON through the transport and ChainHttp),
then generation + decoding (no database); the rest of the ingest is the database's
(COPY, index builds and swap, partly overlapping the decoding).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from infrastructure.chains.demo.ethereum import EthereumDemo
from infrastructure.chains.demo.transport import DEMO_ETH_BEACON_URL, DemoTransport
from infrastructure.chains.ethereum.adapter import VALIDATORS, EthConfig, EthereumAdapter
from infrastructure.chains.http import ChainHttp
from infrastructure.db.engine import create_engine
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex, replace_validator_set
from infrastructure.db.models import EthValidatorRow

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    demo = EthereumDemo(seed=args.seed, validators=args.validators)
    transport = DemoTransport({httpx.URL(DEMO_ETH_BEACON_URL).host: demo}, clock=lambda: NOW)
    http = ChainHttp("eth-beacon", [DEMO_ETH_BEACON_URL], transport=transport, timeout=60)
    engine = create_engine(args.database_url)
    async with engine.begin() as connection:  # the table, when migrations have not run
        table = EthValidatorRow.metadata.tables[EthValidatorRow.__tablename__]
        await connection.run_sync(table.create, checkfirst=True)
    config = EthConfig(batch_bytes=args.batch_bytes)
    adapter = EthereumAdapter(http, SqlWithdrawalIndex(engine), now=lambda: NOW, config=config)
    setup = time.perf_counter() - started
    rss_before = peak_rss_mib()

    started = time.perf_counter()
    stored = await replace_validator_set(engine, adapter.stream_validator_set())
    wall = time.perf_counter() - started
    rss = peak_rss_mib()
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(EthValidatorRow))
    assert stored == count == args.validators, (stored, count)

    report(f"validators         {stored:,} (table holds {count:,})")
    report(f"wall               {wall:.2f} s  ({stored / wall:,.0f} rows/s)")
    report(f"peak RSS           {rss:.0f} MiB  (after setup: {rss_before:.0f} MiB)")
    report(f"setup (not timed)  {setup:.2f} s  (demo profiles, wallet keys, engine)")

    if args.breakdown:
        started = time.perf_counter()
        size = 0
        async with http.stream("GET", VALIDATORS) as response:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
        generation = time.perf_counter() - started
        started = time.perf_counter()
        async for _ in adapter.stream_validator_set():
            pass
        decoding = time.perf_counter() - started - generation
        report(f"  generation       {generation:.2f} s  ({size / 2**20:,.0f} MiB of JSON)")
        report(f"  decoding         {decoding:.2f} s  (gen + decode pass minus generation)")
        report(f"  database         {wall - generation - decoding:.2f} s  (the rest of the wall)")
        report(f"peak RSS, all runs {peak_rss_mib():.0f} MiB")
    await http.aclose()
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--validators", type=int, default=1_100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_scratch")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-bytes", type=int, default=EthConfig().batch_bytes)
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        args.database_url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
