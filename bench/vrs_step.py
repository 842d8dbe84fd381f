"""The pipeline's `vrs` step per chain at mainnet sizes (issue 18 item 2): hourly
observations of 90 days for 1,300 SOL vote accounts, 200 Hub validators and 10,000
observed ETH validators (or fewer, `--eth-validators`), written with COPY into a scratch
PostgreSQL database, then `services.vrs.score_chain` timed as the hourly run does it:

- cold: the first run (the per-hour context memo empty: every hour's stats computed; no
  daily rollups yet: all of them built from the observations);
- full: the next hour's run from the observations alone (`incremental=False`, the step
  before the rollups) — one new hour observed, the memo warm;
- incremental: the hour after's run from the daily rollups plus the samples they do not
  cover — the steady state (each window's whole days read as one merged span per
  validator); timed twice;
- roll: the same with the span sets to build first (as the first run after the day
  rolls does, once a day).

Each chain runs in its own process so its peak RSS is its own. Prints the times and the
peak memory.

    uv run python bench/vrs_step.py --database-url postgresql://postgres@127.0.0.1/st_bench
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.models import Chain
from infrastructure.db.migrate import upgrade
from infrastructure.resources import open_resources
from infrastructure.settings import load_settings

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SIZES = {Chain.SOL: 1_300, Chain.ATOM: 200, Chain.ETH: 10_000}
COLUMNS = (
    "chain", "validator", "observed_at", "status", "stake", "commission", "jailed", "slashed",
    "tombstoned", "uptime", "performance", "skip_rate", "missed_blocks", "version",
)  # fmt: skip


def report(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - a benchmark prints its figures


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def db_cpu_seconds(database: str) -> float:
    """CPU time of the PostgreSQL backends serving `database` (this machine's server):
    with the process's own, the work a run costs, whatever the load of other processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f"postgres {database} ".encode() not in f.read().replace(b"\0", b" "):
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / tick


def _address(chain: Chain, i: int) -> str:
    if chain is Chain.ETH:
        return str(100_000 + i)
    if chain is Chain.ATOM:
        return f"cosmosvaloper1bench{i:033d}"
    return f"Vote{i:040d}"


def _rows(chain: Chain, validators: int, days: int, end: datetime) -> Any:
    """Hourly samples, hour by hour as the ingest appends them (so rows lie on disk in time
    order, as in production): mostly healthy, some validators with outages, a few
    commission changes — so every factor's code path runs."""
    hours = days * 24
    states = []
    for i in range(validators):
        rng = random.Random(f"{chain.value}-{validators}-{i}")
        stake = int(rng.lognormvariate(30, 1.2)) if chain is not Chain.ETH else 32 * 10**9
        commission = None if chain is Chain.ETH else f"{rng.choice([0, 5, 7, 8, 10]) / 100:.2f}"
        states.append([rng, _address(chain, i), stake, commission, rng.random() < 0.05])
    for h in range(hours):
        at = end - timedelta(hours=hours - 1 - h)
        for state in states:
            rng, address, stake, commission, shaky = state
            down = shaky and rng.random() < 0.02
            if commission is not None and rng.random() < 0.0005:
                commission = state[3] = f"{rng.choice([0, 5, 7, 8, 10]) / 100:.2f}"
            status = "delinquent" if down and chain is Chain.SOL else "active"
            uptime = "0" if down else f"{0.97 + rng.random() * 0.03:.4f}"
            yield (
                chain.value, address, at, status, stake + rng.randrange(1000), commission,
                down and chain is Chain.ATOM, False, False, uptime,
                f"{0.9 + rng.random() * 0.1:.4f}",
                f"{rng.random() * 0.05:.4f}" if chain is Chain.SOL else None,
                (rng.randrange(50) if down else 0) if chain is Chain.ATOM else None, None,
            )  # fmt: skip


async def _load(url: str, chain: Chain, validators: int, days: int) -> int:
    import asyncpg  # the bench's own bulk load, not the app's path

    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await connection.execute("DELETE FROM validator_observations WHERE chain = $1", chain.value)
        # vrs_scores is immutable by trigger: the bench's scratch database drops it whole
        await connection.execute("ALTER TABLE vrs_scores DISABLE TRIGGER USER")
        await connection.execute("DELETE FROM vrs_scores WHERE chain = $1", chain.value)
        await connection.execute("ALTER TABLE vrs_scores ENABLE TRIGGER USER")
        await connection.execute("DELETE FROM vrs_latest WHERE chain = $1", chain.value)
        await connection.execute("DELETE FROM vrs_rollups WHERE chain = $1", chain.value)
        await connection.execute("DELETE FROM vrs_rollup_spans WHERE chain = $1", chain.value)
        await connection.copy_records_to_table(
            "validator_observations", records=_rows(chain, validators, days, NOW), columns=COLUMNS
        )
        await connection.execute("ANALYZE validator_observations")
        return validators * days * 24
    finally:
        await connection.close()


async def _time_step(url: str, chain: Chain, validators: int, full: bool) -> dict[str, float]:
    from infrastructure.db.uow import SqlUnitOfWork
    from services.vrs import score_chain

    settings = load_settings(database_url=url, secret_key="bench-" + "x" * 40)
    resources = open_resources(settings)
    try:

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(resources.session_factory)

        took: dict[str, float] = {}
        cpu: dict[str, float] = {}
        # cold; then each next hour: one new hour observed, then the hourly run — full,
        # incremental, incremental with the span sets to build (the first run after the
        # day rolls), incremental again
        steps = (("cold", 0), ("full", 1), ("incremental", 2), ("roll", 3), ("incremental2", 4))
        for kind, hours in steps:
            at = NOW + timedelta(hours=hours)
            if hours:
                await _add_hour(url, chain, validators, at)
            if kind == "full" and not full:
                took[kind] = cpu[kind] = cpu[f"db_{kind}"] = float("nan")
                continue
            if kind == "roll":
                await _drop_spans(url, chain)
            database = url.rsplit("/", 1)[-1]
            started, used, db = time.perf_counter(), time.process_time(), db_cpu_seconds(database)
            await score_chain(
                uow, resources.cache, resources.reads, chain, [at], incremental=kind != "full"
            )
            took[kind] = time.perf_counter() - started
            cpu[kind] = time.process_time() - used
            cpu[f"db_{kind}"] = db_cpu_seconds(database) - db
    finally:
        await resources.close()
    return {**took, **{f"cpu_{k}": v for k, v in cpu.items()}, "peak": peak_rss_mib()}


async def _drop_spans(url: str, chain: Chain) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await connection.execute("DELETE FROM vrs_rollup_spans WHERE chain = $1", chain.value)
    finally:
        await connection.close()


async def _add_hour(url: str, chain: Chain, validators: int, at: datetime) -> None:
    import asyncpg

    rows = [(*row[:2], at, *row[3:]) for row in _rows(chain, validators, 1, NOW) if row[2] == NOW]
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await connection.copy_records_to_table(
            "validator_observations", records=rows, columns=COLUMNS
        )
    finally:
        await connection.close()


def _child(url: str, chain: Chain, validators: int, full: bool, out: Any) -> None:
    out.send(asyncio.run(_time_step(url, chain, validators, full)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_bench")
    parser.add_argument("--chains", default="sol,atom,eth")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--eth-validators", type=int, default=SIZES[Chain.ETH])
    parser.add_argument(
        "--skip-full", default="", help="chains whose full run is skipped (minutes for ETH)"
    )
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    upgrade(url)
    sizes = {**SIZES, Chain.ETH: args.eth_validators}
    report(f"vrs step, {args.days} days of hourly observations, PostgreSQL ({url.split('@')[-1]})")
    report(
        "incr.: the hourly run from the rollups (two hours); roll: the first after the day"
        " rolls (span sets built); in brackets CPU time: the process's + its PostgreSQL"
        " backends'; load: 1-min average"
    )
    report(
        f"{'chain':<6}{'validators':>11}{'rows':>12}{'cold':>21}{'full':>21}{'incr.':>21}"
        f"{'incr.':>21}{'roll':>21}{'peak':>10}{'load':>7}"
    )
    for name in args.chains.split(","):
        chain = Chain(name)
        started = time.perf_counter()
        rows = asyncio.run(_load(url, chain, sizes[chain], args.days))
        loading = time.perf_counter() - started
        ours, theirs = multiprocessing.Pipe()
        process = multiprocessing.Process(
            target=_child,
            args=(url, chain, sizes[chain], name not in args.skip_full.split(","), theirs),
        )
        process.start()
        got = ours.recv()
        process.join()
        times = "".join(
            f"{got[k]:>7.1f}s ({got['cpu_' + k]:>4.1f}+{got['cpu_db_' + k]:>4.1f}s)"
            for k in ("cold", "full", "incremental", "incremental2", "roll")
        )
        report(
            f"{chain.value:<6}{sizes[chain]:>11,}{rows:>12,}{times}{got['peak']:>6.0f} MiB"
            f"{os.getloadavg()[0]:>7.2f}   (loaded in {loading:.0f} s)"
        )


if __name__ == "__main__":
    main()
