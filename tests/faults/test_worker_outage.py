"""The arq worker survives a Redis outage (issue 10, finding 3, worker side).

A private redis-server on a free loopback port is stopped under a running
`staketrack worker` and started again: the worker stays up, logs the outage, reconnects
with backoff and runs a job enqueued after the restart. Readiness waits under the hang
guard (tests/readiness.py), no leaks."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import redis as redis_sync

from tests.e2e.processes import (
    HANG_GUARD_SECONDS,
    Process,
    arq_enqueue,
    arq_job_status,
    base_env,
    report,
    run,
    spawn,
    wait_for,
)
from tests.faults.conftest import RedisProcess

__all__ = ["spawn"]  # the fixture, re-exported for this module


def test_the_worker_survives_a_redis_outage(
    tmp_path: Path, private_redis: RedisProcess, spawn: Callable[..., Process]
) -> None:
    from workers.jobs.heartbeat import HEARTBEAT_KEY

    env = base_env(
        tmp_path / "data",
        REDIS_URL=private_redis.url,
        SECRET_KEY="o" * 40,
        DEMO_ETH_VALIDATORS="100",
    )
    run("migrate", env=env, check=True)
    worker = spawn("worker", env=env)
    client = redis_sync.Redis(
        host="127.0.0.1", port=private_redis.port, socket_timeout=HANG_GUARD_SECONDS
    )
    try:
        # ready: the start-up heartbeat job ran
        wait_for(lambda: client.get(HEARTBEAT_KEY), "start-up heartbeat", worker.popen)
        private_redis.stop()
        stopped = time.monotonic()
        wait_for(
            lambda: '"event": "worker_redis_unavailable"' in worker.output,
            "outage noticed by the worker",
            worker.popen,
        )
        assert worker.alive()
        private_redis.start()  # same port, empty (no persistence)
        client.close()
        client = redis_sync.Redis(
            host="127.0.0.1", port=private_redis.port, socket_timeout=HANG_GUARD_SECONDS
        )
        assert arq_enqueue(private_redis.url, "heartbeat", "heartbeat:after-outage")
        wait_for(
            lambda: arq_job_status(private_redis.url, "heartbeat:after-outage") == "complete",
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
    tmp_path: Path, private_redis: RedisProcess, spawn: Callable[..., Process]
) -> None:
    env = base_env(tmp_path / "data", REDIS_URL=private_redis.url, SECRET_KEY="o" * 40)
    run("migrate", env=env, check=True)
    worker = spawn("worker", env=env)
    wait_for(lambda: "Starting worker for" in worker.output, "worker start", worker.popen)
    private_redis.stop()
    wait_for(
        lambda: '"event": "worker_redis_unavailable"' in worker.output,
        "outage noticed by the worker",
        worker.popen,
    )
    seconds = worker.terminate_and_time()
    report(f"worker exited {seconds:.2f} s after SIGTERM during a Redis outage")
    assert worker.popen.returncode == 0, worker.output[-3000:]
