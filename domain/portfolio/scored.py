"""The portfolio as the dashboard lists it: every holding with its validator's latest
risk score in the caller's tier view and its real yield, so a list needs no request per
row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.models import Chain
from domain.portfolio.model import Holding, Portfolio
from domain.portfolio.performance import PortfolioRewards
from domain.real_yield import RealYield
from domain.vrs import VrsScore
from domain.vrs.tiers import VrsView, tier_view


@dataclass(frozen=True, slots=True)
class ScoredHolding:
    holding: Holding
    vrs: VrsView | None  # None: the validator has no current score (pending)
    real_yield: RealYield | None  # None: its chain has no data yet


@dataclass(frozen=True, slots=True)
class ScoredPortfolio:
    portfolio: Portfolio
    holdings: tuple[ScoredHolding, ...]  # as portfolio.holdings
    rewards: PortfolioRewards | None = None  # the performance block (None: not computed)


def scored_portfolio(
    portfolio: Portfolio,
    scores: Mapping[tuple[Chain, str], VrsScore],
    factors_shown: int,
    yields: Sequence[RealYield | None],
    rewards: PortfolioRewards | None = None,
) -> ScoredPortfolio:
    """`scores`: the latest score by (chain, validator address); `factors_shown`: the
    tier's; `yields[i]`: the breakdown of `portfolio.holdings[i]`."""
    holdings = []
    for holding, result in zip(portfolio.holdings, yields, strict=True):
        score = scores.get((holding.chain, holding.position.validator))
        holdings.append(
            ScoredHolding(
                holding=holding,
                vrs=None if score is None else tier_view(score, factors_shown),
                real_yield=result,
            )
        )
    return ScoredPortfolio(portfolio=portfolio, holdings=tuple(holdings), rewards=rewards)
