"""Wire models of the validator list and detail (contract v1)."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Amount, ApiModel, Freshness, ListMeta, UtcDatetime
from api.schemas.vrs import VrsSummaryOut
from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.validators import ValidatorSort

RATE = "A decimal fraction as a string (0.05 = 5 %)"


class EthValidatorOut(ApiModel):
    """What the beacon chain says of an ETH validator (the stored set, refreshed hourly)."""

    index: int
    pubkey: str
    beacon_status: str = Field(description="The beacon API's status, e.g. active_ongoing")
    balance: Amount
    effective_balance: Amount
    withdrawal_address: str | None = Field(
        description="Execution address of 0x01/0x02 credentials, lower-case; null for BLS"
    )
    withdrawal_prefix: int = Field(description="0 (BLS), 1 or 2 (compounding)")
    activation_epoch: int | None = Field(description="null: not activated yet")
    exit_epoch: int | None = Field(description="null: no exit scheduled")


class ValidatorOut(ApiModel):
    id: str = Field(description='"<chain>:<address>" (ETH: "eth:<index>")')
    chain: Chain
    address: str
    name: str | None = Field(description="On-chain name, else an operator label (ETH)")
    status: ValidatorStatus
    stake: Amount = Field(description="Stake bonded or delegated to it (fiat at the newest price)")
    commission: str | None = Field(description=RATE)
    jailed: bool
    slashed: bool
    identity: dict[str, str] = Field(description="Chain-specific identifiers (strings)")
    fetched_at: UtcDatetime
    vrs: VrsSummaryOut = Field(description="The newest risk score in the caller's tier view")
    eth: EthValidatorOut | None = Field(
        default=None, description="ETH validators: the beacon chain's view of it"
    )


class ObservationOut(ApiModel):
    observed_at: UtcDatetime
    status: ValidatorStatus
    stake: Amount | None = Field(description="Stake at that hour (no fiat: a past amount)")
    commission: str | None = Field(description=RATE)
    jailed: bool
    slashed: bool
    tombstoned: bool
    uptime: str | None = Field(description=RATE)
    performance: str | None = Field(description=RATE)
    skip_rate: str | None = Field(description=RATE)
    missed_blocks: int | None
    version: str | None


class ValidatorDetailOut(ValidatorOut):
    observations: list[ObservationOut] = Field(description="Newest first, the last 48 samples")


class ValidatorListMeta(Freshness, ListMeta):
    """`{nextCursor, limit}` of the list, the listing's chain and sort, and the freshness
    of the chain's validator set (`fetchedAt`, `stale`, `lastError`)."""

    chain: Chain
    sort: ValidatorSort
