"""Wire models of real yield (contract v1): the breakdown (decimal fractions as strings,
0.05 = 5 %), the public calculator's request and answer, the signed-in user's positions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import Field

from api.schemas.common import (
    Amount,
    ApiModel,
    MetaEnvelope,
    NoMeta,
    RequestModel,
    UtcDatetime,
)
from api.schemas.portfolio import ValidatorRef
from api.schemas.vrs import VrsHistoryMeta
from domain.models import Chain


class YieldBreakdown(ApiModel):
    chain: Chain
    validator_id: str | None = Field(
        description='"<chain>:<address>" as in /api/validators; null: the network average'
    )
    nominal_apy: str = Field(description="Gross reward rate before commission, per year")
    inflation_rate: str
    validator_fee: str = Field(description="nominalApy × commission")
    slashing_risk: str = Field(description="Expected annual loss from slashing")
    real_yield: str = Field(description="nominalApy − inflationRate − validatorFee − slashingRisk")
    real_yield_compounded: str = Field(
        description="(1 + nominalApy − validatorFee − slashingRisk) / (1 + inflationRate) − 1"
    )
    commission: str
    slashing_factor: str = Field(description="The validator's risk relative to the network (1)")
    performance: str | None = Field(
        default=None, description="SOL: vote-credit performance scaling the nominal rate"
    )
    earning: bool = Field(description="False: earns no rewards in its current state")
    confidence: Literal["exact", "fallback"]
    fallback_inputs: list[str] = Field(
        description="Inputs that used a last known value or a configured default"
    )
    estimated_inputs: list[str] = Field(description="Inputs that are configured estimates")
    fetched_at: UtcDatetime = Field(description="When the chain figures used were observed")


class CalculateIn(RequestModel):
    chain: str = Field(description="eth, sol or atom (anything else: 404)", examples=["sol"])
    amount: Any = Field(
        description="Whole coins (ETH, SOL, ATOM) as a decimal string or number",
        examples=["100"],
        # checked by the use case (clear 422s for NaN, exponents, negatives ...): typed here
        # for clients only
        json_schema_extra={"anyOf": [{"type": "string"}, {"type": "number"}]},
    )
    validator_id: str | None = Field(
        default=None, max_length=200, description='"<chain>:<address>" or a bare address'
    )


class YearlyAmounts(ApiModel):
    """What `amount` earns or loses in a year by each part (base units, display, fiat)."""

    nominal: Amount
    validator_fee: Amount
    slashing_risk: Amount
    inflation: Amount = Field(description="The dilution of the stake's share of the supply")
    real: Amount
    real_compounded: Amount


class CalculateOut(YieldBreakdown):
    amount: Amount
    yearly: YearlyAmounts
    formula: str


class PositionYield(ApiModel):
    chain: Chain
    wallet: str = Field(description="The holding wallet's address, shortened for display")
    wallet_id: uuid.UUID = Field(description="The linked wallet's id (as in /api/me/wallets)")
    validator: ValidatorRef
    amount: Amount
    status: str
    kind: str
    breakdown: YieldBreakdown | None = Field(description="null: no chain data yet")
    yearly_real: Amount | None = Field(description="amount × realYield, per year")


class YieldAverageOut(ApiModel):
    nominal_apy: str
    inflation_rate: str
    validator_fee: str
    slashing_risk: str
    real_yield: str
    real_yield_compounded: str


class ChainYield(ApiModel):
    chain: Chain
    positions: int
    total: Amount
    weighting: Literal["native"] = "native"
    average: YieldAverageOut | None


class YieldPortfolioOut(ApiModel):
    positions: list[PositionYield]
    chains: list[ChainYield]
    overall: YieldAverageOut | None = Field(
        description="Weighted by USD value; null when a chain with positions has no price"
    )
    overall_weighting: Literal["usd"] | None


class YieldPointOut(ApiModel):
    """One day's snapshot (the first computation of the day, never changed after)."""

    date: dt.date
    nominal_apy: str = Field(description="Gross reward rate before commission, per year")
    inflation_rate: str
    validator_fee: str = Field(description="nominalApy × commission")
    slashing_risk: str = Field(description="Expected annual loss from slashing")
    real_yield: str = Field(description="nominalApy − inflationRate − validatorFee − slashingRisk")
    real_yield_compounded: str = Field(
        description="(1 + nominalApy − validatorFee − slashingRisk) / (1 + inflationRate) − 1"
    )
    commission: str
    slashing_factor: str = Field(description="The validator's risk relative to the network (1)")
    performance: str | None = Field(description="SOL: vote-credit performance")
    earning: bool
    confidence: Literal["exact", "fallback"]
    fallback_inputs: list[str] = Field(
        description="Inputs that used a last known value or a configured default"
    )
    estimated_inputs: list[str] = Field(description="Inputs that are configured estimates")
    fetched_at: UtcDatetime = Field(description="When the chain figures used were observed")


class YieldHistoryOut(ApiModel):
    chain: Chain
    validator_id: str | None = Field(
        description='"<chain>:<address>" as in /api/validators; null: the network average'
    )
    points: list[YieldPointOut] = Field(description="One per day with a snapshot, oldest first")


class YieldHistoryMeta(VrsHistoryMeta):
    """As the VRS history's: the days shown, asked for and allowed by the tier."""


CalculateResponse = MetaEnvelope[CalculateOut, NoMeta]
YieldPortfolioResponse = MetaEnvelope[YieldPortfolioOut, NoMeta]
YieldHistoryResponse = MetaEnvelope[YieldHistoryOut, YieldHistoryMeta]
