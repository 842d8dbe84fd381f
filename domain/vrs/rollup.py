"""Daily rollups of a validator's observations (issue 18 item 2): what every factor reads
from a run of consecutive samples, kept small, so an hourly score reads ≤ 90 rollups plus
the samples since the last one instead of 90 days of hourly samples — and gives exactly
the score the samples give (`score_from_rollups` == `scoring.score_validator`).

What is kept and why it composes exactly:

- per-sample means (uptime; ETH/SOL performance; SOL/ATOM decentralisation; the mean
  commission): the sum (exact: `windows.exact_sum`) and the count, never a mean;
- data days: the first and last sample time (a rollup lies inside one calendar day, so
  its samples fall in at most two of the 24-hour periods counted back from any moment);
- incidents (slashing): the runs of samples in the incident state with their length and
  the time of the sample that ended them (runs crossing rollups are joined), whether any
  sample is fatal and whether the last one is; the spell end of a run lasting to the
  newest sample needs the median sampling gap: a histogram of the gaps between samples
  (the median of merged histograms is exact, unlike a median of medians);
- commission changes: the changes inside, the first and last commission (a change
  across two rollups is found at the merge), so raise-and-revert is classified on the
  whole horizon as before;
- ATOM performance: its trend splits each window at its middle sample, which no sum can
  reproduce: the excess-miss values themselves are kept (one number per ATOM sample).

A rollup's samples lie inside one window (the pipeline reads the samples of a day split
by a window boundary raw). Context-derived values (SOL skip-rate median, stake shares,
ATOM miss median) are frozen at rollup time: an observed hour's rows are only ever added
while it is current, so a day rolled up after it ended does not change (the ingest drops
the rollups of any day it writes into later, e.g. a demo seed's backfill).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import NamedTuple

from domain.chains import Observation
from domain.models import Chain
from domain.vrs import factors as f
from domain.vrs.config import VrsConfig
from domain.vrs.context import ChainContext
from domain.vrs.model import FACTORS, Factor, VrsScore, VrsStatus, to_points, total_of
from domain.vrs.scoring import DAY, confidence
from domain.vrs.windows import HOUR, Spell, Window, exact_sum, time_weighted, windows

MICRO = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Tally(NamedTuple):
    """Σ of a per-sample value and how many samples had one (a tuple: cheap to build by
    the hundred thousand when an hourly run reads the rollups)."""

    total: Decimal = Decimal(0)
    samples: int = 0

    @property
    def mean(self) -> Decimal | None:
        return self.total / self.samples if self.samples else None


NONE = Tally()  # no sample with a value


def merged(tallies: Iterable[Tally]) -> Tally:
    """The tally of all their samples (exact: see `windows.exact_sum`)."""
    found = [t for t in tallies if t.samples]
    return Tally(exact_sum(t.total for t in found), sum(t.samples for t in found))


def tally(values: Iterable[Decimal | None]) -> Tally:
    found = [v for v in values if v is not None]
    return Tally(exact_sum(found), len(found))


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive samples in the incident state: the first one's time, how many, and the
    time of the sample that ended the run (None: it lasts to the rollup's last sample)."""

    start: datetime
    count: int
    end: datetime | None


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to build by the 100,000
class Rollup:
    """One validator's consecutive samples inside one calendar day and one window."""

    first_at: datetime
    last_at: datetime
    samples: int
    gaps: Mapping[int, int] = field(default_factory=dict)  # µs between samples -> how many
    uptime: Tally = NONE
    performance: Tally = NONE  # ETH, SOL
    decentralization: Tally = NONE  # SOL, ATOM
    commission: Tally = NONE
    first_commission: tuple[datetime, Decimal] | None = None
    last_commission: Decimal | None = None
    changes: tuple[f.RawChange, ...] = ()
    runs: tuple[Run, ...] = ()
    fatal: bool = False  # any sample fatal (ETH slashed, ATOM tombstoned)
    last_fatal: bool = False
    excess: tuple[Decimal, ...] = ()  # ATOM: excess misses per sample, oldest first
    # a merged rollup (`merge`): each merged day's first and last sample time, in µs since
    # the epoch (data days count the 24-hour periods these fall in); empty: a day's own
    ends: tuple[int, ...] = ()

    @property
    def day(self) -> date:
        return self.first_at.date()


def _runs(chain: Chain, samples: Sequence[Observation]) -> tuple[Run, ...]:
    found: list[Run] = []
    start: datetime | None = None
    count = 0
    for sample in samples:
        if f.incident(chain, sample):
            if start is None:
                start, count = sample.observed_at, 0
            count += 1
        elif start is not None:
            found.append(Run(start, count, sample.observed_at))
            start = None
    if start is not None:
        found.append(Run(start, count, None))
    return tuple(found)


def roll_up(chain: Chain, samples: Sequence[Observation], context: ChainContext) -> Rollup | None:
    """The rollup of one validator's samples (oldest first, all inside one day and one
    window); None without samples."""
    if not samples:
        return None
    rated = [o for o in samples if o.commission is not None]
    first_rated = rated[0] if rated else None
    return Rollup(
        first_at=samples[0].observed_at,
        last_at=samples[-1].observed_at,
        samples=len(samples),
        gaps=dict(Counter((b.observed_at - a.observed_at) // MICRO for a, b in pairwise(samples))),
        uptime=tally(f.uptime_value(chain, o) for o in samples),
        performance=NONE
        if chain is Chain.ATOM
        else tally(f.performance_value(chain, o, context) for o in samples),
        decentralization=NONE
        if chain is Chain.ETH
        else tally(f.decentralization_value(chain, o, context) for o in samples),
        commission=tally(o.commission for o in rated),
        first_commission=None
        if first_rated is None or first_rated.commission is None
        else (first_rated.observed_at, first_rated.commission),
        last_commission=rated[-1].commission if rated else None,
        changes=tuple(f.raw_changes(rated)),
        runs=_runs(chain, samples),
        fatal=any(f.fatal(chain, o) for o in samples),
        last_fatal=f.fatal(chain, samples[-1]),
        excess=tuple(e for o in samples if (e := f.atom_excess_misses(o, context)) is not None)
        if chain is Chain.ATOM
        else (),
    )


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def rollup_days(config: VrsConfig, as_of: datetime, newest: date) -> list[date]:
    """The days whose rollups a score as of `as_of` can use: whole days inside the horizon
    and inside one window, no later than `newest` (the last day rolled up)."""
    recent, older = windows(config, as_of)
    found = []
    day = older.start.date()
    while day <= newest:
        start, end = day_start(day), day_start(day) + DAY
        inside_older = start >= older.start and end <= recent.start
        inside_recent = start >= recent.start and end <= as_of + MICRO
        if inside_older or inside_recent:
            found.append(day)
        day += DAY
    return found


def split_raw(
    samples: Sequence[Observation], wins: Sequence[Window], chain: Chain, context: ChainContext
) -> list[Rollup]:
    """Rollups of raw samples (oldest first), one per (calendar day, window) they fall in."""
    found: list[Rollup] = []
    group: list[Observation] = []
    key: tuple[date, int] | None = None
    for sample in samples:
        at = sample.observed_at
        here = (at.date(), next((i for i, w in enumerate(wins) if w.holds(at)), -1))
        if here != key and group:
            rolled = roll_up(chain, group, context)
            if rolled is not None:
                found.append(rolled)
            group = []
        key = here
        group.append(sample)
    rolled = roll_up(chain, group, context)
    if rolled is not None:
        found.append(rolled)
    return found


def _median_gap(rollups: Sequence[Rollup]) -> timedelta:
    """`windows.sampling_interval` over the samples of all rollups."""
    gaps: Counter[int] = Counter()
    for rollup in rollups:
        gaps.update(rollup.gaps)
    for a, b in pairwise(rollups):
        gaps[(b.first_at - a.last_at) // MICRO] += 1
    n = sum(gaps.values())
    if not n:
        return HOUR
    wanted = (n - 1) // 2
    seen = 0
    for gap in sorted(gaps):
        seen += gaps[gap]
        if seen > wanted:
            return max(gap * MICRO, HOUR)
    raise AssertionError("unreachable")


def _joined_runs(rollups: Sequence[Rollup]) -> list[Run]:
    """The incident runs over the samples of all rollups (a run across rollups joined);
    only the last may be open (end None: it lasts to the last sample)."""
    found: list[Run] = []
    open_run: tuple[datetime, int] | None = None
    for rollup in rollups:
        runs = list(rollup.runs)
        if open_run is not None:
            if runs and runs[0].start == rollup.first_at:  # the run goes on
                first = runs.pop(0)
                start, count = open_run[0], open_run[1] + first.count
                open_run = None
                if first.end is None:
                    open_run = (start, count)
                else:
                    found.append(Run(start, count, first.end))
            else:
                found.append(Run(open_run[0], open_run[1], rollup.first_at))
                open_run = None
        for run in runs:
            if run.end is None:
                open_run = (run.start, run.count)
            else:
                found.append(run)
    if open_run is not None:
        found.append(Run(open_run[0], open_run[1], None))
    return found


def _spells(rollups: Sequence[Rollup]) -> list[Spell]:
    """`windows.spells` of the incident state over the samples of all rollups."""
    found: list[Spell] = []
    for run in _joined_runs(rollups):
        end = rollups[-1].last_at + _median_gap(rollups) if run.end is None else run.end
        found.append(Spell(run.start, end, run.count))
    return found


def _epoch_us(at: datetime) -> int:
    return (at - EPOCH) // MICRO


def _ends(rollup: Rollup) -> tuple[int, ...]:
    return rollup.ends or (_epoch_us(rollup.first_at), _epoch_us(rollup.last_at))


def merge(rollups: Sequence[Rollup]) -> Rollup:
    """One rollup of consecutive rollups (oldest first, all inside one window): what
    every factor reads from them, so a score from the merged rollup equals the score from
    the parts (the older part of a window changes once a day: an hourly run reads it
    merged). Tallies add exactly; sampling gaps add, with the gaps between the parts;
    incident runs and commission changes across parts are joined as when scoring."""
    if not rollups:
        raise ValueError("nothing to merge")
    if len(rollups) == 1:
        return rollups[0]
    gaps: Counter[int] = Counter()
    for rollup in rollups:
        gaps.update(rollup.gaps)
    for a, b in pairwise(rollups):
        gaps[(b.first_at - a.last_at) // MICRO] += 1
    first_rated = next((r for r in rollups if r.first_commission is not None), None)
    last_rated = next((r for r in reversed(rollups) if r.last_commission is not None), None)
    return Rollup(
        first_at=rollups[0].first_at,
        last_at=rollups[-1].last_at,
        samples=sum(r.samples for r in rollups),
        gaps=dict(gaps),
        uptime=merged(r.uptime for r in rollups),
        performance=merged(r.performance for r in rollups),
        decentralization=merged(r.decentralization for r in rollups),
        commission=merged(r.commission for r in rollups),
        first_commission=None if first_rated is None else first_rated.first_commission,
        last_commission=None if last_rated is None else last_rated.last_commission,
        changes=tuple(_changes(rollups)),
        runs=tuple(_joined_runs(rollups)),
        fatal=any(r.fatal for r in rollups),
        last_fatal=rollups[-1].last_fatal,
        excess=tuple(e for r in rollups for e in r.excess),
        ends=tuple(t for r in rollups for t in _ends(r)),
    )


def _changes(rollups: Sequence[Rollup]) -> list[f.RawChange]:
    found: list[f.RawChange] = []
    before: Decimal | None = None
    for rollup in rollups:
        if rollup.first_commission is None:
            continue
        at, first = rollup.first_commission
        if before is not None and before != first:
            found.append((at, before, first))
        found.extend(rollup.changes)
        before = rollup.last_commission
    return found


def _data_days(rollups: Sequence[Rollup], config: VrsConfig, as_of: datetime) -> int:
    # a day's samples lie in at most two of the 24-hour periods counted back from as_of:
    # its first and last sample's (a merged rollup keeps them per day)
    now, day = _epoch_us(as_of), DAY // MICRO
    periods = {(now - t) // day for rollup in rollups for t in _ends(rollup)}
    return min(len(periods), config.horizon_days)


def _scaled(value: Decimal | None) -> Decimal | None:
    return None if value is None else f.clamp(value * f.FULL)


def measure_rollups(
    chain: Chain,
    validator: str,
    rollups: Sequence[Rollup],
    wins: Sequence[Window],
    context: ChainContext,
) -> dict[Factor, Decimal | None]:
    """`factors.measure` from the rollups of the horizon's samples (oldest first)."""
    per_window: list[list[Rollup]] = [[] for _ in wins]
    for rollup in rollups:
        index = next(i for i, w in enumerate(wins) if w.holds(rollup.first_at))
        assert wins[index].holds(rollup.last_at), "a rollup lies inside one window"
        per_window[index].append(rollup)

    def weighted(part: str) -> Decimal | None:
        means = []
        for window, inside in zip(wins, per_window, strict=True):
            means.append((merged(getattr(r, part) for r in inside).mean, window.weight))
        return time_weighted(means)

    slashing = (
        Decimal(0)
        if rollups and rollups[-1].last_fatal
        else f.slashing_of(
            chain,
            _spells(rollups),
            [
                (w, sum(r.samples for r in inside), any(r.fatal for r in inside))
                for w, inside in zip(wins, per_window, strict=True)
            ],
        )
    )
    commission: Decimal | None = None
    if chain is not Chain.ETH and any(r.commission.samples for r in rollups):
        latest = next(r.last_commission for r in reversed(rollups) if r.commission.samples)
        commission = f.commission_of(
            f.classify_changes(_changes(rollups)),
            latest,
            wins,
            [merged(r.commission for r in inside).mean for inside in per_window],
            context.max_commission.get(validator),
        )
    if chain is Chain.ATOM:
        performance = f.atom_performance_of(
            [
                (w, [e for r in inside for e in r.excess])
                for w, inside in zip(wins, per_window, strict=True)
            ]
        )
    else:
        performance = _scaled(weighted("performance"))
    if chain is Chain.ETH:
        share = context.entity_share.get(validator)
        decentralization = None if share is None else f.share_points(share, False)
    else:
        decentralization = weighted("decentralization")
    return {
        Factor.UPTIME: _scaled(weighted("uptime")),
        Factor.SLASHING: slashing,
        Factor.COMMISSION: commission,
        Factor.PERFORMANCE: performance,
        Factor.DECENTRALIZATION: decentralization,
    }


def score_from_rollups(
    chain: Chain,
    validator: str,
    rollups: Sequence[Rollup],
    context: ChainContext,
    config: VrsConfig,
    as_of: datetime,
) -> VrsScore:
    """`scoring.score_validator` from the rollups of the samples inside the horizon as
    of `as_of` (oldest first, each inside one window)."""
    days = _data_days(rollups, config, as_of)
    weights = dict(config.weights)
    scores: dict[Factor, int | None] = dict.fromkeys(FACTORS)
    total = None
    if days >= config.pending_days:
        measured = measure_rollups(chain, validator, rollups, windows(config, as_of), context)
        scores = {k: None if v is None else to_points(v) for k, v in measured.items()}
        total = total_of(scores, weights)
    available = sum(1 for s in scores.values() if s is not None)
    return VrsScore(
        chain=chain,
        validator=validator,
        calculated_at=as_of,
        status=VrsStatus.PENDING if total is None else VrsStatus.SCORED,
        total=total,
        scores=scores,
        weights=weights,
        data_days=days,
        confidence=confidence(available, days, config),
    )
