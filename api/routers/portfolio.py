"""GET /api/portfolio: the signed-in user's positions, served as cached JSON bytes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import ResourcesDep, UowDep
from api.presenters.portfolio import portfolio_json
from api.schemas.portfolio import PortfolioResponse
from api.security import Principal, cached_user_read
from domain.models import Chain
from services import cache_keys
from services.portfolio import get_portfolio

router = APIRouter(prefix="/api", tags=["portfolio"])  # limited per user at authentication


@router.get(
    "/portfolio",
    summary="Staking positions across all linked wallets and chains",
    response_model=PortfolioResponse,
)
async def portfolio(
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    chain: Annotated[Chain | None, Query(description="Only this chain")] = None,
) -> Response:
    scope = chain.value if chain else None

    def key(user_id: uuid.UUID) -> str:
        return cache_keys.portfolio(user_id, scope)

    async def build(principal: Principal) -> bytes:
        return portfolio_json(await get_portfolio(uow, principal.user.id, chain, datetime.now(UTC)))

    return await cached_user_read(
        request,
        uow,
        resources,
        entity="portfolio",
        key=key,
        ttl_seconds=resources.settings.cache_ttl_portfolio,
        build=build,
    )
