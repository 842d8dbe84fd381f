"""Wire models of the Validator Risk Score: a tier's view of the latest score, the daily
history, and the methodology (contract v1: weights are fractions, timestamps UTC `Z`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from api.schemas.common import ApiModel, UtcDatetime
from domain.models import Chain, Tier
from domain.vrs import Band, Factor, ScoreConfidence, VrsStatus
from domain.vrs.pending import PendingReason

View = Literal["basic", "full"]  # basic: the free tier's 3-factor score


class VrsFactorOut(ApiModel):
    name: Factor
    score: int | None = Field(description="0-100; null when unavailable or locked")
    weight: float = Field(description="Share of this view's total, a fraction (0 when not counted)")
    configured_weight: float = Field(
        description="The configured share of all five factors (vrs_config), a fraction"
    )
    band: Band | None
    unavailable: bool = Field(description="The chain cannot measure it, or no data")
    locked: bool = Field(description="Withheld from this tier")


class VrsOut(ApiModel):
    validator_id: str = Field(description='"<chain>:<address>"')
    chain: Chain
    address: str
    status: VrsStatus = Field(description="pending: too little history, no total")
    view: View
    total: int | None
    band: Band | None
    confidence: ScoreConfidence
    data_days: int
    calculated_at: UtcDatetime | None = Field(description="null: never scored yet")
    methodology_version: str
    factors: list[VrsFactorOut] = Field(description="Empty while pending")
    pending_reason: PendingReason | None = Field(
        default=None,
        description="While pending: not_observed (nobody stakes with, watches or, signed "
        "in, viewed it) or collecting_history; null when scored",
    )
    scored_from: UtcDatetime | None = Field(
        default=None,
        description="While pending: the pipeline run expected to give its first score "
        "(not_observed: if it is observed from the next run on)",
    )


class VrsSummaryOut(ApiModel):
    """A validator's score as a list row carries it (portfolio positions, validator list
    items): the caller's tier view of the latest score. Never null: unscored is
    `status: "pending"` with a null total and band."""

    total: int | None = Field(description="0-100 in the caller's tier view; null while pending")
    band: Band | None
    confidence: ScoreConfidence
    status: VrsStatus


class VrsPointOut(ApiModel):
    date: dt.date
    calculated_at: UtcDatetime
    status: VrsStatus
    total: int | None
    band: Band | None
    drop: bool = Field(description="Fell by more than 10 points within 7 days")
    drop_points: int | None
    drop_since: dt.date | None


class VrsFactorChangeOut(ApiModel):
    factor: Factor
    before: int = Field(description="The factor's score on the day it fell from (0-100)")
    after: int = Field(description="Its score on the day it fell to")
    delta: int = Field(description="after - before (negative: it fell)")


class VrsLastDropOut(ApiModel):
    """The newest flagged drop of the points shown and why: the factors whose scores
    changed between the two days, as the alerts attribute a drop (the tier's factors)."""

    from_: dt.date = Field(alias="from", description="The day of the higher score")
    to: dt.date = Field(description="The day it fell to")
    before: int
    after: int
    fell: int = Field(description="Points it fell (before - after)")
    causes: list[VrsFactorChangeOut] = Field(description="The biggest fall first; may be empty")


class VrsHistoryOut(ApiModel):
    validator_id: str
    chain: Chain
    address: str
    view: View
    first_scored_at: UtcDatetime | None = Field(description="History is collected from then on")
    points: list[VrsPointOut] = Field(description="One per day with a score, oldest first")
    last_drop: VrsLastDropOut | None = Field(
        default=None, description="The newest drop among the points, and why (null: none)"
    )


class MethodFactorOut(ApiModel):
    name: Factor
    definition: str
    inputs: list[str]
    weight: float = Field(description="Configured share of the total, a fraction")
    available: bool = Field(description="False: this chain can never measure it")


class MethodChainOut(ApiModel):
    chain: Chain
    factors: list[MethodFactorOut]


class MethodWindowOut(ApiModel):
    from_day: int
    to_day: int
    weight: float = Field(description="A fraction")


class MethodologyOut(ApiModel):
    version: str
    windows: list[MethodWindowOut]
    pending_days: int
    high_confidence_days: int
    medium_confidence_days: int
    free_factors: list[Factor]
    rules: list[str]
    chains: list[MethodChainOut]


class VrsScoreMeta(ApiModel):
    tier: Tier
    factors_shown: int
    upgrade_url: str | None = Field(
        default=None, description="Where to upgrade, when this view is reduced (else null)"
    )


class VrsHistoryMeta(ApiModel):
    tier: Tier
    days: int = Field(description="Days shown")
    requested_days: int | None
    max_days: int = Field(description="The tier's history")
    clamped: bool = Field(description="More days were requested than the tier shows")
    upgrade_url: str | None = Field(
        default=None, description="Where to upgrade, when clamped or reduced (else null)"
    )
