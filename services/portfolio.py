"""The portfolio use case: a user's positions across their linked wallets (all chains or
one), valued and with each chain's freshness, as a domain value.

Called by: `GET /api/portfolio` (api/routers/portfolio.py) and, through
`services.real_yield.portfolio_yield`, `GET /api/yield`."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.models import Chain
from domain.portfolio import Portfolio, build_portfolio
from infrastructure.db.uow import SqlUnitOfWork

POSITIONS_STEP = "positions"  # the ingest step whose freshness the portfolio shows


async def get_portfolio(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, now: datetime
) -> Portfolio:
    wallets = [
        w for w in await uow.wallets.list_for_user(user_id) if chain is None or w.chain is chain
    ]
    data = uow.chain_data
    positions = await data.positions_of([(w.chain.value, w.address) for w in wallets])
    validators = await data.validators_by_id(
        sorted({(p.chain.value, p.validator) for p in positions})
    )
    prices = await data.latest_prices()
    sync = await data.sync_by_chain(POSITIONS_STEP)
    return build_portfolio(wallets, positions, validators, prices, sync, now)
