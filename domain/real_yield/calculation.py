"""The public calculator: a breakdown applied to an amount of coins — what each part
earns or costs in a year — and the checks of its inputs (amount, chain, validator)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from domain.amounts import Prices, Valued, value
from domain.chains import BASE_UNIT_DECIMALS
from domain.errors import InvalidInput, NotFound
from domain.models import Chain
from domain.real_yield.calculator import RealYield, formula

MAX_AMOUNT = Decimal(10) ** 12  # whole coins: more than any chain's supply
AMOUNT_MESSAGE = "amount must be greater than 0"


# --- input ----------------------------------------------------------------------------------


def parse_amount(raw: Any) -> Decimal:
    """Whole coins from a decimal string or a JSON number; InvalidInput unless a finite
    number > 0 (and at most MAX_AMOUNT)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidInput(AMOUNT_MESSAGE, details={"field": "amount"})
    source = raw.strip() if isinstance(raw, str) else str(raw)
    try:
        amount = Decimal(source) if len(source) <= 64 else Decimal("NaN")
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(AMOUNT_MESSAGE, details={"field": "amount"})
    if amount > MAX_AMOUNT:
        raise InvalidInput(f"amount must be at most {MAX_AMOUNT:f}", details={"field": "amount"})
    return amount


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


def per_year(units: int, rate: Decimal) -> int:
    """`units` × an annual rate, in whole base units (rounded half to even)."""
    return int((Decimal(units) * rate).to_integral_value(ROUND_HALF_EVEN))


# --- output ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearlyAmounts:
    nominal: Valued
    validator_fee: Valued
    slashing_risk: Valued
    inflation: Valued  # the dilution of the stake's share of the supply
    real: Valued  # nominal − fee − risk − inflation, exactly
    real_compounded: Valued


@dataclass(frozen=True, slots=True)
class Calculation:
    result: RealYield
    amount: Valued
    yearly: YearlyAmounts
    formula: str


def calculation(result: RealYield, coins: Decimal, prices: Prices) -> Calculation:
    """`result` applied to `coins` of its chain: what each part earns or costs in a year."""
    chain = result.chain
    units = base_units(chain, coins)
    nominal = per_year(units, result.nominal_apy)
    fee = per_year(units, result.validator_fee)
    risk = per_year(units, result.slashing_risk)
    inflation = per_year(units, result.inflation_rate)
    yearly = YearlyAmounts(
        nominal=value(chain, nominal, prices),
        validator_fee=value(chain, fee, prices),
        slashing_risk=value(chain, risk, prices),
        inflation=value(chain, inflation, prices),
        real=value(chain, nominal - fee - risk - inflation, prices),  # adds up exactly
        real_compounded=value(chain, per_year(units, result.real_yield_compounded), prices),
    )
    return Calculation(
        result=result,
        amount=value(chain, units, prices),
        yearly=yearly,
        formula=formula(chain, per_validator=result.validator is not None),
    )
