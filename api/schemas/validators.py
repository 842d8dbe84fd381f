"""Wire models of the validator list and detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.schemas.common import ApiModel
from domain.models import Chain


class ValidatorOut(ApiModel):
    id: str  # "<chain>:<address>"
    chain: Chain
    address: str
    name: str | None
    status: str
    stake: str  # base units, decimal string
    stake_display: str
    commission: str | None
    jailed: bool
    slashed: bool
    identity: dict[str, Any]
    fetched_at: datetime


class ObservationOut(ApiModel):
    observed_at: datetime
    status: str
    stake: str | None
    commission: str | None
    jailed: bool
    slashed: bool
    tombstoned: bool
    uptime: str | None
    performance: str | None
    skip_rate: str | None
    missed_blocks: int | None
    version: str | None


class ValidatorDetailOut(ValidatorOut):
    observations: list[ObservationOut]  # newest first, the last 48 samples


class ValidatorPage(ApiModel):
    items: list[ValidatorOut]
    next_cursor: str | None
