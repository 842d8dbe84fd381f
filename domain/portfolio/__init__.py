"""The portfolio (DESIGN.md §3): a user's positions across wallets and chains, valued,
with per-chain totals and freshness (domain.freshness), and their real yield.

    model.build_portfolio(...)        stored positions -> Portfolio
    yield_view.portfolio_yield(...)   Portfolio + breakdowns -> PortfolioYield
    scored.scored_portfolio(...)      Portfolio + scores + breakdowns -> ScoredPortfolio
"""

from domain.portfolio.model import (
    CHAIN_ORDER,
    ChainSummary,
    Holding,
    Portfolio,
    build_portfolio,
)
from domain.portfolio.scored import ScoredHolding, ScoredPortfolio, scored_portfolio
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
    "ChainSummary",
    "ChainYieldSummary",
    "Holding",
    "HoldingYield",
    "Portfolio",
    "PortfolioYield",
    "ScoredHolding",
    "ScoredPortfolio",
    "build_portfolio",
    "earns",
    "portfolio_yield",
    "position_inputs",
    "scored_portfolio",
]
