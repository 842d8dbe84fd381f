"""GET /api/portfolio: the signed-in user's positions, served as cached JSON bytes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import ResourcesDep, UowDep
from api.portfolio import build_portfolio
from api.schemas.common import Envelope, ok
from api.schemas.portfolio import PortfolioOut
from api.security import Principal, cached_user_read
from domain.models import Chain
from infrastructure.cache.reads import cache_key

router = APIRouter(prefix="/api", tags=["portfolio"])  # limited per user at authentication


@router.get(
    "/portfolio",
    summary="Staking positions across all linked wallets and chains",
    response_model=Envelope[PortfolioOut],
)
async def portfolio(
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    chain: Annotated[Chain | None, Query(description="Only this chain")] = None,
) -> Response:
    def key(user_id: uuid.UUID) -> str:
        return cache_key("portfolio", chain.value if chain else None, str(user_id))

    async def build(principal: Principal) -> bytes:
        data = await build_portfolio(uow, principal.user.id, chain, datetime.now(UTC))
        return ok(data).model_dump_json().encode()

    return await cached_user_read(
        request,
        uow,
        resources,
        entity="portfolio",
        key=key,
        ttl_seconds=resources.settings.cache_ttl_portfolio,
        build=build,
    )
