"""Wire models of the validator list and detail (contract v1)."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Amount, ApiModel, Freshness, ListMeta, UtcDatetime
from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.validators import ValidatorSort

RATE = "A decimal fraction as a string (0.05 = 5 %)"


class ValidatorOut(ApiModel):
    id: str = Field(description='"<chain>:<address>"')
    chain: Chain
    address: str
    name: str | None
    status: ValidatorStatus
    stake: Amount = Field(description="Stake bonded or delegated to it (fiat at the newest price)")
    commission: str | None = Field(description=RATE)
    jailed: bool
    slashed: bool
    identity: dict[str, str] = Field(description="Chain-specific identifiers (strings)")
    fetched_at: UtcDatetime


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
