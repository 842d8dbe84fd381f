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
from api.schemas.common import Envelope, ok
from api.schemas.yields import CalculateIn, CalculateOut, YieldBreakdown, YieldPortfolioOut
from api.security import Principal, cached_user_read
from api.yields import (
    breakdown,
    build_yield_portfolio,
    calculation,
    parse_amount,
    parse_chain,
    parse_validator,
)
from domain.errors import NotFound
from domain.models import Chain
from domain.real_yield import formula
from infrastructure.cache.reads import cache_key
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.yields import YieldService

router = APIRouter(prefix="/api/yield", tags=["yield"])


@router.post(
    "/calculate",
    summary="Real yield of an amount staked on a chain (network average or one validator)",
    dependencies=[RateLimitedRoute],
    response_model=Envelope[CalculateOut],
)
async def calculate(
    body: CalculateIn, uow: UowDep, resources: ResourcesDep
) -> Envelope[CalculateOut]:
    coins = parse_amount(body.amount)
    chain = parse_chain(body.chain)
    address = parse_validator(chain, body.validator_id)

    async def build() -> bytes:
        service = YieldService(uow.session)
        now = datetime.now(UTC)
        context = await service.context(chain, now)
        if address is None:
            return breakdown(context.network()).model_dump_json().encode()
        inputs = (await service.validator_inputs(chain, now, [address])).get(address)
        if inputs is None:
            raise NotFound(f"No such {chain.value} validator.", details={"field": "validatorId"})
        return breakdown(context.validator(inputs)).model_dump_json().encode()

    cached = await resources.reads.get_or_build(
        "yield",
        cache_key("yield", chain.value, f"calc:{address or ''}"),
        resources.settings.cache_ttl_yield,
        build,
    )
    result = YieldBreakdown.model_validate_json(cached)
    prices = await ChainDataRepository(uow.session).latest_prices()
    return ok(calculation(result, formula(chain, per_validator=address is not None), coins, prices))


@router.get(
    "",
    summary="Real yield of the signed-in user's positions, per chain and overall",
    response_model=Envelope[YieldPortfolioOut],
)
async def portfolio_yield(
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    chain: Annotated[Chain | None, Query(description="Only this chain")] = None,
) -> Response:
    def key(user_id: uuid.UUID) -> str:
        return cache_key("yield", chain.value if chain else None, f"user:{user_id}")

    async def build(principal: Principal) -> bytes:
        data = await build_yield_portfolio(uow, principal.user.id, chain, datetime.now(UTC))
        return ok(data).model_dump_json().encode()

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
