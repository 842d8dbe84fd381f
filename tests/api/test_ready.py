"""Readiness names the failing dependency; every check runs against a real server."""

from __future__ import annotations

from typing import Any

import pytest


async def test_ready_embedded_with_the_inprocess_job_heartbeat(start_app: Any) -> None:
    async with start_app() as (app, client):
        await app.state.jobs.drain()  # the heartbeat job ran at start-up
        response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not_configured"},
        "jobs": "ok",
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
