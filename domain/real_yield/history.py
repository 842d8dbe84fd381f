"""Yield history: a chain's (network average) or a validator's daily real yield from the
immutable snapshots, as far back as the caller's tier shows — the same cap as the VRS
history (`tier_limits.history_days`): more days than the tier shows are clamped (and
said so), not refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.models import Chain
from domain.real_yield.calculator import RealYield
from domain.tiers import TierLimits


@dataclass(frozen=True, slots=True)
class HistoryWindow:
    days: int  # shown: the requested days, at most the tier's
    requested_days: int | None
    max_days: int  # the tier's history days
    first_day: date
    last_day: date

    @property
    def clamped(self) -> bool:
        return self.requested_days is not None and self.requested_days > self.max_days


def history_window(requested_days: int | None, max_days: int, today: date) -> HistoryWindow:
    """The last `requested_days` (default and cap: `max_days`) days up to `today`."""
    shown = max(1, min(requested_days or max_days, max_days))
    return HistoryWindow(
        days=shown,
        requested_days=requested_days,
        max_days=max_days,
        first_day=today - timedelta(days=shown - 1),
        last_day=today,
    )


@dataclass(frozen=True, slots=True)
class YieldHistoryRead:
    chain: Chain
    validator: str | None  # None: the network average
    limits: TierLimits
    window: HistoryWindow
    points: Sequence[tuple[date, RealYield]]  # one per day with a snapshot, oldest first
