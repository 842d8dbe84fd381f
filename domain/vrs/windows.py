"""Time weighting: the recent window (the last 30 days) and the older one (days 31-90)
each give a factor value; the factor is their weighted mean (70/30 by default). Samples
older than the horizon never count. Incidents are spells of consecutive samples."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from itertools import pairwise

from domain.chains import Observation
from domain.vrs.config import VrsConfig

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime  # inclusive
    end: datetime | None  # exclusive; None: open-ended (the recent window)
    weight: Decimal
    samples: tuple[Observation, ...] = ()  # the validator's samples inside it, oldest first

    def holds(self, at: datetime) -> bool:
        return at >= self.start and (self.end is None or at < self.end)


def windows(
    config: VrsConfig, as_of: datetime, samples: Sequence[Observation] = ()
) -> tuple[Window, Window]:
    """(recent, older): age 0-30 days, and more than 30 up to 90 days; each with the
    samples (already cut to the horizon, oldest first) that fall in it."""
    boundary = as_of - timedelta(days=config.recent_days)
    split = bisect_left([o.observed_at for o in samples], boundary)
    return (
        Window(boundary, None, config.recent_weight, tuple(samples[split:])),
        Window(
            as_of - timedelta(days=config.horizon_days),
            boundary,
            config.older_weight,
            tuple(samples[:split]),
        ),
    )


def time_weighted(values: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """Σ weight·value / Σ weight over the windows that have a value (a window without
    data does not drag the factor down: its weight goes to the other)."""
    present = [(value, weight) for value, weight in values if value is not None and weight > 0]
    total = sum((weight for _, weight in present), Decimal(0))
    if not present or total <= 0:
        return None
    return sum((value * weight for value, weight in present), Decimal(0)) / total


# digits a sum is kept to: enough that a sum of 28-digit values is exact whatever the
# grouping, so a mean over daily rollups (domain/vrs/rollup.py) equals the mean over the
# samples to the last digit
SUM_DIGITS = 80


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    with localcontext(prec=SUM_DIGITS):
        return sum(values, Decimal(0))


def mean(values: Iterable[Decimal]) -> Decimal | None:
    items = list(values)
    return exact_sum(items) / len(items) if items else None


# per-sample values of one validator, kept while it is scored at many moments: by the
# value function's code, then by sample (see `sample_memo`)
_memo: ContextVar[dict[object, dict[int, Decimal | None]] | None] = ContextVar(
    "vrs_sample_values", default=None
)


@contextmanager
def sample_memo() -> Iterator[None]:
    """Within it, `per_window_mean` computes each sample's value once per factor however
    many moments the same samples are scored at (a backfill scores 38 days of 90-day
    windows). Only for one validator's samples and one chain context: a factor's value
    function then depends on nothing but the sample."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def per_window_mean(
    wins: Sequence[Window], value: Callable[[Observation], Decimal | None]
) -> Decimal | None:
    """Time-weighted mean of a per-sample value (samples without one are skipped)."""
    memo = _memo.get()
    known = None if memo is None else memo.setdefault(value.__code__, {})
    results = []
    for window in wins:
        if known is None:
            found = [v for o in window.samples if (v := value(o)) is not None]
        else:
            found = []
            for o in window.samples:
                key = id(o)  # the samples outlive the memo: ids are not reused meanwhile
                v = known[key] if key in known else known.setdefault(key, value(o))
                if v is not None:
                    found.append(v)
        results.append((mean(found), window.weight))
    return time_weighted(results)


@dataclass(frozen=True, slots=True)
class Spell:
    """Consecutive samples in some state, from the first such sample to the next sample
    not in it (or one sampling interval past the last, while it lasts)."""

    start: datetime
    end: datetime
    count: int = 1  # samples in the state

    @property
    def hours(self) -> Decimal:
        return Decimal((self.end - self.start) // timedelta(seconds=1)) / 3600

    def hours_in(self, window: Window) -> Decimal:
        start = max(self.start, window.start)
        end = self.end if window.end is None else min(self.end, window.end)
        if end <= start:
            return Decimal(0)
        return Decimal((end - start) // timedelta(seconds=1)) / 3600


def sampling_interval(samples: Sequence[Observation]) -> timedelta:
    """The typical gap between samples (hourly in production, daily in a seeded demo)."""
    gaps = sorted(b.observed_at - a.observed_at for a, b in pairwise(samples))
    if not gaps:
        return HOUR
    return max(gaps[(len(gaps) - 1) // 2], HOUR)


def spells(samples: Sequence[Observation], state: Callable[[Observation], bool]) -> list[Spell]:
    interval = sampling_interval(samples)
    found = []
    start: datetime | None = None
    count = 0
    for index, sample in enumerate(samples):
        if state(sample):
            if start is None:
                start, count = sample.observed_at, 0
            count += 1
            if index == len(samples) - 1:
                found.append(Spell(start, sample.observed_at + interval, count))
        elif start is not None:
            found.append(Spell(start, sample.observed_at, count))
            start = None
    return found
