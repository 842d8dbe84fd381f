"""The `staketrack` command as a user runs it: migrate, serve, and fail fast on bad config.

No wall-clock deadlines: each wait polls a readiness signal under a generous hang guard,
and every process started is killed at teardown (tests/e2e/processes.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import (
    HANG_GUARD_SECONDS,
    Blackhole,
    Process,
    arq_job_status,
    base_env,
    free_port,
    report,
    run,
    wait_for,
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return base_env(tmp_path / "data", **extra)


def _health(port: int) -> httpx.Response | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=HANG_GUARD_SECONDS)
    except httpx.TransportError:
        return None


def test_migrate_then_serve_embedded(tmp_path: Path, spawn: Callable[..., Process]) -> None:
    port = free_port()
    env = _env(tmp_path, PORT=str(port))
    run("migrate", env=env, check=True)
    assert (tmp_path / "data" / "staketrack.db").exists()
    server = spawn("serve", env=env)
    health = wait_for(lambda: _health(port), "answer on /api/health", server.popen)
    ready = httpx.get(f"http://127.0.0.1:{port}/api/ready", timeout=HANG_GUARD_SECONDS)
    missing = httpx.get(f"http://127.0.0.1:{port}/api/nope", timeout=HANG_GUARD_SECONDS)
    seconds = server.terminate_and_time()
    report(f"serve (demo network) exited {seconds:.2f} s after SIGTERM")
    assert health.json() == {"data": {"status": "ok"}, "meta": {}}
    assert ready.json()["data"]["checks"]["database"] == "ok"
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert '"event": "request"' in server.output and '"path": "/api/nope"' in server.output


def test_serve_exits_after_sigterm_while_a_job_hangs_on_an_unreachable_endpoint(
    tmp_path: Path, spawn: Callable[..., Process], blackhole: Blackhole
) -> None:
    """Embedded mode, every chain endpoint accepting and never answering: the start-up
    catch-up's jobs hang; SIGTERM still ends the process, the jobs logged as cancelled."""
    port = free_port()
    env = _env(tmp_path, PORT=str(port), **blackhole.chain_env())
    run("migrate", env=env, check=True)
    server = spawn("serve", env=env)
    wait_for(lambda: _health(port), "answer on /api/health", server.popen)
    wait_for(lambda: blackhole.accepted, "job reaching the unreachable endpoint", server.popen)
    seconds = server.terminate_and_time()
    report(f"serve with a hanging job exited {seconds:.2f} s after SIGTERM")
    log = server.output
    assert '"event": "job_cancelled"' in log, log[-3000:]
    assert "Application shutdown complete." in log  # the bounded lifespan, not the watchdog
    assert "shutdown_deadline_exceeded" not in log


def test_invalid_setting_stops_startup_with_one_line(tmp_path: Path) -> None:
    result = run("serve", env=_env(tmp_path, PORT="eighty"))
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
    result = run("serve", env=env)
    assert result.returncode == 2
    output = result.stderr.decode() + result.stdout.decode()
    assert "SECRET_KEY" in output
    assert "tooshort-but-private" not in output and "re_live_secret_value" not in output


def test_worker_without_redis_explains_itself(tmp_path: Path) -> None:
    result = run("worker", env=_env(tmp_path))
    assert result.returncode == 2
    assert "REDIS_URL" in result.stderr.decode()


@pytest.mark.redis
def test_worker_starts_and_runs_the_startup_heartbeat(
    tmp_path: Path, redis_url: str, spawn: Callable[..., Process]
) -> None:
    import redis as redis_sync

    from workers.jobs.heartbeat import HEARTBEAT_KEY

    client = redis_sync.Redis.from_url(redis_url)
    client.flushdb()
    try:
        env = _env(tmp_path, REDIS_URL=redis_url, SECRET_KEY="w" * 40)
        worker = spawn("worker", env=env)
        wait_for(lambda: client.get(HEARTBEAT_KEY), "heartbeat from the worker", worker.popen)
        seconds = worker.terminate_and_time()
        report(f"worker (idle) exited {seconds:.2f} s after SIGTERM")
        assert worker.popen.returncode == 0
    finally:
        client.flushdb()
        client.close()


@pytest.mark.redis
def test_worker_exits_after_sigterm_while_a_job_hangs_on_an_unreachable_endpoint(
    tmp_path: Path, redis_url: str, spawn: Callable[..., Process], blackhole: Blackhole
) -> None:
    import redis as redis_sync

    from workers.arq_settings import QUEUE_NAME

    client = redis_sync.Redis.from_url(redis_url)
    client.flushdb()
    try:
        env = _env(tmp_path, REDIS_URL=redis_url, SECRET_KEY="w" * 40, **blackhole.chain_env())
        run("migrate", env=env, check=True)
        worker = spawn("worker", env=env)
        wait_for(lambda: blackhole.accepted, "job reaching the unreachable endpoint", worker.popen)
        seconds = worker.terminate_and_time()
        report(f"worker with a hanging job exited {seconds:.2f} s after SIGTERM")
        log = worker.output
        assert worker.popen.returncode == 0, log[-3000:]
        assert '"event": "job_cancelled"' in log
        assert "cancelled, will be run again" in log  # arq keeps it queued
        assert "shutdown_deadline_exceeded" not in log
        queued = {member.decode() for member in client.zrange(QUEUE_NAME, 0, -1)}
        assert any(job.startswith(("pipeline:", "startup:prices")) for job in queued), queued
    finally:
        client.flushdb()
        client.close()


@pytest.mark.redis
def test_a_job_of_a_killed_worker_shows_retrying_and_runs_again_at_the_next_start(
    tmp_path: Path, redis_url: str, spawn: Callable[..., Process], blackhole: Blackhole
) -> None:
    """kill -9 leaves arq's in-progress mark for 310 s: the status says `retrying` once the
    job's heartbeat is gone (not `running` for 310 s), and the next worker frees and
    re-runs the job at once."""
    import time

    import redis as redis_sync

    from workers.arq_settings import QUEUE_NAME

    client = redis_sync.Redis.from_url(redis_url)
    client.flushdb()
    try:
        env = _env(tmp_path, REDIS_URL=redis_url, SECRET_KEY="k" * 40, **blackhole.chain_env())
        run("migrate", env=env, check=True)
        first = spawn("worker", env=env)

        def running_pipelines() -> list[str]:
            queued = [m.decode() for m in client.zrange(QUEUE_NAME, 0, -1)]
            return sorted(
                j
                for j in queued  # a pipeline job: retried (a cron tick has max_tries=1)
                if j.startswith("pipeline:") and client.exists(f"arq:in-progress:{j}")
            )

        wait_for(lambda: blackhole.accepted, "job reaching the unreachable endpoint", first.popen)
        job_id = wait_for(running_pipelines, "a pipeline job in progress", first.popen)[0]
        assert arq_job_status(redis_url, job_id) == "running"
        first.popen.kill()  # kill -9: no clean-up at all
        first.popen.wait(timeout=HANG_GUARD_SECONDS)
        killed = time.monotonic()
        assert client.exists(f"arq:in-progress:{job_id}")  # arq alone would say in progress
        wait_for(lambda: arq_job_status(redis_url, job_id) == "retrying", "status retrying")
        report(f"killed worker's job shown as retrying {time.monotonic() - killed:.1f} s later")
        assert client.exists(f"arq:in-progress:{job_id}")  # ...for up to 310 s

        second = spawn("worker", env=env, name="second")

        def released() -> bool:  # one line per freed job (the other chains' may come first)
            return any(
                '"event": "job_interrupted_released"' in line and f'"job_id": "{job_id}"' in line
                for line in second.output.splitlines()
            )

        wait_for(released, "the next worker to free the interrupted job", second.popen)
        wait_for(lambda: arq_job_status(redis_url, job_id) == "running", "the job running again")
        report(f"interrupted job running again {time.monotonic() - killed:.1f} s after kill -9")
        second.terminate_and_time()
    finally:
        client.flushdb()
        client.close()


def test_a_command_on_a_fresh_data_directory_migrates_it_first(tmp_path: Path) -> None:
    """No `staketrack migrate` before: the embedded SQLite file is created and migrated."""
    address = "cosmos1" + "q" * 38  # well-formed, holds nothing
    result = run("positions", "--chain", "atom", "--address", address, "--json", env=_env(tmp_path))
    assert result.returncode in (0, 2), result.stderr.decode()[-2000:]
    assert "Traceback" not in result.stderr.decode()
    assert "no such table" not in result.stderr.decode()
    assert (tmp_path / "data" / "staketrack.db").exists()


@pytest.mark.postgres
def test_a_postgresql_database_not_migrated_is_one_line(tmp_path: Path, postgres_url: str) -> None:
    """A server database is not migrated behind the operator's back: one line says what
    to run; the URL (it may hold a password) is not printed."""
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(postgres_url).set(drivername="postgresql")
    empty = server.set(database=f"{server.database}_unmigrated")

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(server.render_as_string(hide_password=False))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{empty.database}"'))
    asyncio.run(admin(f'CREATE DATABASE "{empty.database}"'))
    try:
        url = empty.render_as_string(hide_password=False)
        env = _env(tmp_path, DATABASE_URL=url, SECRET_KEY="m" * 40)
        result = run("fetch", "--chain", "atom", env=env)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{empty.database}"'))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, lines
    assert "run `staketrack migrate`" in lines[0] and "not migrated" in lines[0]
    assert str(empty.database) not in lines[0]
