"""What a Validator Risk Score is: five factors, their weights, the total, its band and
confidence. A stored score keeps every factor; tier views are derived from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.models import Chain

METHODOLOGY_VERSION = "2026-11.2"  # bump whenever a factor's definition changes


class Factor(StrEnum):
    UPTIME = "uptime"
    SLASHING = "slashing"
    COMMISSION = "commission"
    PERFORMANCE = "performance"
    DECENTRALIZATION = "decentralization"


# the tier order: a tier showing n factors shows the first n (free 3, pro 5)
FACTORS: tuple[Factor, ...] = tuple(Factor)


class VrsStatus(StrEnum):
    SCORED = "scored"
    PENDING = "pending"  # too little history: no total


class ScoreConfidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Band(StrEnum):
    GREEN = "green"  # 80-100: low risk
    YELLOW = "yellow"  # 50-79
    RED = "red"  # 0-49


def band_of(score: int) -> Band:
    if score >= 80:
        return Band.GREEN
    if score >= 50:
        return Band.YELLOW
    return Band.RED


def to_points(value: Decimal) -> int:
    """A 0-100 value as whole points (half up), the unit every score is kept in."""
    clamped = min(Decimal(100), max(Decimal(0), value))
    return int(clamped.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def total_of(
    scores: Mapping[Factor, int | None],
    weights: Mapping[Factor, Decimal],
    factors: Iterable[Factor] = FACTORS,
) -> int | None:
    """Weighted mean of the available factors among `factors`, the weights renormalised
    over them; None when none is available."""
    counted = [f for f in factors if scores.get(f) is not None and weights.get(f, 0) > 0]
    weight = sum((weights[f] for f in counted), Decimal(0))
    if not counted or weight <= 0:
        return None
    weighted = sum((weights[f] * Decimal(scores[f] or 0) for f in counted), Decimal(0))
    return to_points(weighted / weight)


@dataclass(frozen=True, slots=True)
class VrsScore:
    """One immutable score of one validator as of `calculated_at`."""

    chain: Chain
    validator: str
    calculated_at: datetime
    status: VrsStatus
    total: int | None  # all five factors; None while pending
    scores: Mapping[Factor, int | None]  # 0-100 each; None: unavailable (or pending)
    weights: Mapping[Factor, Decimal]  # the configured weights this score used
    data_days: int  # distinct days with observations inside the horizon
    confidence: ScoreConfidence
    methodology_version: str = METHODOLOGY_VERSION

    @property
    def band(self) -> Band | None:
        return None if self.total is None else band_of(self.total)
