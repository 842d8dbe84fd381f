"""Request dependencies as `Annotated` aliases: resources, settings, unit of work, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from domain.errors import RateLimited
from domain.ports import JobQueue
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from infrastructure.settings import Settings


# async: a plain `def` dependency would cost a threadpool hop on every request
async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_job_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.jobs
    return queue


ResourcesDep = Annotated[Resources, Depends(get_resources)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
JobQueueDep = Annotated[JobQueue, Depends(get_job_queue)]


async def get_uow(resources: ResourcesDep) -> AsyncIterator[SqlUnitOfWork]:
    """The request owns the transaction: committed when the handler returns normally,
    rolled back on any error — before the response is sent."""
    async with SqlUnitOfWork(resources.session_factory) as uow:
        yield uow
        await uow.commit()


UowDep = Annotated[SqlUnitOfWork, Depends(get_uow, scope="function")]


# set in the request's state by api/fast_reads.py when it counted the request's rate
# limits (all allowed) and still leaves the answer to the route: nothing counts them again
LIMITS_COUNTED = "staketrack.limits_counted"


def limits_counted(request: Request) -> bool:
    return bool(request.scope.get("state", {}).get(LIMITS_COUNTED))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def enforce_limit(resources: Resources, rule: str, key: str) -> None:
    result = await resources.rate_limiter.hit(rule, key)
    if not result.allowed:
        raise RateLimited(result.retry_after, limit=result.limit)


async def default_rate_limit(request: Request, resources: ResourcesDep) -> None:
    """Per-IP limit on public routes (RATE_LIMIT_DEFAULT); authenticated routes are
    limited per user or API key as part of authentication."""
    if limits_counted(request):
        return
    await enforce_limit(
        resources, resources.settings.rate_limit_default, f"api:ip:{client_ip(request)}"
    )


RateLimitedRoute = Depends(default_rate_limit)
