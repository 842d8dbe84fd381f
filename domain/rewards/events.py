"""A reward event: one position's earning (or penalty) over one period, in base units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.models import Chain


class RewardKind(StrEnum):
    REWARD = "reward"
    PENALTY = "penalty"  # amount < 0
    COMMISSION = "commission"  # a validator operator's commission income


@dataclass(frozen=True, slots=True)
class RewardEvent:
    """Unique per (chain, owner, position_key, period): storing it twice changes nothing.

    `period` names what the amount covers, e.g. "epoch:812" (SOL inflation reward),
    "ingest:2026-12-03T14:00Z" (ETH balance change since the previous ingest),
    "accrual:2026-12-03T13:00Z/2026-12-03T14:00Z" (ATOM). `estimated` is true where the
    chain data does not say the amount exactly (ATOM accruals across a withdrawal).
    """

    chain: Chain
    owner: str  # wallet address
    position_key: str  # the staking position's key (validator index, stake account …)
    validator: str
    period: str
    kind: RewardKind
    amount: int  # signed, base units
    occurred_at: datetime  # end of the period, UTC
    stake: int | None = None  # the position's stake over the period (base units)
    period_start: datetime | None = None
    epoch: int | None = None
    source: str | None = None  # tx hash, slot or epoch where known
    estimated: bool = False
