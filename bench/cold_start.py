"""Benchmark: cold start (NFR6) — `staketrack serve` from exec to its first answered
`/api/health` (target < 1 s), and `staketrack --help` (target < 0.3 s).

    uv run python bench/cold_start.py              # ~1 min
    uv run python bench/cold_start.py --runs 9 --importtime

A fresh DATA_DIR with the embedded SQLite database, migrated once (`staketrack migrate`)
before the runs, so each `serve` finds it current, as on a restart. Each run execs the
installed `staketrack` console script (what a replica or a shell runs), polls the port
every 2 ms with one `GET /api/health` per connection, and ends the server with SIGTERM.
Besides the wall time it reports the CPU time the process had used when it answered
(user + system, from /proc): on a busy shared machine that is the steadier figure, and
on an idle one the start is single-threaded CPU work, so wall ~= CPU there.

In the same run, interleaved, the same measurement of `floor`: the thinnest app on the
same stack (FastAPI + an SQLAlchemy async engine + uvicorn, one health route) — what no
start-up of ours can beat on this machine.

Bytecode: as installed (pip, the Docker image's UV_COMPILE_BYTECODE=1, or any earlier
run) Python reads cached bytecode. When PYTHONDONTWRITEBYTECODE is set, as in some
sandboxes, every start would compile every module from source instead (seconds); the
runs here use their own cache (PYTHONPYCACHEPREFIX in the temp directory, filled by an
unmeasured first run). `--no-bytecode` measures the compile-every-time case instead.

Production mode (`--database-url postgresql+asyncpg://... --redis-url redis://...`): the
same runs against a server database (migrated once, as an operator's `staketrack migrate`
on deploy) and Redis; jobs then run in `staketrack worker`, not in `serve`, and the floor
app's engine points at the same database. Use a database and Redis db of your own.

In embedded mode `serve` enqueues its start-up jobs (catch-up, prices, heartbeat) 1 s
after its lifespan has started (api/cli.py STARTUP_JOBS_DELAY_SECONDS), so their imports
and I/O are not part of the figure; they still run (tests/e2e/test_cold_start.py).

`--network mainnet` (the default) points every chain and price URL at a closed local port:
no public endpoint is reached. `--network demo`: the demo network, in process (its
validator labels, seeded in the lifespan, load httpx). `--importtime` prints the slowest
imports of one `serve` start (`python -X importtime`, which inflates them). Always exits 0.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from statistics import median

BIN = Path(sys.executable).parent
STAKETRACK = str(BIN / "staketrack")
SERVE_TARGET_S = 1.0
HELP_TARGET_S = 0.3
POLL_SECONDS = 0.002
GIVE_UP_SECONDS = 120.0
REQUEST = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
FLOOR_APP = """
import os
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

app = FastAPI()
engine = create_async_engine(os.environ["FLOOR_DATABASE_URL"])


@app.get("/api/health")
async def health() -> dict[str, object]:
    return {"data": {"status": "ok"}, "meta": {}}


uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")
"""


def report(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(
    tmp: Path, network: str, bytecode: bool, database_url: str | None, redis_url: str | None
) -> dict[str, str]:
    drop = {"DATABASE_URL", "REDIS_URL", "PYTHONPROFILEIMPORTTIME", "PYTHONPYCACHEPREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"DATA_DIR": str(tmp / "data"), "LOG_FORMAT": "json", "NETWORK": network})
    env["FLOOR_DATABASE_URL"] = database_url or f"sqlite+aiosqlite:///{tmp / 'floor.db'}"
    if database_url:  # production mode refuses to start without a key of its own
        env["DATABASE_URL"] = database_url
        env["SECRET_KEY"] = secrets.token_urlsafe(32)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if network == "mainnet":  # connection refused at once: no public endpoint is reached
        closed = f"http://127.0.0.1:{free_port()}"
        for name in (
            "ETH_BEACON_URL",
            "ETH_EXECUTION_URL",
            "SOLANA_RPC_URL",
            "COSMOS_LCD_URL",
            "PRICE_API_URL",
        ):
            env[name] = closed
    return env


def health_answered(port: int) -> bool:
    """One connection, one request: True once the server answers 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5.0) as connection:
            connection.sendall(REQUEST)
            head = connection.recv(64)
    except OSError:
        return False
    return head.startswith(b"HTTP/1.1 200")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_once(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds from exec to the first 200 on /api/health, the CPU seconds used by then,
    and the process's stderr (for --importtime)."""
    port = free_port()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=err
        )
        try:
            while not health_answered(port):
                if process.poll() is not None:
                    err.seek(0)
                    raise RuntimeError(f"{command} exited: {err.read().decode()[-2000:]}")
                if time.perf_counter() - started > GIVE_UP_SECONDS:
                    raise RuntimeError(f"{command} did not answer /api/health")
                time.sleep(POLL_SECONDS)
            seconds = time.perf_counter() - started
            cpu = cpu_seconds(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        err.seek(0)
        return seconds, cpu, err.read().decode(errors="replace")


def help_once(env: dict[str, str]) -> tuple[float, float]:
    before = os.times()
    started = time.perf_counter()
    subprocess.run([STAKETRACK, "--help"], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return seconds, cpu


def slowest_imports(stderr: str, count: int = 30) -> list[str]:
    """`-X importtime` lines (`import time: self | cumulative | name`), slowest first."""
    rows = []
    for line in stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return [f"  {us / 1000:8.1f} ms  {name}" for us, name in rows[:count]]


def revision() -> str:
    git = ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"]
    return subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()


def line(name: str, runs: list[tuple[float, float]], target: float | None) -> str:
    wall, cpu = median(r[0] for r in runs), median(r[1] for r in runs)
    verdict = ""
    if target is not None:
        verdict = f" target < {target} s: {'met' if wall < target else 'OVER'}"
    each = " ".join(f"{r[0]:.2f}" for r in runs)
    return f"{name:22s} wall {wall:6.3f} s  cpu {cpu:6.3f} s {verdict:22s} (wall runs: {each})"


def main() -> None:
    cli = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    cli.add_argument("--runs", type=int, default=5, help="measured runs of each (median)")
    cli.add_argument("--network", choices=["demo", "mainnet"], default="mainnet")
    cli.add_argument("--no-bytecode", action="store_true", help="compile on every start")
    cli.add_argument("--importtime", action="store_true", help="also list the slowest imports")
    cli.add_argument("--database-url", help="production mode: this (PostgreSQL) database")
    cli.add_argument("--redis-url", help="production mode: this Redis (with --database-url)")
    args = cli.parse_args()
    with tempfile.TemporaryDirectory(prefix="st-cold-") as tmp:
        env = environment(
            Path(tmp),
            args.network,
            bytecode=not args.no_bytecode,
            database_url=args.database_url,
            redis_url=args.redis_url,
        )
        subprocess.run([STAKETRACK, "migrate"], env=env, check=True, capture_output=True)
        load = os.getloadavg()[0]
        report(
            f"cold start, {revision()}, {os.cpu_count()} CPUs (load {load:.1f}), "
            f"NETWORK={args.network}, bytecode {'off' if args.no_bytecode else 'cached'}, "
            f"{'production (PostgreSQL + Redis)' if args.database_url else 'embedded (SQLite)'}, "
            f"median of {args.runs}"
        )
        serve = partial(serve_once, [STAKETRACK, "serve"], env)
        floor = partial(serve_once, [sys.executable, "-c", FLOOR_APP], env)
        help_once(env), serve(), floor()  # unmeasured: page cache and bytecode cache
        helps, serves, floors = [], [], []
        for _ in range(args.runs):  # interleaved: a neighbour's load hits all three alike
            helps.append(help_once(env))
            serves.append(serve()[:2])
            floors.append(floor()[:2])
        report(line("staketrack --help", helps, HELP_TARGET_S))
        report(line("serve -> /api/health", serves, SERVE_TARGET_S))
        report(line("floor -> /api/health", floors, None))
        ratio = median(s[1] for s in serves) / max(1e-9, median(f[1] for f in floors))
        report(f"serve / floor CPU: {ratio:.2f}x; load now {os.getloadavg()[0]:.1f}")
        if args.importtime:
            _, _, stderr = serve_once(
                [STAKETRACK, "serve"], {**env, "PYTHONPROFILEIMPORTTIME": "1"}
            )
            report("slowest imports of one serve start (cumulative, -X importtime):")
            for entry in slowest_imports(stderr):
                report(entry)


if __name__ == "__main__":
    main()
