"""Liveness and readiness probes (not rate limited: orchestrators poll them)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from starlette.responses import Response

from api.deps import ResourcesDep
from api.errors import error_response
from api.schemas.common import ApiModel, ErrorBody, MetaEnvelope, NoMeta, one
from services import cache_keys

router = APIRouter(prefix="/api", tags=["health"])
CHECK_TIMEOUT_SECONDS = 3.0
RETRY_AFTER_SECONDS = 5


class Health(ApiModel):
    status: str


class Readiness(ApiModel):
    status: str  # "ready", or "degraded" while Redis is down (the API still answers)
    checks: dict[str, str]
    jobs: str  # "ok" while the job runner's heartbeat is fresh, else "stale" (informational)


@router.get("/health", summary="Liveness")
async def health() -> MetaEnvelope[Health, NoMeta]:
    return one(Health(status="ok"))


async def _check(probe: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except Exception:
        return "unavailable"
    return "ok"


@router.get(
    "/ready",
    summary="Readiness: the database (required) and, when configured, Redis (degraded)",
    description="503 while the database cannot be reached. A Redis outage does not make "
    "the API unready — it keeps answering (rate limits in memory, reads from the database; "
    "sign-in answers 503) — so it shows as `status: degraded` with `checks.redis: "
    "unavailable`.",
    responses={503: {"model": ErrorBody, "description": "The database is unavailable"}},
    response_model=MetaEnvelope[Readiness, NoMeta],
)
async def ready(resources: ResourcesDep) -> MetaEnvelope[Readiness, NoMeta] | Response:
    checks = {"database": await _check(resources.check_database)}
    checks["redis"] = await _check(resources.check_redis) if resources.redis else "not_configured"
    if checks["database"] == "unavailable":
        return error_response(
            503,
            "Not ready: database unavailable",
            "NOT_READY",
            {"checks": checks, "failing": ["database"]},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if checks["redis"] == "unavailable":
        return one(Readiness(status="degraded", checks=checks, jobs="unknown"))
    try:
        jobs = "ok" if await resources.cache.get(cache_keys.JOBS_HEARTBEAT) else "stale"
    except Exception:
        jobs = "unknown"
    return one(Readiness(status="ready", checks=checks, jobs=jobs))
