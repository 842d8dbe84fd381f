"""An app per test, run through its lifespan, with its log lines captured."""

from __future__ import annotations

import io
import json
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from infrastructure.logging import configure_logging
from workers.schedule import SCHEDULE

# test apps run the heartbeat, not the start-up catch-up ingest (tests ingest explicitly)
HEARTBEAT_ONLY = tuple(entry for entry in SCHEDULE if entry.job == "heartbeat")


class Logs:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]


@pytest.fixture
def logs() -> AsyncIterator[Logs]:
    captured = Logs()
    yield captured
    logging.getLogger().handlers.clear()


@pytest.fixture(scope="session")
def migrated_template(sqlite_url: str) -> Path:
    """A migrated SQLite file; each app gets a fresh copy (cheaper than migrating)."""
    return Path(sqlite_url.removeprefix("sqlite+aiosqlite:///"))


@pytest.fixture
def start_app(make_settings: Any, logs: Logs, migrated_template: Path) -> Callable[..., Any]:
    """`async with start_app(**settings) as (app, client): ...`"""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def start(
        setup: Callable[[FastAPI], None] | None = None, **overrides: Any
    ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        overrides.setdefault("rate_limit_auth", "1000/minute")  # tests sign in a lot
        settings = make_settings(**overrides)
        if settings.database_url is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated_template, settings.data_dir / "staketrack.db")
        configure_logging(settings, stream=logs.stream)
        app = create_app(settings, schedule=HEARTBEAT_ONLY)
        if setup is not None:
            setup(app)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield app, client

    return start


async def get_nonce(client: httpx.AsyncClient) -> str:
    response = await client.get("/api/auth/nonce")
    assert response.status_code == 200, response.text
    nonce: str = response.json()["data"]["nonce"]
    return nonce


async def sign_in(client: httpx.AsyncClient, wallet: Any) -> dict[str, Any]:
    """Sign in with a fresh nonce; returns the response data (accessToken, user)."""
    from tests.api.wallets import SIGN_IN_PATHS

    nonce = await get_nonce(client)
    response = await client.post(
        f"/api/auth/{SIGN_IN_PATHS[wallet.chain]}", json=wallet.proof(nonce)
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(
    params=["embedded", pytest.param("production", marks=[pytest.mark.postgres, pytest.mark.redis])]
)
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """Embedded (SQLite, in-process limiter and keystore) or production (PostgreSQL, Redis)."""
    if request.param == "embedded":
        return {}
    request.getfixturevalue("redis")  # flushed before and after the test
    return {
        "database_url": request.getfixturevalue("postgres_url"),
        "redis_url": request.getfixturevalue("redis_url"),
    }
