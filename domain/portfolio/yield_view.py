"""Real yield of a user's portfolio: each position's breakdown, what it earns in a year,
and stake-weighted averages per chain and overall.

Weights: within a chain by the positions' amounts in base units (one unit per chain);
across chains by their USD value, and no overall figure when a chain with positions has
no USD price (coins of different chains cannot be added)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.amounts import Valued, value
from domain.chains import BASE_UNIT_DECIMALS, Position, PositionKind
from domain.models import Chain
from domain.portfolio.model import CHAIN_ORDER, Holding, Portfolio
from domain.real_yield import RealYield, ValidatorInputs, YieldAverage, weighted_average
from domain.real_yield.calculation import per_year

# position states that earn rewards (SOL "deactivating" earns until the epoch ends)
EARNING_POSITIONS = frozenset({"active", "deactivating"})


def earns(position: Position) -> bool:
    return position.kind is PositionKind.STAKE and position.status in EARNING_POSITIONS


def position_inputs(position: Position, known: Mapping[str, ValidatorInputs]) -> ValidatorInputs:
    """The validator's inputs as they apply to this position: a position that earns
    nothing in its state (unbonding, activating, inactive ...) has no rewards; an unknown
    validator counts with the network's commission."""
    inputs = known.get(position.validator) or ValidatorInputs(
        address=position.validator, commission=None
    )
    return inputs if earns(position) else replace(inputs, earning=False)


@dataclass(frozen=True, slots=True)
class HoldingYield:
    holding: Holding
    result: RealYield | None  # None: the chain has no data yet
    yearly_real: Valued | None  # amount × real yield, per year


@dataclass(frozen=True, slots=True)
class ChainYieldSummary:
    chain: Chain
    positions: int
    total: Valued
    average: YieldAverage | None  # weighted by the positions' base units


@dataclass(frozen=True, slots=True)
class PortfolioYield:
    holdings: tuple[HoldingYield, ...]  # by chain (CHAIN_ORDER), then as in the portfolio
    chains: tuple[ChainYieldSummary, ...]  # the chains with positions
    overall: YieldAverage | None  # weighted by USD value; None when a chain lacks a price

    @property
    def overall_weighting(self) -> str | None:
        return "usd" if self.overall is not None else None


def portfolio_yield(portfolio: Portfolio, results: Sequence[RealYield | None]) -> PortfolioYield:
    """`results[i]` is the breakdown of `portfolio.holdings[i]` (None: no chain data)."""
    prices = portfolio.prices
    paired = list(zip(portfolio.holdings, results, strict=True))
    out: list[HoldingYield] = []
    chains: list[ChainYieldSummary] = []
    across: list[tuple[RealYield | YieldAverage, Decimal]] = []
    priced = True
    for chain in CHAIN_ORDER:
        mine = [(h, r) for h, r in paired if h.chain is chain]
        if not mine:
            continue
        native: list[tuple[RealYield | YieldAverage, Decimal]] = []
        for holding, result in mine:
            units = holding.position.amount
            yearly = (
                None if result is None else value(chain, per_year(units, result.real_yield), prices)
            )
            out.append(HoldingYield(holding=holding, result=result, yearly_real=yearly))
            if result is not None:
                native.append((result, Decimal(units)))
        average = weighted_average(native)
        chains.append(
            ChainYieldSummary(
                chain=chain,
                positions=len(mine),
                total=value(chain, sum(h.position.amount for h, _ in mine), prices),
                average=average,
            )
        )
        if average is not None:
            usd = prices.get((chain.value, "usd"))
            if usd is None:
                priced = False
            else:
                across.append((average, average.weight.scaleb(-BASE_UNIT_DECIMALS[chain]) * usd))
    return PortfolioYield(
        holdings=tuple(out),
        chains=tuple(chains),
        overall=weighted_average(across) if priced else None,
    )
