"""Wire shapes of the watchlist (`/api/watchlist`)."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import ApiModel, ListMeta, RequestModel, UtcDatetime
from domain.models import Chain
from domain.vrs import Band, VrsStatus


class WatchIn(RequestModel):
    validator_id: str = Field(
        min_length=3,
        max_length=140,
        description='"<chain>:<address>" as in the VRS routes, e.g. "sol:<vote account>", '
        '"atom:<valoper>", "eth:<index>" or "eth:0x<pubkey>"',
    )


class WatchedVrsOut(ApiModel):
    """The validator's latest score in the caller's tier view."""

    status: VrsStatus
    total: int | None = Field(description="0-100 over the factors this tier sees; null: pending")
    band: Band | None
    factors_shown: int
    calculated_at: UtcDatetime


class WatchedOut(ApiModel):
    validator_id: str = Field(description='"<chain>:<address>" (ETH: by index)')
    chain: Chain
    name: str | None
    added_at: UtcDatetime
    vrs: WatchedVrsOut | None = Field(description="null: not scored yet")
    over_limit: bool = Field(
        description="Beyond the tier's number of watched validators (after a downgrade; "
        "the oldest stay within it): kept and still observed, read-only; it can be removed"
    )


class WatchlistMeta(ListMeta):
    """The whole list in one page, with the tier's limit."""

    watch_limit: int | None = Field(description="Validators this tier may watch (null: no limit)")
    upgrade_url: str | None = Field(description="Where to upgrade, when the limit is reached")


class UnwatchedOut(ApiModel):
    validator_id: str
    deleted: bool = True
