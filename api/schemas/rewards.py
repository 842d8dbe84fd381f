"""Wire models of rewards (contract v1): the performance blocks of the portfolio, and the
rewards list (`GET /api/rewards`). Amounts are signed (a penalty is negative): base units
as an integer string, the coin display value, and fiat at the close of the reward's UTC
day (null in a currency without a close that day: never a guessed number)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from api.schemas.common import Amount, ApiModel, Fiat, ListMeta, MetaEnvelope, UtcDatetime
from domain.models import Chain

WindowName = Literal["24h", "7d", "30d", "all"]
ConfidenceName = Literal["high", "medium", "low"]


class PerformanceWindowOut(ApiModel):
    window: WindowName = Field(description='24h, 7d, 30d, or "all": since first seen')
    rewards: Amount = Field(
        description="Signed sum of the window's reward events; fiat at each day's close "
        "(a currency is null when any day lacks its close)"
    )
    events: int
    estimated_events: int = Field(description="Events whose amount the chain does not state")
    average_stake: Amount | None = Field(
        description="Average stake over the events (base units; fiat at the latest price)"
    )
    covered_from: UtcDatetime | None = Field(description="Start of the earliest event's period")
    covered_to: UtcDatetime | None = Field(description="End of the latest event's period")
    covered_days: str
    realised_apy: str | None = Field(
        description="rewards ÷ (average stake × covered years): a simple annual rate like "
        "nominalApy, net of commission; null without events or stake"
    )
    confidence: ConfidenceName = Field(
        description="high: ≥ 30 covered days; medium: ≥ 7; low below; one lower when any "
        "event is estimated"
    )


class PositionPerformanceOut(ApiModel):
    windows: list[PerformanceWindowOut]


class ChainPerformanceOut(ApiModel):
    chain: Chain
    windows: list[PerformanceWindowOut] = Field(
        description="Every event of the user's wallets on the chain (positions held or closed)"
    )
    nominal_apy: str | None = Field(description="The positions' stake-weighted nominal APY")
    real_yield: str | None = Field(description="The positions' stake-weighted real yield")


class PortfolioWindowOut(ApiModel):
    window: WindowName
    fiat: Fiat | None = Field(
        description="The chains' rewards at each day's close (a currency is null when any "
        "chain lacks it)"
    )
    events: int
    estimated_events: int
    realised_apy: str | None = Field(
        description="Across chains, weighted in USD at the latest price; null when a chain "
        "that earned has no USD price"
    )
    confidence: ConfidenceName


class PortfolioPerformanceOut(ApiModel):
    """What the positions earned (reward events as stored), next to what they should."""

    windows: list[PortfolioWindowOut]
    chains: list[ChainPerformanceOut]
    nominal_apy: str | None = Field(description="USD-weighted across chains")
    real_yield: str | None = Field(description="USD-weighted across chains")
    since: UtcDatetime | None = Field(
        description="The earliest reward the tier shows (free: 30 days); null: all"
    )


# --- the list ------------------------------------------------------------------------


class RewardOut(ApiModel):
    """One reward event (`granularity=epoch`) or one position's rewards of one UTC day
    (`granularity=day`)."""

    chain: Chain
    wallet_id: uuid.UUID = Field(description="The linked wallet's id (as in /api/me/wallets)")
    wallet: str = Field(description="The wallet's address, shortened for display")
    validator_id: str = Field(description='"<chain>:<address>", the id of /api/validators/{id}')
    position: str = Field(description="The position's key (ETH index, SOL stake account …)")
    day: date = Field(description="UTC day of the reward")
    occurred_at: UtcDatetime | None = Field(description="End of the event's period (epoch rows)")
    period_start: UtcDatetime | None = None
    kind: Literal["reward", "penalty", "commission"] | None = Field(description="null on day rows")
    amount: Amount = Field(description="Signed; fiat at the close of the UTC day")
    price: Fiat | None = Field(description="The day's close of one coin (null: none)")
    epoch: int | None = None
    source: str | None = Field(default=None, description="tx hash, slot or epoch where known")
    period: str | None = Field(default=None, description="What the amount covers (epoch rows)")
    events: int = Field(description="Events summed (1 on epoch rows)")
    estimated: bool = Field(description="The chain does not state the amount exactly")
    fetched_at: UtcDatetime = Field(description="When the event was read from the chain")


class RewardsMeta(ListMeta):
    granularity: Literal["day", "epoch"]
    from_: date | None = Field(
        alias="from", description="First UTC day listed (after the tier's clamp); null: all"
    )
    to: date = Field(description="Last UTC day listed")
    clamped: bool = Field(description="The tier shows less than asked (free: 30 days)")
    upgrade_url: str | None = Field(
        default=None, description="Where to upgrade, when the view is reduced (else null)"
    )


RewardsResponse = MetaEnvelope[list[RewardOut], RewardsMeta]
