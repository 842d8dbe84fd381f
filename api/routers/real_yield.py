"""Real yield: the public calculator (`POST /api/yield/calculate`, no login, limited per
IP) and the signed-in user's positions (`GET /api/yield?chain=`), both from cached
breakdowns that the yield job and the positions ingest invalidate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import RateLimitedRoute, ResourcesDep, UowDep
from api.presenters.real_yield import calculation_response, portfolio_yield_json
from api.schemas.real_yield import CalculateIn, CalculateResponse, YieldPortfolioResponse
from api.security import Principal, cached_user_read
from domain.models import Chain
from services import cache_keys, real_yield

router = APIRouter(prefix="/api/yield", tags=["yield"])


@router.post(
    "/calculate",
    summary="Real yield of an amount staked on a chain (network average or one validator)",
    dependencies=[RateLimitedRoute],
    response_model=CalculateResponse,
)
async def calculate(body: CalculateIn, uow: UowDep, resources: ResourcesDep) -> CalculateResponse:
    result = await real_yield.calculate(
        uow,
        resources.reads,
        resources.settings.cache_ttl_yield,
        chain=body.chain,
        amount=body.amount,
        validator_id=body.validator_id,
        now=datetime.now(UTC),
    )
    return calculation_response(result)


@router.get(
    "",
    summary="Real yield of the signed-in user's positions, per chain and overall",
    response_model=YieldPortfolioResponse,
)
async def portfolio_yield(
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    chain: Annotated[Chain | None, Query(description="Only this chain")] = None,
) -> Response:
    scope = chain.value if chain else None

    def key(user_id: uuid.UUID) -> str:
        return cache_keys.user_yield(user_id, scope)

    async def build(principal: Principal) -> bytes:
        value = await real_yield.portfolio_yield(uow, principal.user.id, chain, datetime.now(UTC))
        return portfolio_yield_json(value)

    # authenticated and limited per user; the session and the cached entry in one round trip
    return await cached_user_read(
        request,
        uow,
        resources,
        entity="yield",
        key=key,
        ttl_seconds=resources.settings.cache_ttl_yield,
        build=build,
    )
