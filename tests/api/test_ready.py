"""Readiness names the failing dependency and tells each chain's pipeline state; every
check runs against a real server (SQLite or PostgreSQL, Redis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import ChainUnavailable
from domain.models import Chain
from infrastructure.db.uow import SqlUnitOfWork
from services import cache_keys, readiness

PENDING = {"status": "pending", "lastSuccessAt": None, "lastAttemptAt": None, "lastError": None}
NEVER_RUN = {chain.value: PENDING for chain in Chain}


def z(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def record(app: Any, chain: Chain, at: datetime, error: Exception | None = None) -> None:
    resources = app.state.resources
    await readiness.record_pipeline_run(
        lambda: SqlUnitOfWork(resources.session_factory), chain, at, error
    )


async def beat(app: Any) -> None:
    """The job runner's heartbeat, as its job writes it."""
    await app.state.resources.cache.set(cache_keys.JOBS_HEARTBEAT, b"beat", 180)


async def test_ready_embedded_with_the_inprocess_job_heartbeat(start_app: Any) -> None:
    async with start_app() as (app, client):
        await app.state.jobs.drain()  # the heartbeat job ran at start-up
        response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not_configured"},
        "jobs": "ok",
        "chains": NEVER_RUN,  # a fresh install: no pipeline run yet, within the grace period
    }


@pytest.mark.postgres
@pytest.mark.redis
async def test_ready_production(start_app: Any, postgres_url: str, redis_url: str) -> None:
    async with start_app(database_url=postgres_url, redis_url=redis_url) as (_, client):
        response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["data"]["checks"] == {"database": "ok", "redis": "ok"}
    assert response.json()["data"]["jobs"] == "stale"  # no arq worker is running here


@pytest.mark.redis
async def test_ready_says_degraded_not_unready_when_redis_is_down(
    start_app: Any, redis_url: str
) -> None:
    # a real Redis for the job queue, and nothing listening where the cache should be:
    # the API still answers without Redis, so it stays in rotation, flagged degraded
    async with start_app(redis_url=redis_url) as (app, client):
        from infrastructure.resources import open_redis

        await app.state.resources.redis.aclose()
        app.state.resources.redis = open_redis("redis://127.0.0.1:1/0")
        response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unavailable"},
        "jobs": "unknown",
        "chains": NEVER_RUN,  # read from the database all the same
    }


async def test_ready_names_the_database_when_it_is_down(start_app: Any) -> None:
    async with start_app() as (app, client):
        from infrastructure.db.engine import create_engine

        await app.state.resources.engine.dispose()
        app.state.resources.engine = create_engine(
            "postgresql+asyncpg://nobody@127.0.0.1:1/none", pool_pre_ping=False
        )
        response = await client.get("/api/ready")
        await app.state.resources.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["details"]["failing"] == ["database"]


async def test_a_stale_chain_degrades_readiness_but_keeps_the_api_in_rotation(
    start_app: Any, backend: dict[str, str]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    key_url = "https://rpc.example.com/?api-key=s3cr3t"
    async with start_app(**backend) as (app, client):
        await beat(app)
        app.state.resources.started_at = now - timedelta(hours=3)  # past the grace period
        await record(app, Chain.ETH, now - timedelta(minutes=30))
        await record(app, Chain.SOL, now - timedelta(hours=3))
        await record(app, Chain.SOL, now - timedelta(minutes=10), ChainUnavailable(
            f"solana-rpc unavailable at {key_url}", endpoint=key_url
        ))  # fmt: skip
        # atom never ran
        response = await client.get("/api/ready")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "degraded"
    assert data["jobs"] == "failing"  # the runner is alive, its pipelines are not succeeding
    assert data["chains"]["eth"] == {
        "status": "ok",
        "lastSuccessAt": z(now - timedelta(minutes=30)),
        "lastAttemptAt": z(now - timedelta(minutes=30)),
        "lastError": None,
    }
    assert data["chains"]["sol"] == {
        "status": "stale",
        "lastSuccessAt": z(now - timedelta(hours=3)),
        "lastAttemptAt": z(now - timedelta(minutes=10)),
        "lastError": {
            "at": z(now - timedelta(minutes=10)),
            "code": "CHAIN_UNAVAILABLE",
            "message": "The chain data source could not be reached.",
        },
    }
    assert data["chains"]["atom"] == {**PENDING, "status": "stale"}
    assert "s3cr3t" not in response.text and "rpc.example.com" not in response.text


async def test_jobs_are_not_ok_while_every_pipeline_run_fails(start_app: Any) -> None:
    now = datetime.now(UTC)
    async with start_app() as (app, client):
        await beat(app)
        for chain in Chain:  # a fresh install whose every run fails, within the grace period
            await record(app, chain, now, RuntimeError("boom"))
        response = await client.get("/api/ready")
        assert response.json()["data"]["jobs"] == "failing"
        assert response.json()["data"]["status"] == "ready"  # nothing stale yet: in rotation
        chains = response.json()["data"]["chains"]
        assert {c["status"] for c in chains.values()} == {"failing"}
        assert {c["lastError"]["code"] for c in chains.values()} == {"FETCH_FAILED"}

        for chain in Chain:  # the next runs succeed
            await record(app, chain, now + timedelta(seconds=1))
        response = await client.get("/api/ready")
    assert response.json()["data"]["jobs"] == "ok"
    assert {c["status"] for c in response.json()["data"]["chains"].values()} == {"ok"}


async def test_readiness_reads_every_chain_in_one_query(start_app: Any) -> None:
    from sqlalchemy import event

    async with start_app() as (app, client):
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(str(args[2]))

        engine = app.state.resources.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = await client.get("/api/ready")
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    queries = [s for s in statements if s.startswith("SELECT")]
    assert len(queries) == 2 and "FROM chain_sync" in queries[1]  # the probe, then the chains
