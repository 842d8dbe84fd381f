"""Wire models of the portfolio: positions with validator, amount (base units, display,
fiat) and freshness per chain."""

from __future__ import annotations

from datetime import datetime

from api.schemas.common import ApiModel
from domain.models import Chain


class Fiat(ApiModel):
    usd: str | None = None
    eur: str | None = None


class Amount(ApiModel):
    base_units: str
    display: str
    fiat: Fiat | None = None


class ValidatorRef(ApiModel):
    id: str  # "<chain>:<address>", the id of /api/validators/{id}
    address: str
    name: str | None
    status: str | None
    commission: str | None


class PositionOut(ApiModel):
    chain: Chain
    wallet: str  # shortened
    validator: ValidatorRef
    amount: Amount
    rewards: Amount | None
    status: str
    kind: str
    completes_at: datetime | None
    fetched_at: datetime


class ChainBlock(ApiModel):
    chain: Chain
    wallets: int
    positions: int
    validators: int
    total: Amount
    fetched_at: datetime | None
    stale: bool
    last_error: datetime | None


class PortfolioOut(ApiModel):
    wallets: int
    positions: list[PositionOut]
    chains: list[ChainBlock]
    total_fiat: Fiat
    chain_count: int
    validator_count: int
    position_count: int
