"""Benchmark: cached and uncached API reads against a minimal FastAPI app serving the same
bytes from the same Redis, in one run on PostgreSQL + Redis (issue 18: cached authenticated
reads at >= 0.6x the minimal app's req/s with p99 <= 2x its p99; DESIGN.md §9: uncached
portfolio < 50 ms).

    uv run python bench/api_read.py      # ~100 s; needs wrk (apt-get install -y wrk)

Recreates the database (default `st_bench_api`), flushes Redis db 13 and seeds 5,000 users
from the demo network (bench/api_read_seed.py). Serves the app with uvicorn (one worker,
CPU 0) through `create_bench_app`, which adds `GET /bench/bare/{portfolio,validators}`:
one `await redis.get(key)` returning a cached response's bytes, behind the app's own
middleware. The yardstick is bench/minimal_app.py: its own uvicorn process (same flags,
same CPU), one route `await redis.get(key)` -> bytes, no middleware; it serves a copy of
each cached read's bytes. Uncached server time is
the app's own request-log `duration_ms` for sequential requests, each made after deleting
its cache entry. Load is wrk on CPU 1: 3 interleaved rounds of the cached authenticated reads
(portfolio and yield rotating over 1,000 users' tokens; a SOL validator's VRS score and
the validators page with the same tokens), each followed by the minimal app serving its
bytes (same headers), and the bare endpoints; medians reported, with the ratio to the
minimal app (req/s, p99) and the server's CPU per request (steadier than req/s on a
shared machine); then portfolio over every user after dropping the cache.
RATE_LIMIT_DEFAULT is 1000000/minute: on, just high; the portfolio and validators cache
TTLs are an hour, so no entry expires during the rounds. Always exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median, quantiles
from typing import Any

import httpx
from fastapi import FastAPI, Request
from minimal_app import MINIMAL_KEY
from redis.asyncio import Redis
from starlette.responses import Response

from api.app import create_app
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings, load_settings

BENCH_DIR = Path(__file__).resolve().parent
BARE_KEY = "staketrack:bench:bare:"
SECRET_KEY = "bench-api-read-fixed-secret-key-40-chars"
VALIDATORS_PATH = "/api/validators?chain=sol&limit=50"
PORTFOLIO_PATH = "/api/portfolio"
YIELD_PATH = "/api/yield"
PORTFOLIO_KEY = "staketrack:portfolio:all:{}"  # infrastructure.cache.reads.cache_key
UNCACHED_TARGET_MS = 50.0
MINIMAL_SHARE, MINIMAL_P99_FACTOR = 0.6, 2.0  # issue 18: ours vs the minimal app
SNAPSHOT_REWARM_SECONDS = 30.0  # the session snapshot's TTL is 60 s; a run is 5 s
BARE_SHARE = 0.5  # DESIGN.md §9: ours vs the bare endpoint behind our middleware


def report(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def create_bench_app() -> FastAPI:
    """uvicorn factory: the app as `staketrack serve` builds it (settings from the
    environment, JSON request log) plus the bare endpoints."""
    settings = load_settings()
    configure_logging(settings)
    app = create_app(settings)
    for name in ("portfolio", "validators"):
        app.add_api_route(f"/bench/bare/{name}", _bare(BARE_KEY + name), include_in_schema=False)
        app.router.routes.insert(0, app.router.routes.pop())  # before the SPA's catch-all
    return app


def _bare(key: str) -> Any:
    async def bare(request: Request) -> Response:
        body = await request.app.state.resources.redis.get(key)
        return Response(body, media_type="application/json")

    return bare


def revision() -> str:
    git = ["git", "-C", str(BENCH_DIR), "describe", "--always", "--dirty"]
    return subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()


def pinned(cpu: int, args: argparse.Namespace) -> list[str]:
    return ["taskset", "-c", str(cpu)] if args.pin and shutil.which("taskset") else []


WRK_SCRIPT = """
local tokens = {%s}
local path, nthreads, counter, created = "%s", %d, 0, 0
function setup(thread) thread:set("tid", created); created = created + 1 end
function init(args) counter = tid * math.floor(#tokens / nthreads) end
function request()
  if #tokens == 0 then return wrk.format("GET", path) end
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
function done(s, latency, requests)
  local e = s.errors
  io.write(string.format('BENCH {"requests": %%d, "rps": %%.1f, "non2xx": %%d, "errors": %%d, '
    .. '"p50": %%.3f, "p99": %%.3f}\\n', s.requests, s.requests / s.duration * 1e6, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


async def start_server(
    args: argparse.Namespace,
    log: Path,
    factory: str = "api_read:create_bench_app",
    health: str = "/api/health",
) -> tuple[Any, str]:
    """uvicorn, one worker, with the bench settings as environment variables (the same
    flags for the app and the minimal app: uvicorn picks uvloop and httptools)."""
    env = {**os.environ, **{k.upper(): str(v) for k, v in args.overrides.items()}}
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [*pinned(0, args), sys.executable, "-m", "uvicorn", "--factory"]
    command += [factory, "--app-dir", str(BENCH_DIR), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--no-access-log", "--no-server-header"]
    with log.open("w") as out:  # the child keeps its own descriptor
        server = await asyncio.create_subprocess_exec(*command, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(150):
            if server.returncode is not None:
                break
            try:
                if (await client.get(health)).status_code == 200:
                    return server, base
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not come up; see {log}")


class Bench:
    """One run against the served app: its address, request log, Redis and the users."""

    def __init__(self, args: argparse.Namespace, settings: Settings, users: list[Any]) -> None:
        self.args, self.settings = args, settings
        self.log = Path(args.workdir) / "server.log"
        self.redis = Redis.from_url(args.redis_url)
        self.normal = [u for u in users if u.positions < args.heavy_positions]
        self.heavy = [u for u in users if u.positions >= args.heavy_positions]
        self.base = ""
        self.server: Any = None  # the uvicorn process, once started
        self.minimal: Any = None  # the minimal app's uvicorn process
        self.minimal_base = ""
        self.vrs_path = ""  # a SOL validator's score, found when warming
        self.snapshots_warmed = 0.0  # time.monotonic() of the last rewarm_snapshots

    async def wrk(
        self, path: str, tokens: list[str], seconds: float, *, minimal: bool = False
    ) -> dict[str, Any]:
        """One wrk run (tokens rotate per request, threads start at disjoint offsets),
        against the app or (`minimal`) the minimal app."""
        args, script = self.args, Path(self.args.workdir) / "run.lua"
        quoted = ",".join(f'"{t}"' for t in tokens)
        script.write_text(WRK_SCRIPT % (quoted, path, args.threads))
        command = [*pinned(1, args), "wrk", f"-t{args.threads}", f"-c{args.connections}"]
        command += [f"-d{seconds}s", "--latency", "--timeout", "5s", "-s", str(script)]
        server = self.minimal if minimal else self.server
        cpu, url = self.server_cpu(server), (self.minimal_base if minimal else self.base) + path
        process = await asyncio.create_subprocess_exec(*command, url, stdout=subprocess.PIPE)
        out, _ = await process.communicate()
        cpu = self.server_cpu(server) - cpu
        line = next(x for x in out.decode().splitlines() if x.startswith("BENCH "))
        stats = json.loads(line.removeprefix("BENCH "))
        if stats["non2xx"] or stats["errors"]:
            report(f"  ! {path}: {stats['non2xx']:.0f} non-2xx, {stats['errors']:.0f} errors")
        return {**stats, "cpu": cpu / max(1, stats["requests"]) * 1e6}  # CPU us per request

    @staticmethod
    def server_cpu(server: Any) -> float:
        """A server process's CPU seconds so far (Linux /proc): robust to noisy
        neighbours, unlike req/s."""
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def server_times(
        self, client: httpx.AsyncClient, calls: list[tuple[str, str | None, str]]
    ) -> list[float]:
        """Sequential uncached requests (path, token, cache key to delete first): the
        app's own `duration_ms` for each, matched by request id in its request log."""
        ids = []
        for n, (path, token, key) in enumerate(calls):
            await self.redis.delete(key)
            ids.append(f"bench-{time.monotonic_ns()}-{n}")
            headers = {"x-request-id": ids[-1]}
            if token:
                headers["authorization"] = f"Bearer {token}"
            response = await client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code, response.text)
        await asyncio.sleep(0.2)
        wanted, found = set(ids), {}
        for line in (await asyncio.to_thread(self.log.read_text)).splitlines():
            if '"request"' in line and "bench-" in line:
                entry = json.loads(line)
                if entry.get("event") == "request" and entry.get("request_id") in wanted:
                    found[entry["request_id"]] = float(entry["duration_ms"])
        return [found[i] for i in ids if i in found]

    async def build_times(self, users: list[Any]) -> list[float]:
        """The portfolio build alone (queries, model, JSON) in this process, in ms."""
        from api.presenters.portfolio import portfolio_json
        from domain.models import Tier
        from infrastructure.db.engine import create_engine, create_session_factory
        from infrastructure.db.uow import SqlUnitOfWork
        from services.portfolio import scored

        engine = create_engine(self.settings.effective_database_url)
        sessions, times = create_session_factory(engine), []
        for user in users:
            started = time.perf_counter()
            async with SqlUnitOfWork(sessions) as uow:
                now = datetime.now(UTC)
                portfolio_json(await scored(uow, user.id, Tier.FREE, None, now))
            times.append((time.perf_counter() - started) * 1000)
        await engine.dispose()
        return times

    async def uncached(self, client: httpx.AsyncClient) -> dict[str, list[float]]:
        """Server time of uncached reads (each cache entry deleted just before)."""
        sample = random.Random(5).sample(self.normal, self.args.samples)
        await client.get(VALIDATORS_PATH)  # creates the validators entry, to learn its key
        (validators_key,) = [k async for k in self.redis.scan_iter("staketrack:validators:*")]

        def portfolio(group: list[Any]) -> list[tuple[str, str | None, str]]:
            return [(PORTFOLIO_PATH, u.token, PORTFOLIO_KEY.format(u.id)) for u in group]

        validators = [(VALIDATORS_PATH, None, validators_key)] * 100
        heavy = f"portfolio, {self.args.heavy_positions} positions"
        return {
            "portfolio, ~10 positions": await self.server_times(client, portfolio(sample)),
            heavy: await self.server_times(client, portfolio(self.heavy * 5)),
            "validators sol limit=50": await self.server_times(client, validators),
            "portfolio build only (in-process)": await self.build_times(sample),
        }

    async def warm(self, client: httpx.AsyncClient, users: list[Any]) -> dict[str, int]:
        """Cache the users' portfolios and yields, the validator page and a SOL
        validator's score; copy one of each (as the first user sees it) to the minimal
        app's keys and the bare endpoints'. Returns the bodies' sizes."""
        gate = asyncio.Semaphore(8)

        async def get(user: Any) -> None:
            async with gate:
                auth = {"authorization": f"Bearer {user.token}"}
                for path in (PORTFOLIO_PATH, YIELD_PATH):
                    assert (await client.get(path, headers=auth)).status_code == 200

        await asyncio.gather(*(get(u) for u in users))
        auth = {"authorization": f"Bearer {users[0].token}"}
        page = await client.get(VALIDATORS_PATH, headers=auth)
        self.vrs_path = f"/api/vrs/{page.json()['data'][0]['id']}"
        bodies = {
            "portfolio": (await client.get(PORTFOLIO_PATH, headers=auth)).content,
            "yield": (await client.get(YIELD_PATH, headers=auth)).content,
            "vrs": (await client.get(self.vrs_path, headers=auth)).content,
            "validators": page.content,
        }
        for name, body in bodies.items():
            await self.redis.set(MINIMAL_KEY + name, body)
            await self.redis.set(BARE_KEY + name, body)
        return {name: len(body) for name, body in bodies.items()}

    async def drop_portfolios(self) -> int:
        keys = [k async for k in self.redis.scan_iter("staketrack:portfolio:*", count=1000)]
        if keys:
            await self.redis.unlink(*keys)
        return len(keys)

    async def run(self) -> None:
        args = self.args
        self.server, self.base = await start_server(args, self.log)
        minimal_log = Path(args.workdir) / "minimal.log"
        minimal = "minimal_app:create_minimal_app", "/minimal/health"
        self.minimal, self.minimal_base = await start_server(args, minimal_log, *minimal)
        rotated = random.Random(11).sample(self.normal, args.rotate)
        tokens = [u.token for u in rotated]
        try:
            async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
                report(f"server {self.base} (pid {self.server.pid}); uncached server times ...")
                times = await self.uncached(client)
                report(f"warming the cache for {len(rotated):,} users ...")
                sizes = await self.warm(client, rotated)
            report(f"wrk: {args.threads} threads, {args.connections} connections")
            await self.wrk("/bench/bare/portfolio", tokens, 2)  # warm-ups, not reported
            await self.wrk("/minimal/portfolio", tokens, 2, minimal=True)
            # (name, path, tokens, against the minimal app, the run it is compared with):
            # each read, then the minimal app serving its bytes with the same headers
            plan: list[tuple[str, str, list[str], bool, str | None]] = []
            reads = [
                ("portfolio", PORTFOLIO_PATH),
                ("yield", YIELD_PATH),
                ("vrs", self.vrs_path),
                ("validators", VALIDATORS_PATH),
            ]
            for name, path in reads:
                yardstick = f"  minimal app, {name} ({sizes[name]:,} B)"
                plan.append((f"{name} cached", path, tokens, False, yardstick))
                plan.append((yardstick, f"/minimal/{name}", tokens, True, None))
            for name in ("portfolio", "validators"):
                plan.append(
                    (
                        f"bare {name} (our middleware)",
                        f"/bench/bare/{name}",
                        tokens,
                        False,
                        f"{name} cached",
                    )
                )
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in plan}
            for n in range(args.rounds):  # interleaved, so drift hits both sides alike
                for name, path, run_tokens, on_minimal, _ in plan:
                    if not on_minimal:
                        await self.rewarm_snapshots(tokens)
                    run = await self.wrk(path, run_tokens, args.duration, minimal=on_minimal)
                    rounds[name].append(run)
                rates = ", ".join(f"{r[-1]['rps']:,.0f}" for r in rounds.values())
                report(f"  round {n + 1} req/s: {rates}")
            runs = {name: {**median_of(rounds[name]), "vs": vs} for name, *_, vs in plan}
            await self.drop_portfolios()
            everyone = [u.token for u in self.normal]
            uncached = await self.wrk(PORTFOLIO_PATH, everyone, 2 * args.duration)
            uncached["misses"] = await self.drop_portfolios()  # every entry left was a miss
            runs["portfolio uncached (all users)"] = {**uncached, "vs": None}
            print_results(runs, times)
        finally:
            for server in (self.server, self.minimal):
                if server is None:
                    continue
                server.terminate()
                try:
                    await asyncio.wait_for(server.wait(), 10)
                except TimeoutError:
                    server.kill()
            await self.redis.aclose()

    async def rewarm_snapshots(self, tokens: list[str]) -> None:
        """One request per token before a run of ours when the last was over 30 s ago:
        the session snapshots (60 s TTL) stay cached through the run, so the measured
        requests are hits, as in steady use."""
        if time.monotonic() - self.snapshots_warmed < SNAPSHOT_REWARM_SECONDS:
            return
        # stored afresh, so each lives its full TTL from now: one stored 50 s ago would be
        # left as it is and expire during the next run (its requests then miss)
        stale = [k async for k in self.redis.scan_iter("staketrack:principal:*", count=1000)]
        if stale:
            await self.redis.unlink(*stale)
        gate = asyncio.Semaphore(8)
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:

            async def get(token: str) -> None:
                async with gate:
                    auth = {"authorization": f"Bearer {token}"}
                    await client.get(PORTFOLIO_PATH, headers=auth)

            await asyncio.gather(*(get(t) for t in tokens))
        self.snapshots_warmed = time.monotonic()


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: median(r[key] for r in runs) for key in ("rps", "p50", "p99", "cpu")}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_results(runs: dict[str, dict[str, Any]], times: dict[str, list[float]]) -> None:
    report()
    header = f"{'endpoint (wrk, median of rounds)':<40}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}"
    report(header + "  CPU us/req   ratio req/s, p99 factor (CPU factor)")
    for name, run in runs.items():
        line = f"{name:<40}{run['rps']:>7,.0f}{run['p50']:>8.1f}{run['p99']:>8.1f}"
        line += f"{run['cpu']:>12,.0f}"
        if run["vs"]:
            other = runs[run["vs"]]
            share, factor = run["rps"] / other["rps"], run["p99"] / other["p99"]
            if name.startswith("bare "):  # the middleware's share: bare vs ours, §9
                share, factor = 1 / share, 1 / factor
                line += f"   ours/bare {share:4.2f} {verdict(share >= BARE_SHARE)}, "
                line += f"{factor:4.2f}x {verdict(factor <= 2.0)}"
            else:
                line += f"   ours/minimal {share:4.2f} {verdict(share >= MINIMAL_SHARE)}, "
                line += f"{factor:4.2f}x {verdict(factor <= MINIMAL_P99_FACTOR)}"
            line += f" ({run['cpu'] / other['cpu']:.1f}x)"
        elif "misses" in run:
            line += f"   ({run['misses']:,} misses, {run['requests']:,.0f} requests)"
        report(line)
    report()
    report(f"{'uncached, server time (sequential)':<38}{'n':>8}{'p50 ms':>8}{'p99 ms':>8}   target")
    for name, values in times.items():
        p50, p99 = median(values), quantiles(values, n=100, method="inclusive")[98]
        target = ""
        if name.startswith("portfolio,"):
            target = f"   p99 < {UNCACHED_TARGET_MS:.0f} ms {verdict(p99 < UNCACHED_TARGET_MS)}"
        report(f"{name:<38}{len(values):>8}{p50:>8.2f}{p99:>8.2f}{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/st_bench_api")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    for name, default, text in [
        ("users", 5000, "users seeded"),
        ("heavy", 20, "of them with --heavy-positions"),
        ("heavy-positions", 50, ""),
        ("eth-validators", 20_000, "demo ETH validator set"),
        ("rotate", 1000, "users whose tokens wrk rotates over (cached run)"),
        ("samples", 200, "uncached portfolio timings"),
        ("rounds", 3, "interleaved rounds of the cached/bare runs (medians reported)"),
        ("duration", 5, "seconds per wrk run"),
        ("threads", 2, "wrk threads"),
        ("connections", 50, "wrk connections"),
    ]:
        parser.add_argument(f"--{name}", type=int, default=default, help=text)
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="no taskset")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    from api_read_seed import recreate_database, seed

    with tempfile.TemporaryDirectory(prefix="bench_api_read_") as workdir:
        args.workdir = workdir
        # the app's settings (the server gets them as environment variables)
        args.overrides = dict(
            database_url=args.database_url,
            redis_url=args.redis_url,
            secret_key=SECRET_KEY,
            network="demo",
            demo_eth_validators=args.eth_validators,
            data_dir=workdir,
            rate_limit_default="1000000/minute",
            # no cached entry expires during the rounds (a few minutes): they measure hits
            cache_ttl_portfolio=3600,
            cache_ttl_validators=3600,
            log_format="json",
            log_level="INFO",
        )
        settings = load_settings(**args.overrides)
        configure_logging(settings.model_copy(update={"log_level": "WARNING"}))
        assert settings.database_url
        started = time.perf_counter()
        report(f"app revision {revision() or 'unknown'}; seeding {args.users:,} users ...")
        recreate_database(settings.database_url)

        async def run() -> None:
            async with Redis.from_url(args.redis_url) as redis:
                await redis.flushdb()
            users = await seed(settings, args.users, args.heavy, args.heavy_positions, report)
            report(f"database ready in {time.perf_counter() - started:.1f} s")
            await Bench(args, settings, users).run()

        asyncio.run(run())
        report(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
