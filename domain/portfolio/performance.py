"""The portfolio's rewards performance (issue 14): per position, per chain and overall,
over the windows of domain.rewards.windows, with the realised APY next to the nominal
APY and the real yield (stake-weighted as in domain.portfolio.yield_view).

A chain's figures count every event of the user's wallets on it, also those of positions
the wallet no longer holds (a closed stake account earned them): the sums equal the
export's. A position shown counts its own events only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.models import Chain
from domain.portfolio.model import Portfolio
from domain.portfolio.yield_view import portfolio_yield
from domain.real_yield import RealYield
from domain.rewards.performance import (
    DailyPrices,
    DayTotal,
    Performance,
    PortfolioWindow,
    PositionId,
    chain_performance,
    portfolio_performance,
    position_performance,
)


@dataclass(frozen=True, slots=True)
class ChainRewards:
    chain: Chain
    performance: Performance
    nominal_apy: Decimal | None  # the chain's positions' stake-weighted average
    real_yield: Decimal | None


@dataclass(frozen=True, slots=True)
class PortfolioRewards:
    holdings: tuple[Performance, ...]  # as portfolio.holdings
    chains: tuple[ChainRewards, ...]  # the chain blocks shown, in their order
    windows: tuple[PortfolioWindow, ...]
    nominal_apy: Decimal | None  # USD-weighted across chains (None: a chain has no price)
    real_yield: Decimal | None
    since: datetime | None  # the earliest moment the tier shows (None: all)


def portfolio_rewards(
    portfolio: Portfolio,
    totals: Sequence[DayTotal],
    closes: DailyPrices,
    yields: Sequence[RealYield | None],
    since: datetime | None,
) -> PortfolioRewards:
    """`totals`: the day totals of all the portfolio's wallets (domain.rewards.performance);
    `yields[i]`: the breakdown of `portfolio.holdings[i]`."""
    by_position: dict[PositionId, list[DayTotal]] = defaultdict(list)
    for row in totals:
        by_position[row.position].append(row)
    held: dict[PositionId, int] = {}
    holdings = []
    for holding in portfolio.holdings:
        p = holding.position
        ident = (p.chain, p.owner, p.key)
        held[ident] = p.amount
        holdings.append(position_performance(p.chain, by_position.get(ident, []), p.amount, closes))
    averages = portfolio_yield(portfolio, yields)
    average_of = {c.chain: c.average for c in averages.chains}
    chains = []
    for block in portfolio.chains:
        mine = [
            position_performance(block.chain, rows, held.get(ident), closes)
            for ident, rows in by_position.items()
            if ident[0] is block.chain
        ]
        average = average_of.get(block.chain)
        chains.append(
            ChainRewards(
                chain=block.chain,
                performance=chain_performance(block.chain, mine),
                nominal_apy=None if average is None else average.nominal_apy,
                real_yield=None if average is None else average.real_yield,
            )
        )
    overall = averages.overall
    return PortfolioRewards(
        holdings=tuple(holdings),
        chains=tuple(chains),
        windows=portfolio_performance({c.chain: c.performance for c in chains}, portfolio.prices),
        nominal_apy=None if overall is None else overall.nominal_apy,
        real_yield=None if overall is None else overall.real_yield,
        since=since,
    )
