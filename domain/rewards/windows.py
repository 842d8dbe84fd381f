"""The performance windows: the last 24 hours, 7 days, 30 days, and since first seen.

The windows are nested, so every reward event falls in one *bucket*: the smallest window
that holds it (0: the last 24 h, 1: 24 h–7 d ago, 2: 7–30 d ago, 3: older). A window's
sums are those of its bucket and every smaller one, which lets one grouped read serve
all four windows at once.

The tier's `reward_days` (None: all) bounds how far back anything is read: a free user's
"since first seen" starts at most 30 days ago (`Windows.since`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Window(StrEnum):
    DAY = "24h"
    WEEK = "7d"
    MONTH = "30d"
    ALL = "all"  # since first seen (as far back as the tier shows)


WINDOWS: tuple[Window, ...] = (Window.DAY, Window.WEEK, Window.MONTH, Window.ALL)
SPANS: dict[Window, timedelta] = {
    Window.DAY: timedelta(hours=24),
    Window.WEEK: timedelta(days=7),
    Window.MONTH: timedelta(days=30),
}


@dataclass(frozen=True, slots=True)
class Windows:
    """The windows as of `now`; `since`: the earliest moment the tier shows (None: all)."""

    now: datetime
    since: datetime | None = None

    def start(self, window: Window) -> datetime | None:
        """Where `window` starts (None: since first seen, unbounded by the tier)."""
        span = SPANS.get(window)
        begin = None if span is None else self.now - span
        if self.since is None:
            return begin
        return self.since if begin is None else max(begin, self.since)

    @property
    def bucket_starts(self) -> tuple[datetime, datetime, datetime]:
        """The starts of buckets 0, 1 and 2 (an event at or after the first is bucket 0)."""
        return (
            self.now - SPANS[Window.DAY],
            self.now - SPANS[Window.WEEK],
            self.now - SPANS[Window.MONTH],
        )

    def bucket(self, at: datetime) -> int:
        for index, begin in enumerate(self.bucket_starts):
            if at >= begin:
                return index
        return len(self.bucket_starts)


def tier_since(now: datetime, reward_days: int | None) -> datetime | None:
    """The earliest moment a tier with `reward_days` shows (None: everything)."""
    return None if reward_days is None else now - timedelta(days=reward_days)


def tier_first_day(today: date, reward_days: int | None) -> date | None:
    """The first whole day a tier with `reward_days` lists (today counts as one)."""
    return None if reward_days is None else today - timedelta(days=reward_days - 1)
