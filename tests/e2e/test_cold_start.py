"""Cold start (NFR6): what `staketrack serve` imports before it answers, in a fresh
interpreter (bench/cold_start.py measures the time).

The app is started as `serve` starts it (settings, the database check, `serve_app`, the
lifespan), one `/api/health` is answered, and the heavy libraries that have no part in
that answer must not be loaded yet: Alembic (the schema is checked without it), rich
(structlog would load it for tracebacks our pipeline formats itself), httpx, the chain
SDKs and adapters, the ORM models (the unit of work imports each repository on first
use). Embedded mode loads nothing of PostgreSQL or Redis either. In embedded mode the
start-up jobs then still run: the catch-up loads the chain adapters a moment later.

NETWORK=mainnet with every chain and price URL on a closed local port (as the benchmark
does): the demo network seeds its validator labels in the lifespan, which takes httpx.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import HANG_GUARD_SECONDS, base_env, free_port, run

NOT_AT_START = [
    "alembic",
    "rich",
    "pygments",
    "httpx",
    "eth_account",
    "cosmpy",
    "solders",
    "resend",
    "infrastructure.chains.http",  # the chain adapters' HTTP layer
    "infrastructure.db.models",  # the ORM models: the repositories import them on first use
]
# embedded mode uses neither PostgreSQL nor Redis: not even their exception classes, nor
# arq (its cron arithmetic imports redis; the in-process scheduler defers it), nor
# SQLAlchemy's PostgreSQL dialect (the repositories' upserts import it on first use)
NOT_IN_EMBEDDED_MODE = ["asyncpg", "redis", "arq", "sqlalchemy.dialects.postgresql"]

START_AS_SERVE = """
import asyncio, json, sys, time

from api import cli

NOT_AT_START = json.loads(sys.argv[1])
WAIT_FOR_JOBS = sys.argv[2] == "jobs"
GUARD_SECONDS = float(sys.argv[3])


async def get(app, path):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80), "state": {},
    }
    await app(scope, receive, send)
    return sent[0]["status"]


async def main(app):
    async with app.router.lifespan_context(app):
        status = await get(app, "/api/health")
        loaded = [name for name in NOT_AT_START if name in sys.modules]
        later = None
        if WAIT_FOR_JOBS:  # the deferred start-up jobs: the catch-up builds the adapters
            give_up = time.monotonic() + GUARD_SECONDS
            while "infrastructure.chains.http" not in sys.modules:
                if time.monotonic() > give_up:
                    break
                await asyncio.sleep(0.05)
            later = "infrastructure.chains.http" in sys.modules
    print(json.dumps({"status": status, "loaded": loaded, "later": later}))


cli._import_structlog_without_rich()  # as cli.main() does, then what _run/_serve do
from infrastructure.settings import load_settings

settings = load_settings()
cli._database_ready(settings)
asyncio.run(main(cli.serve_app(settings)))
"""


def _mainnet_env(data_dir: Path, **extra: str) -> dict[str, str]:
    closed = f"http://127.0.0.1:{free_port()}"  # refused at once: no public endpoint
    urls = ("ETH_BEACON_URL", "ETH_EXECUTION_URL", "SOLANA_RPC_URL", "COSMOS_LCD_URL")
    return base_env(
        data_dir, NETWORK="mainnet", PRICE_API_URL=closed, **dict.fromkeys(urls, closed), **extra
    )


def _start_as_serve(
    env: dict[str, str], wait_for_jobs: bool, not_at_start: list[str] = NOT_AT_START
) -> dict[str, object]:
    argv = [json.dumps(not_at_start), "jobs" if wait_for_jobs else "-", str(HANG_GUARD_SECONDS)]
    result = subprocess.run(
        [sys.executable, "-c", START_AS_SERVE, *argv],
        env=env,
        capture_output=True,
        timeout=HANG_GUARD_SECONDS * 2,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    found: dict[str, object] = json.loads(result.stdout.decode().strip().splitlines()[-1])
    return found


def test_embedded_serve_answers_before_loading_what_it_does_not_need(tmp_path: Path) -> None:
    env = _mainnet_env(tmp_path / "data")
    run("migrate", env=env, check=True)  # at head: the start-up must not need Alembic
    found = _start_as_serve(
        env, wait_for_jobs=True, not_at_start=NOT_AT_START + NOT_IN_EMBEDDED_MODE
    )
    assert found["status"] == 200
    assert found["loaded"] == []
    assert found["later"] is True  # the start-up jobs ran after the answer, not never


@pytest.mark.postgres
@pytest.mark.redis
def test_production_serve_checks_the_schema_without_alembic(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    env = _mainnet_env(
        tmp_path / "data", DATABASE_URL=postgres_url, REDIS_URL=redis_url, SECRET_KEY="c" * 40
    )
    found = _start_as_serve(env, wait_for_jobs=False)
    assert found["status"] == 200
    assert found["loaded"] == []
