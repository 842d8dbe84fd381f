"""Liveness and readiness probes (not rate limited: orchestrators poll them)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.responses import Response

from api.deps import ResourcesDep
from api.errors import error_response
from api.presenters.health import chains_out
from api.schemas.common import ErrorBody, MetaEnvelope, NoMeta, one
from api.schemas.health import Health, Readiness
from domain import readiness as rules
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import cache_keys, readiness

router = APIRouter(prefix="/api", tags=["health"])
CHECK_TIMEOUT_SECONDS = 3.0
RETRY_AFTER_SECONDS = 5


@router.get("/health", summary="Liveness")
async def health() -> MetaEnvelope[Health, NoMeta]:
    return one(Health(status="ok"))


async def _check(probe: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except Exception:
        return "unavailable"
    return "ok"


async def _heartbeat(resources: Resources) -> bool | None:
    """Whether the job runner's heartbeat is there; None when it cannot be read."""
    try:
        beat = await asyncio.wait_for(
            resources.cache.get(cache_keys.JOBS_HEARTBEAT), CHECK_TIMEOUT_SECONDS
        )
    except Exception:
        return None
    return bool(beat)


def _unready(checks: dict[str, str]) -> Response:
    return error_response(
        503,
        "Not ready: database unavailable",
        "NOT_READY",
        {"checks": checks, "failing": ["database"]},
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


@router.get(
    "/ready",
    summary="Readiness: the database (required), Redis and each chain's pipeline (degraded)",
    description="503 only while the database cannot be reached. Everything else keeps the "
    "API in rotation, flagged `status: degraded`: a Redis outage (`checks.redis: "
    "unavailable`; rate limits in memory, reads from the database, sign-in answers 503), or "
    "a chain whose pipeline has not succeeded for more than 2 hours (`chains.<chain>.status: "
    "stale`; its last known data is still served). A fresh install reports its chains "
    "`pending` for 2 hours after start-up. `jobs` is `ok` only while the job runner's "
    "heartbeat is fresh and no chain's pipeline is failing or stale. Errors show a stable "
    "code, never the stored error text.",
    responses={503: {"model": ErrorBody, "description": "The database is unavailable"}},
    response_model=MetaEnvelope[Readiness, NoMeta],
)
async def ready(resources: ResourcesDep) -> MetaEnvelope[Readiness, NoMeta] | Response:
    checks = {"database": await _check(resources.check_database)}
    checks["redis"] = await _check(resources.check_redis) if resources.redis else "not_configured"
    if checks["database"] == "unavailable":
        return _unready(checks)
    try:  # one query for every chain
        chains = await asyncio.wait_for(
            readiness.chain_readiness(
                lambda: SqlUnitOfWork(resources.session_factory),
                datetime.now(UTC),
                resources.started_at,
            ),
            CHECK_TIMEOUT_SECONDS,
        )
    except Exception:
        checks["database"] = "unavailable"
        return _unready(checks)
    redis_down = checks["redis"] == "unavailable"
    heartbeat = None if redis_down else await _heartbeat(resources)
    degraded = redis_down or rules.degraded(chains)
    return one(
        Readiness(
            status="degraded" if degraded else "ready",
            checks=checks,
            jobs=rules.jobs_status(heartbeat, chains),
            chains=chains_out(chains),
        )
    )
