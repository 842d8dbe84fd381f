"""Wire models of the portfolio (contract v1): positions with their linked wallet,
validator and amount, one block per chain shown with totals and freshness."""

from __future__ import annotations

import uuid

from pydantic import Field

from api.schemas.common import Amount, ApiModel, Fiat, Freshness, MetaEnvelope, NoMeta, UtcDatetime
from domain.models import Chain

__all__ = [
    "Amount",
    "ChainBlock",
    "Fiat",
    "PortfolioOut",
    "PortfolioResponse",
    "PositionOut",
    "ValidatorRef",
]


class ValidatorRef(ApiModel):
    id: str = Field(description='"<chain>:<address>", the id of /api/validators/{id}')
    address: str
    name: str | None
    status: str | None = Field(description="null: the validator has not been fetched yet")
    commission: str | None = Field(description="Fraction of rewards kept (0.05 = 5 %)")


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


PortfolioResponse = MetaEnvelope[PortfolioOut, NoMeta]
