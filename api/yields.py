"""Real yield on the wire: the public calculator (any chain, amount, validator) and the
signed-in user's positions with their breakdowns and stake-weighted averages.

Weights: within a chain by the positions' amounts in base units (one unit per chain);
across chains by their USD value, and no overall figure when a chain with positions has
no USD price (coins of different chains cannot be added)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from api.portfolio import Prices, amount, build_portfolio
from api.schemas.portfolio import PositionOut
from api.schemas.yields import (
    CalculateOut,
    ChainYield,
    PositionYield,
    YearlyAmounts,
    YieldAverageOut,
    YieldBreakdown,
    YieldPortfolioOut,
)
from domain.chains import BASE_UNIT_DECIMALS
from domain.errors import InvalidInput, NotFound
from domain.models import Chain
from domain.real_yield import (
    RealYield,
    ValidatorInputs,
    YieldAverage,
    YieldDataMissing,
    weighted_average,
)
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.yields import ChainContext, YieldService

MAX_AMOUNT = Decimal(10) ** 12  # whole coins: more than any chain's supply
AMOUNT_MESSAGE = "amount must be greater than 0"
# position states that earn rewards (SOL "deactivating" earns until the epoch ends)
EARNING_POSITIONS = frozenset({"active", "deactivating"})


def text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


# --- input ----------------------------------------------------------------------------------


def parse_amount(raw: Any) -> Decimal:
    """Whole coins from a decimal string or a JSON number; 422 unless a finite number > 0."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidInput(AMOUNT_MESSAGE, details={"field": "amount"})
    source = raw.strip() if isinstance(raw, str) else str(raw)
    try:
        value = Decimal(source) if len(source) <= 64 else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise InvalidInput(AMOUNT_MESSAGE, details={"field": "amount"})
    if value > MAX_AMOUNT:
        raise InvalidInput(f"amount must be at most {MAX_AMOUNT:f}", details={"field": "amount"})
    return value


def parse_chain(raw: str) -> Chain:
    try:
        return Chain(raw.strip().lower())
    except ValueError:
        raise NotFound(
            f"Unknown chain {raw[:16]!r}; use eth, sol or atom.", details={"field": "chain"}
        ) from None


def parse_validator(chain: Chain, raw: str | None) -> str | None:
    """The address from `"<chain>:<address>"` (the validator API's id) or a bare address;
    None: the network average."""
    if raw is None or not raw.strip():
        return None
    prefix, colon, rest = raw.strip().partition(":")
    if not colon:
        return prefix
    if prefix != chain.value or not rest:
        raise NotFound(f"No such {chain.value} validator.", details={"field": "validatorId"})
    return rest


def base_units(chain: Chain, coins: Decimal) -> int:
    units = int(coins.scaleb(BASE_UNIT_DECIMALS[chain]).to_integral_value(ROUND_DOWN))
    if units <= 0:
        raise InvalidInput(
            "amount is smaller than the chain's smallest unit", details={"field": "amount"}
        )
    return units


# --- output ---------------------------------------------------------------------------------


def breakdown(result: RealYield) -> YieldBreakdown:
    return YieldBreakdown(
        chain=result.chain,
        validator_id=None if result.validator is None else f"{result.chain}:{result.validator}",
        nominal_apy=text(result.nominal_apy),
        inflation_rate=text(result.inflation_rate),
        validator_fee=text(result.validator_fee),
        slashing_risk=text(result.slashing_risk),
        real_yield=text(result.real_yield),
        real_yield_compounded=text(result.real_yield_compounded),
        commission=text(result.commission),
        slashing_factor=text(result.slashing_factor),
        performance=None if result.performance is None else text(result.performance),
        earning=result.earning,
        confidence=result.confidence.value,
        fallback_inputs=list(result.fallback),
        estimated_inputs=list(result.estimated),
        fetched_at=result.fetched_at,
    )


def _per_year(units: int, rate: str | Decimal) -> int:
    return int((Decimal(units) * Decimal(rate)).to_integral_value(ROUND_HALF_EVEN))


def calculation(
    result: YieldBreakdown, formula: str, coins: Decimal, prices: Prices
) -> CalculateOut:
    """`result` applied to `coins` of its chain: what each part earns or costs in a year."""
    chain = result.chain
    units = base_units(chain, coins)
    nominal = _per_year(units, result.nominal_apy)
    fee = _per_year(units, result.validator_fee)
    risk = _per_year(units, result.slashing_risk)
    inflation = _per_year(units, result.inflation_rate)
    yearly = YearlyAmounts(
        nominal=amount(chain, nominal, prices),
        validator_fee=amount(chain, fee, prices),
        slashing_risk=amount(chain, risk, prices),
        inflation=amount(chain, inflation, prices),
        real=amount(chain, nominal - fee - risk - inflation, prices),  # adds up exactly
        real_compounded=amount(chain, _per_year(units, result.real_yield_compounded), prices),
    )
    return CalculateOut(
        **result.model_dump(),
        amount=amount(chain, units, prices),
        yearly=yearly,
        formula=formula,
    )


def _average(average: YieldAverage | None) -> YieldAverageOut | None:
    if average is None:
        return None
    return YieldAverageOut(
        nominal_apy=text(average.nominal_apy),
        inflation_rate=text(average.inflation_rate),
        validator_fee=text(average.validator_fee),
        slashing_risk=text(average.slashing_risk),
        real_yield=text(average.real_yield),
        real_yield_compounded=text(average.real_yield_compounded),
    )


# --- the signed-in user's positions -----------------------------------------------------


async def _chain_yields(
    service: YieldService, chain: Chain, positions: list[PositionOut], now: datetime
) -> list[RealYield | None]:
    """Each position's breakdown (None for all when the chain has no data yet)."""
    try:
        context: ChainContext = await service.context(chain, now)
    except YieldDataMissing:
        return [None] * len(positions)
    wanted = {p.validator.address for p in positions}
    known = await service.validator_inputs(chain, now, wanted)
    results: list[RealYield | None] = []
    for position in positions:
        address = position.validator.address
        inputs = known.get(address) or ValidatorInputs(address=address, commission=None)
        earning = position.kind == "stake" and position.status in EARNING_POSITIONS
        if not earning:  # unbonding, activating, inactive ...: no rewards
            inputs = replace(inputs, earning=False)
        results.append(context.validator(inputs))
    return results


async def build_yield_portfolio(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, now: datetime
) -> YieldPortfolioOut:
    portfolio = await build_portfolio(uow, user_id, chain, now)
    prices = await ChainDataRepository(uow.session).latest_prices()
    service = YieldService(uow.session)
    by_chain: dict[Chain, list[PositionOut]] = defaultdict(list)
    for position in portfolio.positions:
        by_chain[position.chain].append(position)

    out: list[PositionYield] = []
    chains: list[ChainYield] = []
    across: list[tuple[RealYield | YieldAverage, Decimal]] = []
    priced = True
    for c in sorted(by_chain, key=list(Chain).index):
        positions = by_chain[c]
        results = await _chain_yields(service, c, positions, now)
        native: list[tuple[RealYield | YieldAverage, Decimal]] = []
        for position, result in zip(positions, results, strict=True):
            units = int(position.amount.base_units)
            out.append(
                PositionYield(
                    chain=c,
                    wallet=position.wallet,
                    validator=position.validator,
                    amount=position.amount,
                    status=position.status,
                    kind=position.kind,
                    breakdown=None if result is None else breakdown(result),
                    yearly_real=None
                    if result is None
                    else amount(c, _per_year(units, result.real_yield), prices),
                )
            )
            if result is not None:
                native.append((result, Decimal(units)))
        average = weighted_average(native)
        chains.append(
            ChainYield(
                chain=c,
                positions=len(positions),
                total=amount(c, sum(int(p.amount.base_units) for p in positions), prices),
                average=_average(average),
            )
        )
        usd = prices.get((c.value, "usd"))
        if average is not None:
            if usd is None:
                priced = False
            else:
                across.append((average, average.weight.scaleb(-BASE_UNIT_DECIMALS[c]) * usd))
    overall = weighted_average(across) if priced else None
    return YieldPortfolioOut(
        positions=out,
        chains=chains,
        overall=_average(overall),
        overall_weighting="usd" if overall is not None else None,
    )
