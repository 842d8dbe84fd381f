"""GET /api/portfolio: the signed-in user's positions, each with its validator's risk
score (the user's tier view) and its real yield, served as cached JSON bytes.

The entry is per user (and chain filter); it is dropped when the user's wallets or tier
change, by the chain's ingest (positions), and by the chain's VRS and yield steps (new
scores and yields), so a score shown is never older than the newest run; the TTL
(CACHE_TTL_PORTFOLIO) bounds the rest."""

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
from services import portfolio as service

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
        user = principal.user
        now = datetime.now(UTC)
        return portfolio_json(await service.scored(uow, user.id, user.tier, chain, now))

    return await cached_user_read(
        request,
        uow,
        resources,
        entity="portfolio",
        key=key,
        ttl_seconds=resources.settings.cache_ttl_portfolio,
        build=build,
    )
