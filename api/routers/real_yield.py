"""Real yield: the public calculator (`POST /api/yield/calculate`, no login, limited per
IP) and the signed-in user's positions (`GET /api/yield?chain=`), both from cached
breakdowns that the yield job and the positions ingest invalidate; the daily history
(`GET /api/yield/history`, public, limited per IP, the caller's tier decides how far
back) from the immutable snapshots, cached until the next yield step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import RateLimitedRoute, ResourcesDep, SettingsDep, UowDep
from api.presenters.real_yield import calculation_response, history_json, portfolio_yield_json
from api.schemas.common import ErrorBody
from api.schemas.real_yield import (
    CalculateIn,
    CalculateResponse,
    YieldHistoryResponse,
    YieldPortfolioResponse,
)
from api.security import OptionalPrincipal, Principal, cached_user_read
from domain.models import Chain, Tier
from services import cache_keys, real_yield, tiers, yield_history

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


MAX_HISTORY_DAYS = 366  # as the VRS history's


@router.get(
    "/history",
    summary="Daily real yield of a chain (network average) or a validator, as far back as "
    "the tier allows",
    dependencies=[RateLimitedRoute],
    response_model=YieldHistoryResponse,
    responses={
        404: {"model": ErrorBody, "description": "Unknown chain or validator."},
        422: {"model": ErrorBody, "description": "No chain, or one that is not the id's."},
    },
)
async def history(
    uow: UowDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    principal: OptionalPrincipal,
    chain: Annotated[
        str | None,
        Query(
            max_length=16,
            description='eth, sol or atom; may be left out when validatorId is "<chain>:<address>"',
        ),
    ] = None,
    validator_id: Annotated[
        str | None,
        Query(
            alias="validatorId",
            max_length=200,
            description='"<chain>:<address>" (or a bare address with chain); none: the network',
        ),
    ] = None,
    days: Annotated[int | None, Query(ge=1, le=MAX_HISTORY_DAYS)] = None,
) -> Response:
    """One point per day with a snapshot, oldest first. `days` beyond the tier's history
    is clamped to it (meta says so, with the upgrade link), as in the VRS history."""
    c, address = yield_history.parse_target(chain, validator_id)
    tier = principal.user.tier if principal is not None else Tier.FREE
    today = datetime.now(UTC).date()

    async def build() -> bytes:
        read = await yield_history.read_history(uow, c, address, tier, days, today)
        return history_json(read, tiers.upgrade_url(settings.effective_app_origin))

    key = cache_keys.yield_history(c.value, address, tier.value, days, today.isoformat())
    body = await resources.reads.get_or_build("yield", key, settings.cache_ttl_yield, build)
    return Response(body, media_type="application/json")
