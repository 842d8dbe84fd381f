"""The `staketrack` command as a user runs it: migrate, serve, and fail fast on bad config."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STAKETRACK = str(Path(sys.executable).with_name("staketrack"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # the demo network: the server's start-up catch-up never reaches public endpoints
    env.update(
        {
            "DATA_DIR": str(tmp_path / "data"),
            "LOG_FORMAT": "json",
            "NETWORK": "demo",
            "DEMO_ETH_VALIDATORS": "2000",
        },
        **extra,
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_migrate_then_serve_embedded(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, PORT=str(port))
    subprocess.run([STAKETRACK, "migrate"], env=env, check=True, capture_output=True, timeout=60)
    assert (tmp_path / "data" / "staketrack.db").exists()
    server = subprocess.Popen([STAKETRACK, "serve"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                assert server.poll() is None, "server exited"
                time.sleep(0.2)
        ready = httpx.get(f"http://127.0.0.1:{port}/api/ready", timeout=5)
        missing = httpx.get(f"http://127.0.0.1:{port}/api/nope", timeout=5)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=15)
    assert health.json() == {"data": {"status": "ok"}, "meta": {}}
    assert ready.json()["data"]["checks"]["database"] == "ok"
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert b'"event": "request"' in stderr and b'"path": "/api/nope"' in stderr


def test_invalid_setting_stops_startup_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [STAKETRACK, "serve"], env=_env(tmp_path, PORT="eighty"), capture_output=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "PORT" in lines[0]


def test_missing_production_secret_is_named_and_no_secret_is_printed(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/15",
        SECRET_KEY="tooshort-but-private",
        RESEND_API_KEY="re_live_secret_value",
    )
    result = subprocess.run([STAKETRACK, "serve"], env=env, capture_output=True, timeout=60)
    assert result.returncode == 2
    output = result.stderr.decode() + result.stdout.decode()
    assert "SECRET_KEY" in output
    assert "tooshort-but-private" not in output and "re_live_secret_value" not in output


def test_worker_without_redis_explains_itself(tmp_path: Path) -> None:
    result = subprocess.run(
        [STAKETRACK, "worker"], env=_env(tmp_path), capture_output=True, timeout=60
    )
    assert result.returncode == 2
    assert "REDIS_URL" in result.stderr.decode()


@pytest.mark.redis
def test_worker_starts_and_runs_the_startup_heartbeat(tmp_path: Path, redis_url: str) -> None:
    import redis as redis_sync

    from workers.jobs.heartbeat import HEARTBEAT_KEY

    client = redis_sync.Redis.from_url(redis_url)
    client.flushdb()
    env = _env(tmp_path, REDIS_URL=redis_url, SECRET_KEY="w" * 40)
    worker = subprocess.Popen([STAKETRACK, "worker"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while client.get(HEARTBEAT_KEY) is None:
            assert worker.poll() is None, "worker exited"
            assert time.monotonic() < deadline, "no heartbeat from the worker"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.communicate(timeout=15)
        client.flushdb()
        client.close()
