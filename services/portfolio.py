"""The portfolio use cases: a user's positions across their linked wallets (all chains
or one), valued and with each chain's freshness, as a domain value; and the same with
every position's risk score (the caller's tier view) and real yield, as the dashboard
lists them.

Called by: `GET /api/portfolio` (api/routers/portfolio.py: `scored`) and, through
`services.real_yield.portfolio_yield`, `GET /api/yield` (`get_portfolio`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.models import Chain, LinkedWallet, Tier
from domain.portfolio import CHAIN_ORDER, Portfolio, ScoredPortfolio, build_portfolio
from domain.portfolio import scored_portfolio as score_holdings
from domain.vrs import VrsScore
from infrastructure.db.uow import SqlUnitOfWork
from services import (
    real_yield,  # a module: services.real_yield imports this one
    rewards,
)

POSITIONS_STEP = "positions"  # the ingest step whose freshness the portfolio shows


async def _wallets(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None
) -> list[LinkedWallet]:
    return [
        w for w in await uow.wallets.list_for_user(user_id) if chain is None or w.chain is chain
    ]


async def get_portfolio(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, now: datetime
) -> Portfolio:
    return await _portfolio(uow, await _wallets(uow, user_id, chain), now)


async def _portfolio(uow: SqlUnitOfWork, wallets: list[LinkedWallet], now: datetime) -> Portfolio:
    data = uow.chain_data
    positions = await data.positions_of([(w.chain.value, w.address) for w in wallets])
    validators = await data.validators_by_id(
        sorted({(p.chain.value, p.validator) for p in positions})
    )
    prices = await data.latest_prices()
    sync = await data.sync_by_chain(POSITIONS_STEP)
    return build_portfolio(wallets, positions, validators, prices, sync, now)


async def scored(
    uow: SqlUnitOfWork, user_id: uuid.UUID, tier: Tier, chain: Chain | None, now: datetime
) -> ScoredPortfolio:
    """The portfolio with each position's validator score in `tier`'s view (pending when
    it has no current score), the position's real yield as `GET /api/yield` computes it,
    and the rewards performance (per position, chain and overall; services/rewards.py).
    No query per position: per chain one batch of scores and one of yield inputs, one
    grouped read of all reward events and one of their days' closes."""
    portfolio_wallets = await _wallets(uow, user_id, chain)
    portfolio = await _portfolio(uow, portfolio_wallets, now)
    holdings = portfolio.holdings
    scores: dict[tuple[Chain, str], VrsScore] = {}
    for c in CHAIN_ORDER:
        addresses = {h.position.validator for h in holdings if h.chain is c}
        if addresses:
            latest = await uow.vrs_scores.latest_scores(c, addresses)
            scores.update({(c, address): score for address, score in latest.items()})
    limits = await uow.tier_limits.get(tier) if portfolio.wallets else None
    factors = limits.vrs_factors if limits is not None and holdings else 0
    yields = await real_yield.holding_yields(uow, holdings, now)
    performance = None
    if limits is not None:  # the rewards of every linked wallet, as far back as the tier shows
        performance = await rewards.performance(
            uow, portfolio, portfolio_wallets, limits.reward_days, yields, now
        )
    return score_holdings(portfolio, scores, factors, yields, performance)
