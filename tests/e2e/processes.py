"""Processes as a user runs them, without wall-clock deadlines and without leaks.

- `spawn(...)`: starts a `staketrack` process with its log in a file (a pipe nobody
  reads would block it); the fixture kills whatever is still running at teardown.
- `wait_for(...)`, `HANG_GUARD_SECONDS`: from tests/readiness.py (re-exported here) —
  poll a readiness signal, bounded by the one generous hang guard (it fails the test only
  when something is stuck, never because the machine is slow).
- `blackhole`: a loopback listener that accepts connections and never answers — an
  unreachable chain endpoint that keeps a job running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.readiness import HANG_GUARD_SECONDS, wait_for

T = TypeVar("T")

__all__ = [
    "HANG_GUARD_SECONDS",
    "STAKETRACK",
    "Blackhole",
    "Process",
    "arq_enqueue",
    "arq_job_status",
    "base_env",
    "blackhole",
    "free_port",
    "report",
    "run",
    "spawn",
    "wait_for",
]

STAKETRACK = str(Path(sys.executable).with_name("staketrack"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # the demo network: the start-up catch-up never reaches public endpoints
    env.update(
        {
            "DATA_DIR": str(data_dir),
            "LOG_FORMAT": "json",
            "NETWORK": "demo",
            "DEMO_ETH_VALIDATORS": "2000",
        },
        **extra,
    )
    return env


def run(*args: str, env: dict[str, str], check: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run `staketrack *args` to its end (output captured), bounded by the hang guard."""
    return subprocess.run(
        [STAKETRACK, *args], env=env, check=check, capture_output=True, timeout=HANG_GUARD_SECONDS
    )


def report(line: str) -> None:
    """A measured figure, shown with `pytest -s` (the tests assert behaviour, not time)."""
    sys.stderr.write(f"\n[measured] {line}\n")


class Process:
    def __init__(self, popen: subprocess.Popen[bytes], log: Path) -> None:
        self.popen = popen
        self.log = log

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def terminate_and_time(self, guard: float = HANG_GUARD_SECONDS) -> float:
        """SIGTERM, then the seconds until the process is gone (fails past the guard)."""
        sent = time.monotonic()
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=guard)
        except subprocess.TimeoutExpired:
            pytest.fail(f"hang guard: still running {guard:.0f} s after SIGTERM")
        return time.monotonic() - sent


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    started: list[Process] = []

    def start(*args: str, env: dict[str, str], name: str = "staketrack") -> Process:
        log = tmp_path / f"{name}-{len(started)}.log"
        with log.open("wb") as sink:
            popen = subprocess.Popen(
                [STAKETRACK, *args], env=env, stdout=sink, stderr=subprocess.STDOUT
            )
        process = Process(popen, log)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.popen.poll() is None:
                process.popen.kill()
            process.popen.wait(timeout=HANG_GUARD_SECONDS)


class Blackhole:
    """Accepts TCP connections on 127.0.0.1 and never answers."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)
            self.accepted += 1

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=HANG_GUARD_SECONDS)
        self._listener.close()
        for connection in self._held:
            connection.close()

    def chain_env(self) -> dict[str, str]:
        """Every public endpoint pointed at the blackhole (NETWORK=mainnet)."""
        return {
            "NETWORK": "mainnet",
            "ETH_BEACON_URL": self.url,
            "SOLANA_RPC_URL": self.url,
            "COSMOS_LCD_URL": self.url,
            "PRICE_API_URL": self.url,
        }


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    try:
        yield hole
    finally:
        hole.close()


async def _ask_queue(redis_url: str, call: Callable[[Any], Awaitable[T]]) -> T:
    """`call(queue)` on an ArqJobQueue, asked again while it answers DependencyUnavailable:
    the queue bounds each call by the app's 2 s Redis timeout, which a busy machine can
    exceed (that bound is the app's behaviour, not what these tests judge)."""
    import asyncio

    from domain.errors import DependencyUnavailable
    from workers.arq_settings import ArqJobQueue

    queue = await ArqJobQueue.connect(redis_url)
    try:
        async with asyncio.timeout(HANG_GUARD_SECONDS):
            while True:
                try:
                    return await call(queue)
                except DependencyUnavailable:
                    await asyncio.sleep(0.1)
    finally:
        await queue.close()


def arq_job_status(redis_url: str, job_id: str) -> str:
    """A job's status as the API reports it (ArqJobQueue.info), from a test process."""
    import asyncio

    async def status(queue: Any) -> str:
        return str((await queue.info(job_id)).status.value)

    return asyncio.run(_ask_queue(redis_url, status))


def arq_enqueue(redis_url: str, name: str, job_id: str) -> bool:
    """Enqueue job `name` under `job_id` as the API does (ArqJobQueue.enqueue); True when
    enqueued (also when an attempt cut short by the timeout had enqueued it: give each
    call a job id of its own)."""
    import asyncio

    attempts = 0

    async def enqueue(queue: Any) -> bool:
        nonlocal attempts
        attempts += 1
        enqueued: bool = await queue.enqueue(name, job_id, {})
        return enqueued or attempts > 1

    return asyncio.run(_ask_queue(redis_url, enqueue))
