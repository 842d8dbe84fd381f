"""Benchmark: one whole hourly run (fetch → vrs → yield → alerts) of the three chains in
parallel, at mainnet sizes, on PostgreSQL against the demo network (issue 18 item 4,
target: < 60 s wall for the run).

    uv run python bench/pipeline.py \
        --database-url postgresql://postgres@127.0.0.1/st_bench_pipeline \
        --redis-url redis://127.0.0.1:6379/6

Setup (not timed): the database is dropped and created afresh (its name should be the
caller's own), migrated, and the Redis db flushed (give it a db number of your own). Then
the state an hourly run starts from, built through the app's own code where it can be:

- users (a verified email, pro) each with a linked wallet on each chain (the first three
  are the demo wallets, which stake; the others derive from the same public seed and hold
  nothing), `--observed-eth` ETH validators on their watchlists, `--alerts` alerts over
  the five types, half on one observed validator, half on "all my positions";
- the previous hour's fetch of each chain (`fetch_chain`, the pipeline's first step, and
  the prices job): the whole ETH set (`--eth-validators`, 1.1M) streamed from the demo
  beacon node into `eth_validators`, the SOL (1,300 vote accounts) and ATOM (240, 200
  bonded) sets, the wallets' positions, the observations of that hour;
- `--days` of hourly observations before it, written with COPY: each observed validator's
  previous-hour sample, jittered (uptime, performance, skip rate; 5 % of validators with
  outages; rare commission changes);
- the previous hour's vrs, yield and alerts steps (the pipeline's own functions): the daily
  rollups built, the per-hour context memo warm, today's yield snapshots and the alert
  conditions written — as after the last hourly run.

The measured run: `workers.jobs.pipeline.run_pipeline` for eth, sol and atom started
together in one event loop — what the arq worker does with its three hourly jobs (each
job a task in one loop, `max_jobs` 10) — with the demo network's clock one hour on. Each
step function the pipeline calls is wrapped to time it (the pipeline code itself runs
unchanged). Memory: a thread samples this process's RSS every 5 ms; a step's figure is
the highest RSS seen while it ran, in the whole process (steps of other chains run at the
same time: their memory is in it too) and how far above the RSS at its start. Process CPU
time is printed for the run; `--serial` runs the chains one after another instead, so
each step's CPU time (process, and the PostgreSQL server's backends) is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

TARGET_SECONDS = 60.0
CHAINS = ("eth", "sol", "atom")
TYPES = ("vrs_drop", "vrs_below", "commission_increase", "slashing", "jailed_or_delinquent")
OBSERVATION_COLUMNS = (
    "chain", "validator", "observed_at", "status", "stake", "commission", "jailed", "slashed",
    "tombstoned", "uptime", "performance", "skip_rate", "missed_blocks", "version",
)  # fmt: skip


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- memory and time per step ---------------------------------------------------------------


def _rss_kib() -> int:
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    return 0


def _hwm_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PostgresCpu:
    """CPU time (user + system) of the PostgreSQL backends serving one database, read from
    /proc (their command line names the database): the server's share of the work. Each
    backend's last reading is kept, so one that exits still counts."""

    def __init__(self, database: str) -> None:
        self._tag = f" {database} ".encode()
        self._ticks = os.sysconf("SC_CLK_TCK")
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def poll(self) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    command = cmdline.read().replace(b"\0", b" ") + b" "
                if not command.startswith(b"postgres:") or self._tag not in command:
                    continue
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    parts = stat.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            with self._lock:
                self._seen[pid] = int(parts[11]) + int(parts[12])  # utime, stime

    def seconds(self) -> float:
        self.poll()
        with self._lock:
            return sum(self._seen.values()) / self._ticks


@dataclass
class StepFigure:
    chain: str
    step: str
    started: float = 0.0
    ended: float = 0.0
    rss_start_kib: int = 0
    rss_peak_kib: int = 0
    cpu: float = 0.0  # process CPU during the step (its own only when run serially)
    db_cpu: float = 0.0  # its database's PostgreSQL backends' CPU during the step (idem)
    result: Any = None


@dataclass
class Recorder:
    """Step figures, and a sampler thread keeping each running step's peak RSS."""

    postgres: PostgresCpu
    steps: list[StepFigure] = field(default_factory=list)
    running: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    run_peak_kib: int = 0

    def reset(self) -> None:
        with self.lock:
            self.steps, self.running, self.run_peak_kib = [], set(), _rss_kib()

    def sample(self) -> None:
        ticks = 0
        while not self.stop.wait(0.005):
            ticks += 1
            if ticks % 40 == 0:  # every 0.2 s: a backend's CPU before it may exit
                self.postgres.poll()
            rss = _rss_kib()
            with self.lock:
                self.run_peak_kib = max(self.run_peak_kib, rss)
                for i in self.running:
                    figure = self.steps[i]
                    figure.rss_peak_kib = max(figure.rss_peak_kib, rss)

    def wrap(self, step: str, function: Callable[..., Awaitable[Any]]) -> Any:
        async def timed(deps: Any, chain: str, **kwargs: Any) -> Any:
            rss = _rss_kib()
            figure = StepFigure(chain, step, rss_start_kib=rss, rss_peak_kib=rss)
            with self.lock:
                self.steps.append(figure)
                index = len(self.steps) - 1
                self.running.add(index)
            cpu, db_cpu = time.process_time(), self.postgres.seconds()
            figure.started = time.perf_counter()
            try:
                figure.result = await function(deps, chain=chain, **kwargs)
                return figure.result
            finally:
                figure.ended = time.perf_counter()
                figure.cpu = time.process_time() - cpu
                figure.db_cpu = self.postgres.seconds() - db_cpu
                with self.lock:
                    self.running.discard(index)
                    figure.rss_peak_kib = max(figure.rss_peak_kib, _rss_kib())

        return timed


class DemoNetworkTime:
    """The demo network's own work, per host: it answers in this process (a real network's
    nodes would do it elsewhere), so its CPU is part of the run's and is printed apart. A
    handler's call is timed, and a streamed answer's body (the ETH set) as it renders."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.requests: dict[str, int] = {}

    def install(self, transport: Any) -> None:
        handlers = transport._handlers  # the bench looks inside the demo's router
        for host, handler in list(handlers.items()):
            handlers[host] = self._timed(host.split(".")[0], handler)

    def _add(self, host: str, seconds: float) -> None:
        self.seconds[host] = self.seconds.get(host, 0.0) + seconds

    def _timed(self, host: str, handler: Any) -> Any:
        async def timed(request: Any, now: datetime) -> Any:
            import httpx

            started = time.process_time()
            response = await handler(request, now)
            self._add(host, time.process_time() - started)
            self.requests[host] = self.requests.get(host, 0) + 1
            if isinstance(response.stream, httpx.ByteStream):
                return response
            return httpx.Response(
                response.status_code, headers=response.headers, content=self._body(host, response)
            )

        return timed

    async def _body(self, host: str, response: Any) -> Any:
        chunks = response.stream.__aiter__()
        while True:
            started = time.process_time()
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                self._add(host, time.process_time() - started)
                return
            self._add(host, time.process_time() - started)
            yield chunk


# -- the database ---------------------------------------------------------------------------


def _async_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    return url


def _plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def fresh_database(url: str) -> None:
    import asyncpg  # the bench's own admin connection, not the app's path

    base, name = _plain_url(url).rsplit("/", 1)
    if not name.endswith("_pipeline"):
        raise SystemExit(f"refusing to drop {name!r}: the bench's database name ends in _pipeline")
    admin = await asyncpg.connect(f"{base}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


# -- seeding --------------------------------------------------------------------------------


async def seed_users(
    factory: Any, args: argparse.Namespace, at: datetime, rng: random.Random
) -> list[uuid.UUID]:
    """Users, their wallets (one per chain), the ETH watchlists and the alerts' owners."""
    from sqlalchemy import insert

    from domain.models import Chain
    from infrastructure.chains.demo.wallets import demo_address
    from infrastructure.db.models import LinkedWalletRow, UserRow, UserSubscriptionRow
    from infrastructure.db.models.chain_data import WatchedValidatorRow

    users, subscriptions, wallets = [], [], []
    ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(args.users)]
    for i, user_id in enumerate(ids):
        users.append({"id": user_id, "email": f"bench-{i}@example.com", "email_verified_at": at})
        subscriptions.append(
            {
                "user_id": user_id,
                "tier": "pro",
                "started_at": at,
                "source": "admin",
                "updated_at": at,
            }
        )
        for chain in Chain:
            wallets.append(
                {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "chain": chain.value,
                    "address": demo_address(chain, i + 1),  # 1-3: the demo wallets
                    "is_primary": chain is Chain.ETH,
                }
            )
    watched = [
        {"user_id": ids[k % len(ids)], "chain": "eth", "validator": str(index)}
        for k, index in enumerate(rng.sample(range(args.eth_validators), args.observed_eth))
    ]
    async with factory() as session, session.begin():
        for table, rows in (
            (UserRow, users),
            (UserSubscriptionRow, subscriptions),
            (LinkedWalletRow, wallets),
            (WatchedValidatorRow, watched),
        ):
            for start in range(0, len(rows), 5000):
                await session.execute(insert(table), rows[start : start + 5000])
    return ids


async def seed_alerts(factory: Any, users: list[uuid.UUID], count: int, rng: random.Random) -> None:
    """`count` alerts over the chains and the five types: half on one observed validator,
    half on "all my positions" (on one chain or all)."""
    from sqlalchemy import insert, select

    from infrastructure.db.models import ValidatorObservationRow
    from infrastructure.db.models.alerts import AlertRow

    async with factory() as session:
        observed = {
            chain: list(
                await session.scalars(
                    select(ValidatorObservationRow.validator)
                    .where(ValidatorObservationRow.chain == chain)
                    .distinct()
                )
            )
            for chain in CHAINS
        }
    rules = []
    for k in range(count):
        kind = rng.choice(TYPES)
        chain = CHAINS[k % len(CHAINS)]
        on_one = k % 2 == 0 and observed[chain]
        rules.append(
            {
                "id": uuid.uuid4(),
                "user_id": users[k % len(users)],
                "type": kind,
                "chain": chain if on_one or rng.random() < 0.7 else None,
                "validator": rng.choice(observed[chain]) if on_one else None,
                "threshold": {"vrs_drop": Decimal(10), "vrs_below": Decimal(70)}.get(kind),
                "notify_resolved": True,
                "channels": ["email"],
                "active": True,
            }
        )
    async with factory() as session, session.begin():
        for start in range(0, len(rules), 5000):
            await session.execute(insert(AlertRow), rules[start : start + 5000])


def _jitter(value: str | None, rng: random.Random, spread: float, down: bool) -> str | None:
    if value is None:
        return None
    if down:
        return "0"
    base = float(value)
    return f"{min(1.0, max(0.0, base + (rng.random() - 0.5) * spread)):.4f}"


def _history(rows: list[Any], hour: datetime, hours: int, rng: random.Random) -> Any:
    """`hours` earlier samples of each validator, from its sample at `hour`: jittered
    rates, 5 % of validators with outages, rare commission changes."""
    for row in rows:
        shaky = rng.random() < 0.05
        commission = row["commission"]
        for back in range(hours, 0, -1):
            down = shaky and rng.random() < 0.02
            if commission is not None and rng.random() < 0.0005:
                commission = f"{rng.choice([0, 5, 7, 8, 10]) / 100:.2f}"
            chain = row["chain"]
            status = row["status"]
            if down and chain == "sol":
                status = "delinquent"
            yield (
                chain, row["validator"], hour - timedelta(hours=back), status, row["stake"],
                commission, row["jailed"] or (down and chain == "atom"), row["slashed"],
                row["tombstoned"], _jitter(row["uptime"], rng, 0.02, down),
                _jitter(row["performance"], rng, 0.04, False),
                _jitter(row["skip_rate"], rng, 0.02, False),
                (rng.randrange(50) if down else row["missed_blocks"])
                if row["missed_blocks"] is not None else None,
                row["version"],
            )  # fmt: skip


async def seed_history(url: str, chain: str, hour: datetime, days: int, seed: int) -> int:
    import asyncpg  # the bench's own bulk load, not the app's path

    connection = await asyncpg.connect(_plain_url(url))
    try:
        rows = await connection.fetch(
            "SELECT * FROM validator_observations WHERE chain = $1 AND observed_at = $2",
            chain,
            hour,
        )
        hours = days * 24 - 1
        await connection.copy_records_to_table(
            "validator_observations",
            records=_history(rows, hour, hours, random.Random(f"{seed}-{chain}")),
            columns=OBSERVATION_COLUMNS,
        )
        await connection.execute("ANALYZE validator_observations")
        return len(rows) * hours
    finally:
        await connection.close()


async def vacuum(url: str) -> None:
    """As autovacuum would have by the next hour: visibility map and statistics."""
    import asyncpg

    connection = await asyncpg.connect(_plain_url(url))
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _next_hour(url: str) -> datetime:
    import asyncpg

    connection = await asyncpg.connect(_plain_url(url))
    try:
        last = await connection.fetchval("SELECT max(observed_at) FROM validator_observations")
    finally:
        await connection.close()
    if last is None:
        raise SystemExit("--reuse: the database holds no observations (run without it first)")
    return last.astimezone(UTC) + timedelta(hours=1, minutes=5)


# -- the run --------------------------------------------------------------------------------


def _patch_steps(recorder: Recorder) -> None:
    """Time the steps `run_pipeline` calls, in place (its code runs as it is)."""
    from workers.jobs import fetch
    from workers.jobs import pipeline as job

    setattr(job, "fetch_chain", recorder.wrap("fetch", fetch.fetch_chain))  # noqa: B010
    job.AFTER_FETCH[:] = [(name, recorder.wrap(name, fn)) for name, fn in job.AFTER_FETCH]


async def run(args: argparse.Namespace) -> int:
    from infrastructure.resources import open_resources
    from infrastructure.settings import load_settings
    from workers.arq_settings import ArqJobQueue
    from workers.context import JobDeps
    from workers.jobs.fetch import fetch_chain, fetch_prices
    from workers.jobs.pipeline import AFTER_FETCH

    rng = random.Random(args.seed)
    # the run's hour: the next whole hour of the wall clock, at :05 as the cron ticks
    hour = (datetime.now(UTC) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    run_at, previous = hour + timedelta(minutes=5), hour - timedelta(hours=1)
    settings = load_settings(
        database_url=args.database_url,
        redis_url=args.redis_url,
        network="demo",
        demo_seed=args.seed,
        demo_eth_validators=args.eth_validators,
        secret_key="bench-" + "x" * 40,
        data_dir=tempfile.mkdtemp(prefix="bench-pipeline-"),
    )
    resources = open_resources(settings)
    queue = await ArqJobQueue.connect(args.redis_url)
    deps = JobDeps.from_resources(resources, queue=queue)
    clock = resources.chains().clock
    try:
        # -- setup: the state after the previous hourly run ----------------------------------
        if args.reuse:  # a database this bench set up (and ran) before: its next hour
            run_at = await _next_hour(args.database_url)
        else:
            setup = time.perf_counter()
            users = await seed_users(resources.session_factory, args, previous, rng)
            report(
                f"setup    {len(users):,} users x 3 wallets, {args.observed_eth:,} watched ETH "
                f"validators"
            )
            clock.fixed = previous + timedelta(minutes=5)
            await fetch_prices(deps)
            for chain in CHAINS:
                started = time.perf_counter()
                counts = await fetch_chain(deps, chain)
                took = time.perf_counter() - started
                report(f"setup    previous hour's fetch {chain}: {counts} ({took:.0f} s)")
            for chain in CHAINS:
                started = time.perf_counter()
                rows = await seed_history(args.database_url, chain, previous, args.days, args.seed)
                report(
                    f"setup    {chain}: {rows:,} observations of {args.days} days before it, COPY "
                    f"({time.perf_counter() - started:.0f} s)"
                )
            await seed_alerts(resources.session_factory, users, args.alerts, rng)
            for chain in CHAINS:
                for name, function in AFTER_FETCH:
                    started = time.perf_counter()
                    result = await function(deps, chain=chain)
                    report(
                        f"setup    previous hour's {name} {chain}: {result} "
                        f"({time.perf_counter() - started:.0f} s)"
                    )
            await vacuum(args.database_url)
            report(f"setup    done in {time.perf_counter() - setup:.0f} s")

        # -- the measured runs: consecutive hours -------------------------------------------
        demo = DemoNetworkTime()
        demo.install(resources.chains().clients[0]._client._transport)
        recorder = Recorder(PostgresCpu(_plain_url(args.database_url).rsplit("/", 1)[1]))
        _patch_steps(recorder)
        sampler = threading.Thread(target=recorder.sample, daemon=True)
        sampler.start()
        walls = []
        for k in range(args.runs):
            at = run_at + timedelta(hours=k)
            clock.fixed = at
            await fetch_prices(deps)  # its own cron job at :02, before the pipelines at :05
            walls.append(await measured_run(deps, recorder, demo, at, args))
        recorder.stop.set()
        sampler.join()
    finally:
        await queue.close()
        await resources.close()
    median = statistics.median(walls)
    report("")
    report(
        f"{len(walls)} run(s): wall {', '.join(f'{w:.1f}' for w in walls)} s; median "
        f"{median:.1f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if median < TARGET_SECONDS else 'MISSED'})"
    )
    return 0 if median < TARGET_SECONDS else 1


async def measured_run(
    deps: Any, recorder: Recorder, demo: DemoNetworkTime, at: datetime, args: argparse.Namespace
) -> float:
    """One hourly run of the three chains; prints its figures, returns its wall time."""
    from workers.jobs.pipeline import run_pipeline

    recorder.reset()
    demo.seconds.clear()
    demo.requests.clear()
    before_load, rss_before = load(), _rss_kib()
    cpu, db_cpu = time.process_time(), recorder.postgres.seconds()
    started = time.perf_counter()
    chains: dict[str, float] = {}

    async def one(chain: str) -> None:
        await run_pipeline(deps, chain)
        chains[chain] = time.perf_counter() - started

    if args.serial:
        for chain in CHAINS:
            await one(chain)
    else:
        await asyncio.gather(*(one(chain) for chain in CHAINS))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    db_cpu = recorder.postgres.seconds() - db_cpu
    after_load = load()

    mode = "one after another (--serial)" if args.serial else "in parallel, one event loop"
    report("")
    report(
        f"hourly run at {at:%Y-%m-%d %H:%M} UTC, chains {mode}: ETH set "
        f"{args.eth_validators:,}, SOL 1,300, ATOM 240 (200 bonded), {args.days} days of history"
    )
    report(
        f"{'chain':<6}{'step':<8}{'start':>8}{'wall':>9}{'cpu':>8}{'pg cpu':>8}"
        f"{'peak RSS':>11}{'+ over start':>14}   result"
    )
    for f in recorder.steps:
        report(
            f"{f.chain:<6}{f.step:<8}{f.started - started:>7.1f}s{f.ended - f.started:>8.2f}s"
            f"{f.cpu:>7.1f}s{f.db_cpu:>7.1f}s{f.rss_peak_kib / 1024:>7.0f} MiB"
            f"{(f.rss_peak_kib - f.rss_start_kib) / 1024:>10.0f} MiB   {_short(f.result)}"
        )
    for chain in CHAINS:
        report(f"{chain:<6}{'total':<8}{'':>8}{chains[chain]:>8.2f}s")
    report(
        f"run: wall {wall:.1f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if wall < TARGET_SECONDS else 'MISSED'}), process CPU {cpu:.1f} s, "
        f"PostgreSQL CPU {db_cpu:.1f} s, RSS {rss_before / 1024:.0f} MiB at start, "
        f"{recorder.run_peak_kib / 1024:.0f} MiB peak (process high-water mark incl. setup "
        f"{_hwm_mib():.0f} MiB)"
    )
    report(
        "demo network (in this process: CPU of the answers it rendered, part of the process "
        "CPU above): "
        + ", ".join(
            f"{host} {demo.seconds[host]:.1f} s / {demo.requests[host]:,} requests"
            for host in sorted(demo.seconds)
        )
    )
    report(f"load average before {before_load}, after {after_load}; {os.cpu_count()} CPUs")
    return wall


def _short(result: Any) -> str:
    text = str(result)
    return text if len(text) <= 90 else text[:87] + "..."


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1/st_bench_pipeline",
        help="dropped and created afresh: its name must end in _pipeline",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6", help="flushed")
    parser.add_argument("--eth-validators", type=int, default=1_100_000)
    parser.add_argument("--observed-eth", type=int, default=10_000, help="watched ETH validators")
    parser.add_argument("--days", type=int, default=90, help="hourly observations before the run")
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--alerts", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=1, help="consecutive hourly runs")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="no setup: run the hours after the last one of a database this bench set up",
    )
    parser.add_argument("--serial", action="store_true", help="the chains one after another")
    args = parser.parse_args()
    args.database_url = _async_url(args.database_url)
    from infrastructure.db.migrate import upgrade

    if not args.reuse:
        asyncio.run(fresh_database(args.database_url))
        asyncio.run(flush_redis(args.redis_url))
    upgrade(args.database_url)  # alembic runs its own event loop: before ours
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
