"""What the risk score use cases answer: a validator's score in a tier's view, its daily
history as far back as the tier allows, and the counts of a scoring run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.models import Chain
from domain.tiers import TierLimits
from domain.vrs.drops import LastDrop
from domain.vrs.history import HistoryPoint
from domain.vrs.model import FACTORS, VrsScore
from domain.vrs.pending import PendingScore
from domain.vrs.tiers import VrsView, tier_view, visible_factors


def full_view(limits: TierLimits) -> bool:
    """Does this tier see every factor (the "full" view, not the free "basic" one)?"""
    return len(visible_factors(limits.vrs_factors)) == len(FACTORS)


@dataclass(frozen=True, slots=True)
class ScoreRead:
    """A known validator's latest score (None: never scored yet) in a tier's view."""

    chain: Chain
    address: str
    limits: TierLimits
    score: VrsScore | None
    pending: PendingScore | None = None  # why there is no total yet, and from when

    @property
    def full(self) -> bool:
        return full_view(self.limits)

    @property
    def view(self) -> VrsView | None:
        return None if self.score is None else tier_view(self.score, self.limits.vrs_factors)


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """A known validator's daily points for the days shown (the tier's cap applied)."""

    chain: Chain
    address: str
    limits: TierLimits
    points: tuple[HistoryPoint, ...]
    first_scored_at: datetime | None  # history is collected from then on
    days: int  # days shown
    requested_days: int | None
    clamped: bool  # more days were asked for than the tier allows
    last_drop: LastDrop | None = None  # the newest drop shown, and why it fell

    @property
    def full(self) -> bool:
        return full_view(self.limits)


@dataclass(frozen=True, slots=True)
class ScoringRun:
    """What one run of the VRS step did for one chain."""

    scored: int  # scores with a total
    pending: int  # scores without one (too little history)
    inserted: int  # rows new in the table (a re-run of the same hour inserts none)

    def as_dict(self) -> dict[str, int]:
        return {"scored": self.scored, "pending": self.pending, "inserted": self.inserted}
