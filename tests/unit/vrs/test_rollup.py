"""Daily rollups (domain/vrs/rollup.py): merging rollups gives exactly what the samples
give — the score from rollups equals `score_validator` on the samples, factor by factor,
for random histories of every chain (outages across midnight, jailings, tombstoning,
commission raises and reverts, gaps, moments at any hour)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext, VrsConfig, score_validator
from domain.vrs.rollup import (
    Rollup,
    Run,
    Tally,
    _median_gap,
    _spells,
    day_start,
    merge,
    merged,
    roll_up,
    rollup_days,
    score_from_rollups,
    split_raw,
    tally,
)
from domain.vrs.scoring import in_horizon
from domain.vrs.windows import Spell, sampling_interval, spells, windows
from infrastructure.db.repositories.vrs_rollups import decode, encode
from tests.unit.vrs.builders import AS_OF, HOUR, context_of, history

CONFIG = VrsConfig()


def pieces(
    chain: Chain,
    samples: list[Observation],
    context: ChainContext,
    as_of: datetime,
    newest: date | None = None,
) -> list[Rollup]:
    """What the pipeline does: whole days inside a window from stored rollups (up to
    `newest`), the rest rolled up from the raw samples."""
    samples = in_horizon(samples, CONFIG, as_of)
    days = set(rollup_days(CONFIG, as_of, newest or as_of.date() - timedelta(days=1)))
    rolled = []
    for day in sorted(days):
        inside = [o for o in samples if o.observed_at.date() == day]
        rollup = roll_up(chain, inside, context)
        if rollup is not None:
            rolled.append(decode(encode(rollup)))  # as stored
    rest = [o for o in samples if o.observed_at.date() not in days]
    found = rolled + split_raw(rest, windows(CONFIG, as_of), chain, context)
    return sorted(found, key=lambda r: r.first_at)


def spanned(
    chain: Chain,
    samples: list[Observation],
    context: ChainContext,
    as_of: datetime,
    trim: tuple[int, int] = (0, 0),
) -> list[Rollup]:
    """What the hourly run does: per window, its whole days' rollups merged into one span
    (stored and read back) — less `trim` (first, last) days, read as daily rollups (a span
    set built a day before) — plus the raw samples' rollups."""
    samples = in_horizon(samples, CONFIG, as_of)
    wins = windows(CONFIG, as_of)
    days = rollup_days(CONFIG, as_of, as_of.date() - timedelta(days=1))
    found = []
    for win in wins:
        group = [d for d in days if win.holds(day_start(d))]
        daily = []
        for day in group:
            rollup = roll_up(chain, [o for o in samples if o.observed_at.date() == day], context)
            daily.append(rollup)
        inside = daily[trim[0] : len(daily) - trim[1]]
        outside = daily[: trim[0]] + daily[len(daily) - trim[1] :]
        kept = [r for r in inside if r is not None]
        if kept:
            found.append(decode(encode(merge(kept))))
        found += [r for r in outside if r is not None]
    rest = [o for o in samples if o.observed_at.date() not in set(days)]
    found += split_raw(rest, wins, chain, context)
    return sorted(found, key=lambda r: r.first_at)


def noisy(chain: Chain, seed: int, days: int = 95, step: timedelta = HOUR) -> list[Observation]:
    rng = random.Random(seed)
    samples = history(chain, days, step=step, validator=f"v{seed}", end=AS_OF + 20 * HOUR)
    out = []
    commission = Decimal("0.05")
    down = 0
    for o in samples:
        if rng.random() < 0.03:
            continue  # a missed hour
        if rng.random() < 0.01:
            down = rng.randrange(1, 12)  # an outage of some hours
        if chain is not Chain.ETH and rng.random() < 0.004:
            commission = Decimal(rng.choice(["0", "0.05", "0.07", "0.1"]))
        o = replace(
            o,
            stake=(o.stake or 0) + rng.randrange(10**6),
            uptime=Decimal(rng.randrange(9000, 10001)) / 10000,
            performance=Decimal(rng.randrange(8000, 10001)) / 10000,
            commission=None if chain is Chain.ETH else commission,
        )
        if chain is Chain.SOL:
            o = replace(o, skip_rate=Decimal(rng.randrange(0, 500)) / 10000)
        if chain is Chain.ATOM:
            o = replace(o, missed_blocks=rng.choice([0, 0, 0, 3]))
        if down:
            down -= 1
            if chain is Chain.SOL:
                o = replace(o, status=ValidatorStatus.DELINQUENT, uptime=Decimal(0))
            elif chain is Chain.ATOM:
                o = replace(o, jailed=True, uptime=Decimal("0.9"), missed_blocks=500)
            else:
                o = replace(o, uptime=Decimal(0))
        out.append(o)
    return out


def assert_same(chain: Chain, samples: list[Observation], context: ChainContext, as_of: datetime):
    validator = samples[0].validator
    full = score_validator(chain, validator, samples, context, CONFIG, as_of)
    rolled = pieces(chain, samples, context, as_of)
    got = score_from_rollups(chain, validator, rolled, context, CONFIG, as_of)
    assert got == full


@pytest.mark.parametrize("chain", list(Chain))
@pytest.mark.parametrize("seed", range(4))
def test_the_score_from_rollups_is_the_score_from_the_samples(chain: Chain, seed: int) -> None:
    mine, other = noisy(chain, seed), noisy(chain, seed + 100)
    extra = {}
    if chain is Chain.ETH:
        extra = {"entity_share": {mine[0].validator: Decimal("0.0123")}}
    if chain is Chain.ATOM:
        extra = {"max_commission": {mine[0].validator: Decimal("0.2")}}
    context = context_of(chain, mine, other, **extra)
    for hours in (0, 1, 7, 13, 23):  # moments at any hour: windows split days
        assert_same(chain, mine, context, AS_OF + hours * HOUR)


@pytest.mark.parametrize("chain", list(Chain))
@pytest.mark.parametrize("seed", range(3))
def test_the_score_from_merged_spans_is_the_score_from_the_samples(chain: Chain, seed: int) -> None:
    mine, other = noisy(chain, seed + 10), noisy(chain, seed + 110)
    context = context_of(chain, mine, other)
    validator = mine[0].validator
    for hours in (0, 1, 13, 23):
        as_of = AS_OF + hours * HOUR
        full = score_validator(chain, validator, mine, context, CONFIG, as_of)
        for trim in ((0, 0), (0, 1), (1, 0), (1, 1), (0, 2)):  # a span set of other days
            rolled = spanned(chain, mine, context, as_of, trim)
            got = score_from_rollups(chain, validator, rolled, context, CONFIG, as_of)
            assert got == full, (hours, trim)


def test_a_merged_span_joins_what_crosses_days() -> None:
    start = day_start(date(2026, 11, 1)) + 21 * HOUR
    a = Rollup(start - 2 * HOUR, start + 2 * HOUR, 5, runs=(Run(start, 3, None),))
    b = Rollup(
        start + 3 * HOUR,
        start + 6 * HOUR,
        4,
        runs=(Run(start + 3 * HOUR, 2, start + 5 * HOUR), Run(start + 6 * HOUR, 1, None)),
        first_commission=(start + 3 * HOUR, Decimal("0.1")),
        last_commission=Decimal("0.1"),
        commission=Tally(Decimal("0.4"), 4),
    )
    c = Rollup(start + 27 * HOUR, start + 28 * HOUR, 2, fatal=True, last_fatal=False)
    span = merge([a, b, c])
    assert span.runs == (
        Run(start, 5, start + 5 * HOUR),
        Run(start + 6 * HOUR, 1, start + 27 * HOUR),
    )
    assert span.samples == 11 and span.fatal and not span.last_fatal
    assert span.first_commission == (start + 3 * HOUR, Decimal("0.1"))
    assert span.commission == Tally(Decimal("0.4"), 4)
    assert len(span.ends) == 6  # each day's first and last sample
    assert _spells([span]) == _spells([a, b, c])
    assert merge([a]) is a
    with pytest.raises(ValueError):
        merge([])


@pytest.mark.parametrize("chain", list(Chain))
def test_short_histories_and_daily_samples_agree_too(chain: Chain) -> None:
    for days in (3, 6, 7, 8, 31):
        samples = noisy(chain, days, days=days)
        assert_same(chain, samples, context_of(chain, samples), AS_OF + 5 * HOUR)
    daily = noisy(chain, 9, step=timedelta(days=1))
    assert_same(chain, daily, context_of(chain, daily), AS_OF + 5 * HOUR)


def test_a_spell_across_midnight_is_one_spell() -> None:
    start = day_start(date(2026, 11, 1)) + 21 * HOUR
    a = Rollup(start - 2 * HOUR, start + 2 * HOUR, 5, runs=(Run(start, 3, None),))
    b = Rollup(
        start + 3 * HOUR, start + 6 * HOUR, 4, runs=(Run(start + 3 * HOUR, 2, start + 5 * HOUR),)
    )
    assert _spells([a, b]) == [Spell(start, start + 5 * HOUR, 5)]
    c = Rollup(start + 3 * HOUR, start + 6 * HOUR, 4)  # back up at its first sample
    assert _spells([a, c]) == [Spell(start, start + 3 * HOUR, 3)]
    # lasting to the newest sample: one sampling interval past it
    assert _spells([a]) == [Spell(start, start + 3 * HOUR, 3)]


def test_the_median_gap_of_merged_rollups_is_the_median_of_all_gaps() -> None:
    samples = history(Chain.SOL, 3, step=HOUR)
    samples = [o for i, o in enumerate(samples) if i % 5 != 0]  # some 2-hour gaps
    context = context_of(Chain.SOL, samples)
    by_day: dict[date, list[Observation]] = {}
    for o in samples:
        by_day.setdefault(o.observed_at.date(), []).append(o)
    rollups = [r for s in by_day.values() if (r := roll_up(Chain.SOL, s, context))]
    assert _median_gap(rollups) == sampling_interval(samples)
    assert _median_gap([]) == HOUR


def test_tallies_add_exactly_whatever_the_grouping() -> None:
    values = [Decimal(1) / Decimal(n) for n in range(1, 200)]  # 28-digit values
    whole = tally(values)
    parts = merged(tally(values[i : i + 7]) for i in range(0, len(values), 7))
    assert parts == whole
    assert parts.mean == whole.mean
    assert Tally().mean is None


def test_rollup_days_are_whole_days_inside_one_window() -> None:
    as_of = datetime(2026, 11, 25, 13, tzinfo=AS_OF.tzinfo)
    days = rollup_days(CONFIG, as_of, as_of.date() - timedelta(days=1))
    recent, older = windows(CONFIG, as_of)
    assert days[0] == older.start.date() + timedelta(days=1)  # the horizon's first day is cut
    assert recent.start.date() not in days  # split by the window boundary
    assert days[-1] == as_of.date() - timedelta(days=1)
    assert len(days) == CONFIG.horizon_days - 2
    midnight = rollup_days(CONFIG, day_start(as_of.date()), as_of.date() - timedelta(days=1))
    assert len(midnight) == CONFIG.horizon_days  # aligned: every day whole


def test_spells_of_rollups_match_the_samples_spells() -> None:
    samples = noisy(Chain.SOL, 3)
    context = context_of(Chain.SOL, samples)
    rollups = pieces(Chain.SOL, samples, context, AS_OF)
    expected = spells(
        in_horizon(samples, CONFIG, AS_OF), lambda o: o.status is ValidatorStatus.DELINQUENT
    )
    assert expected
    assert _spells(rollups) == expected


def test_a_stored_rollup_reads_back_equal() -> None:
    samples = noisy(Chain.ATOM, 5, days=2)
    context = context_of(Chain.ATOM, samples)
    rollup = roll_up(Chain.ATOM, samples[:20], context)
    assert rollup is not None
    assert decode(encode(rollup)) == rollup
