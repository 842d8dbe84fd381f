"""The arq worker survives a Redis outage (issue 10, finding 3, worker side).

A private redis-server on a free loopback port is stopped under a running
`staketrack worker` and started again: the worker stays up, logs the outage, reconnects
with backoff and runs a job enqueued after the restart. Bounded waits, no leaks."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis as redis_sync

from tests.e2e.processes import (
    STAKETRACK,
    Process,
    base_env,
    free_port,
    report,
    spawn,
    wait_for,
)

__all__ = ["spawn"]  # the fixture, re-exported for this module

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


class PrivateRedis:
    """A throwaway redis-server (no persistence) that the test may stop and start."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis_sync.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)
        try:
            wait_for(lambda: self._pings(client), "private redis-server to answer", self._process)
        finally:
            client.close()

    @staticmethod
    def _pings(client: redis_sync.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis_sync.RedisError:
            return False

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=120)
        self._process = None


@pytest.fixture
def _private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = PrivateRedis(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _job_status(url: str, job_id: str) -> str:
    import asyncio

    from workers.arq_settings import ArqJobQueue

    async def status() -> str:
        queue = await ArqJobQueue.connect(url)
        try:
            return (await queue.info(job_id)).status.value
        finally:
            await queue.close()

    return asyncio.run(status())


def _enqueue(url: str, name: str, job_id: str) -> bool:
    import asyncio

    from workers.arq_settings import ArqJobQueue

    async def enqueue() -> bool:
        queue = await ArqJobQueue.connect(url)
        try:
            return await queue.enqueue(name, job_id, {})
        finally:
            await queue.close()

    return asyncio.run(enqueue())


def test_the_worker_survives_a_redis_outage(
    tmp_path: Path, _private_redis: PrivateRedis, spawn: Callable[..., Process]
) -> None:
    from workers.jobs.heartbeat import HEARTBEAT_KEY

    env = base_env(
        tmp_path / "data",
        REDIS_URL=_private_redis.url,
        SECRET_KEY="o" * 40,
        DEMO_ETH_VALIDATORS="100",
    )
    subprocess.run([STAKETRACK, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    worker = spawn("worker", env=env)
    client = redis_sync.Redis(host="127.0.0.1", port=_private_redis.port, socket_timeout=2)
    try:
        # ready: the start-up heartbeat job ran
        wait_for(lambda: client.get(HEARTBEAT_KEY), "start-up heartbeat", worker.popen)
        _private_redis.stop()
        stopped = time.monotonic()
        wait_for(
            lambda: '"event": "worker_redis_unavailable"' in worker.output,
            "outage noticed by the worker",
            worker.popen,
        )
        assert worker.alive()
        _private_redis.start()  # same port, empty (no persistence)
        client = redis_sync.Redis(host="127.0.0.1", port=_private_redis.port, socket_timeout=2)
        assert _enqueue(_private_redis.url, "heartbeat", "heartbeat:after-outage")
        wait_for(
            lambda: _job_status(_private_redis.url, "heartbeat:after-outage") == "complete",
            "job enqueued after the restart to complete",
            worker.popen,
        )
        report(f"worker back at work {time.monotonic() - stopped:.1f} s after Redis stopped")
        assert worker.alive()
        assert client.get(HEARTBEAT_KEY) is not None
        seconds = worker.terminate_and_time()
        report(f"worker exited {seconds:.2f} s after SIGTERM (after the outage)")
        assert worker.popen.returncode == 0, worker.output[-3000:]
    finally:
        client.close()


def test_sigterm_during_the_outage_still_exits(
    tmp_path: Path, _private_redis: PrivateRedis, spawn: Callable[..., Process]
) -> None:
    env = base_env(tmp_path / "data", REDIS_URL=_private_redis.url, SECRET_KEY="o" * 40)
    subprocess.run([STAKETRACK, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    worker = spawn("worker", env=env)
    wait_for(lambda: "Starting worker for" in worker.output, "worker start", worker.popen)
    _private_redis.stop()
    wait_for(
        lambda: '"event": "worker_redis_unavailable"' in worker.output,
        "outage noticed by the worker",
        worker.popen,
    )
    seconds = worker.terminate_and_time()
    report(f"worker exited {seconds:.2f} s after SIGTERM during a Redis outage")
    assert worker.popen.returncode == 0, worker.output[-3000:]
