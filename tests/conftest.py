"""Shared fixtures: settings, and the real backends every integration test runs on.

SQLite and the in-process ports always run. PostgreSQL and Redis run when
TEST_DATABASE_URL / TEST_REDIS_URL are set; with STAKETRACK_REQUIRE_SERVICES=1
(as in CI) a missing one fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from infrastructure.db.engine import create_engine
from infrastructure.db.migrate import alembic_config
from infrastructure.settings import Settings, load_settings

TEST_SECRET = "test-secret-key-0123456789abcdefghijklmnop"
REQUIRE_SERVICES = os.environ.get("STAKETRACK_REQUIRE_SERVICES") == "1"


def _service_url(variable: str) -> str:
    url = os.environ.get(variable)
    if not url:
        if REQUIRE_SERVICES:
            pytest.fail(f"{variable} is not set but STAKETRACK_REQUIRE_SERVICES=1")
        pytest.skip(f"{variable} not set")
    return url


@pytest.fixture
def make_settings(tmp_path: Path) -> Any:
    """Build validated settings on a temporary DATA_DIR, ignoring the caller's environment."""

    def build(**overrides: Any) -> Settings:
        # the demo network: tests never reach public chain endpoints
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "secret_key": TEST_SECRET,
            "network": "demo",
            "demo_eth_validators": 2_000,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


# --- databases ---------------------------------------------------------------


def _migrate(url: str) -> None:
    from alembic import command

    config = alembic_config(url)
    command.downgrade(config, "base")
    command.upgrade(config, "head")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "test.db"
    url = f"sqlite+aiosqlite:///{path}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = load_settings(
        database_url=_service_url("TEST_DATABASE_URL"), secret_key=TEST_SECRET
    ).effective_database_url
    _migrate(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session_factory(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions inside one outer transaction that is rolled back after the test;
    a unit of work's commit() only releases a savepoint."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        yield async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        if outer.is_active:
            await outer.rollback()


# --- redis ---------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    return _service_url("TEST_REDIS_URL")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


# --- proof that the real services were exercised (read by .ci/run) -----------------

_SERVICE_PASSES = {"postgres": 0, "redis": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        for service in _SERVICE_PASSES:
            if service in report.keywords:
                _SERVICE_PASSES[service] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("STAKETRACK_SERVICE_REPORT")
    if path:
        import json

        with open(path, "w") as handle:
            json.dump(_SERVICE_PASSES, handle)
