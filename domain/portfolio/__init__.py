"""The portfolio (DESIGN.md §3): a user's positions across wallets and chains, valued,
with per-chain totals and freshness, and their real yield.

    model.build_portfolio(...)        stored positions -> Portfolio
    freshness.chain_freshness(...)    a chain step's sync state -> fetchedAt, stale, lastError
    yield_view.portfolio_yield(...)   Portfolio + breakdowns -> PortfolioYield
"""

from domain.portfolio.freshness import (
    FETCH_FAILED,
    STALE_AFTER,
    ChainFreshness,
    SyncError,
    chain_freshness,
    sync_error,
)
from domain.portfolio.model import (
    CHAIN_ORDER,
    ChainSummary,
    Holding,
    Portfolio,
    build_portfolio,
)
from domain.portfolio.yield_view import (
    EARNING_POSITIONS,
    ChainYieldSummary,
    HoldingYield,
    PortfolioYield,
    earns,
    portfolio_yield,
    position_inputs,
)

__all__ = [
    "CHAIN_ORDER",
    "EARNING_POSITIONS",
    "FETCH_FAILED",
    "STALE_AFTER",
    "ChainFreshness",
    "ChainSummary",
    "ChainYieldSummary",
    "Holding",
    "HoldingYield",
    "Portfolio",
    "PortfolioYield",
    "SyncError",
    "build_portfolio",
    "chain_freshness",
    "earns",
    "portfolio_yield",
    "position_inputs",
    "sync_error",
]
