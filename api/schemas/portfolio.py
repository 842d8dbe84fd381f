"""Wire models of the portfolio (contract v1): positions with their linked wallet,
validator, amount, the validator's risk score (the caller's tier view) and the
position's real yield; one block per chain shown with totals and freshness."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from api.schemas.common import Amount, ApiModel, Fiat, Freshness, MetaEnvelope, NoMeta, UtcDatetime
from api.schemas.rewards import PortfolioPerformanceOut, PositionPerformanceOut
from api.schemas.vrs import VrsSummaryOut
from domain.models import Chain

__all__ = [
    "Amount",
    "ChainBlock",
    "Fiat",
    "PortfolioOut",
    "PortfolioResponse",
    "PositionOut",
    "RealYieldSummaryOut",
    "ValidatorRef",
]


class ValidatorRef(ApiModel):
    id: str = Field(description='"<chain>:<address>", the id of /api/validators/{id}')
    address: str
    name: str | None
    status: str | None = Field(description="null: the validator has not been fetched yet")
    commission: str | None = Field(description="Fraction of rewards kept (0.05 = 5 %)")


class RealYieldSummaryOut(ApiModel):
    """The position's real yield, each part a decimal fraction per year as text (0.05 =
    5 %); the full breakdown is in `GET /api/yield`."""

    nominal_apy: str = Field(description="Gross reward rate before commission")
    inflation_rate: str
    validator_fee: str = Field(description="nominalApy × commission")
    slashing_risk: str = Field(description="Expected annual loss from slashing")
    real_yield: str = Field(description="nominalApy − inflationRate − validatorFee − slashingRisk")
    confidence: Literal["exact", "fallback"]


class PositionOut(ApiModel):
    chain: Chain
    wallet: str = Field(description="The holding wallet's address, shortened for display")
    wallet_id: uuid.UUID = Field(description="The linked wallet's id (as in /api/me/wallets)")
    validator: ValidatorRef
    amount: Amount
    rewards: Amount | None
    status: str
    kind: str
    completes_at: UtcDatetime | None
    fetched_at: UtcDatetime
    vrs: VrsSummaryOut = Field(
        description="The validator's latest risk score in the caller's tier view (pending: "
        "not scored yet or no current score)"
    )
    real_yield: RealYieldSummaryOut | None = Field(
        description="As GET /api/yield computes it for this position (a position that earns "
        "nothing in its state has a nominal APY of 0); null: no chain data yet"
    )
    performance: PositionPerformanceOut | None = Field(
        default=None,
        description="What the position earned over 24h, 7d, 30d and since first seen, with "
        "its realised APY (null: not computed)",
    )


class ChainBlock(Freshness):
    """A chain the user has a wallet on (positions or not), with its positions'
    freshness: `lastError` when the last fetch failed after `fetchedAt`."""

    chain: Chain
    wallets: int
    positions: int
    validators: int
    total: Amount


class PortfolioOut(ApiModel):
    wallets: int
    positions: list[PositionOut]
    chains: list[ChainBlock]
    total_fiat: Fiat = Field(description="Per currency the sum over the chains with a price")
    chain_count: int = Field(description="The chain blocks shown (`chains`)")
    validator_count: int
    position_count: int
    performance: PortfolioPerformanceOut | None = Field(
        default=None,
        description="Rewards earned per chain and overall (reward events as stored), the "
        "realised APY next to the nominal APY and the real yield; null without wallets",
    )


PortfolioResponse = MetaEnvelope[PortfolioOut, NoMeta]
