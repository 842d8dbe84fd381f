"""Wire models of the Validator Risk Score: a tier's view of the latest score, the daily
history, and the methodology."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from api.schemas.common import ApiModel
from domain.models import Chain
from domain.vrs import Band, Confidence, Factor, VrsStatus


class VrsFactorOut(ApiModel):
    name: Factor
    score: int | None  # 0-100; None when unavailable or locked
    weight: float  # share of this view's total (0 when it does not count)
    configured_weight: float  # the weight in vrs_config, before renormalising
    band: Band | None
    unavailable: bool  # the chain cannot measure it, or no data
    locked: bool  # withheld from this tier


class VrsOut(ApiModel):
    validator_id: str  # "<chain>:<address>"
    chain: Chain
    address: str
    status: VrsStatus  # pending: too little history, no total
    view: Literal["basic", "full"]  # basic: the free tier's 3-factor score
    total: int | None
    band: Band | None
    confidence: Confidence
    data_days: int
    calculated_at: dt.datetime | None  # None: never scored yet
    methodology_version: str
    factors: list[VrsFactorOut]  # empty while pending


class VrsPointOut(ApiModel):
    date: dt.date
    calculated_at: dt.datetime
    status: VrsStatus
    total: int | None
    band: Band | None
    drop: bool  # fell by more than 10 points within 7 days
    drop_points: int | None
    drop_since: dt.date | None


class VrsHistoryOut(ApiModel):
    validator_id: str
    chain: Chain
    address: str
    view: Literal["basic", "full"]
    first_scored_at: dt.datetime | None  # history is collected from then on
    points: list[VrsPointOut]  # one per day with a score, oldest first


class MethodFactorOut(ApiModel):
    name: Factor
    definition: str
    inputs: list[str]
    weight: float  # configured share of the total, before renormalising
    available: bool  # False: this chain can never measure it


class MethodChainOut(ApiModel):
    chain: Chain
    factors: list[MethodFactorOut]


class MethodWindowOut(ApiModel):
    from_day: int
    to_day: int
    weight: float


class MethodologyOut(ApiModel):
    version: str
    windows: list[MethodWindowOut]
    pending_days: int
    high_confidence_days: int
    medium_confidence_days: int
    free_factors: list[Factor]
    rules: list[str]
    chains: list[MethodChainOut]
