"""Validator Risk Score use cases: the reads (a validator's score in a tier's view, its
daily history, the methodology, whether a validator exists) and the pipeline's VRS step
(score a chain's validators, store the scores, drop the chain's cached VRS reads).

Called by `api/routers/vrs.py` (the reads), `workers/jobs/vrs.py::compute_vrs` (the
step) and `staketrack demo` (api/cli_chains.py, through the job module's `score_chain`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from domain.chains import Observation
from domain.errors import NotFound
from domain.models import Chain, Tier
from domain.ports import Cache, ReadInvalidation
from domain.vrs import ChainContext, VrsConfig, VrsScore, VrsStatus, score_validator
from domain.vrs.drops import last_drop
from domain.vrs.history import DROP_DAYS, daily_points
from domain.vrs.methodology import Methodology, methodology
from domain.vrs.pending import PendingScore, pending_score
from domain.vrs.reads import HistoryRead, ScoreRead, ScoringRun
from domain.vrs.rollup import (
    Rollup,
    day_start,
    merge,
    roll_up,
    rollup_days,
    score_from_rollups,
    split_raw,
)
from domain.vrs.windows import Window, sample_memo, windows
from infrastructure.cache import vrs_context
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import cache_keys, seed_lock, tiers

log = get_logger(__name__)
RESOLUTION = timedelta(microseconds=1)  # [start, as_of] is [start, as_of + RESOLUTION)
# a stored span set is used when it lacks at most this many of a window's whole days
# (read as daily rollups): the day after it was built (the run at midnight) it lacks one
SPAN_SLACK = 2


# -- reads ------------------------------------------------------------------------------


async def exists(uow: SqlUnitOfWork, chain: Chain, address: str) -> bool:
    """Is this a validator we know of (scored or not)?"""
    return await uow.validators.known(chain, address)


async def read_methodology(uow: SqlUnitOfWork) -> Methodology:
    return methodology(await uow.vrs_config.get())


async def read_score(
    uow: SqlUnitOfWork,
    chain: Chain,
    address: str,
    tier: Tier,
    now: datetime | None = None,
) -> ScoreRead:
    """The latest score in `tier`'s view; a known validator never scored has none
    (pending, with the reason and when it will be scored); NotFound for one we do not
    know. An ETH validator may be named by its pubkey: the read names its index."""
    if chain is Chain.ETH and address.startswith("0x"):
        index = await uow.validators.eth_index(address)
        if index is None:
            raise NotFound("No such validator.")
        address = str(index)
    limits = await tiers.limits_for(uow, tier)
    score = await uow.vrs_scores.latest(chain, address)
    if score is None and not await exists(uow, chain, address):
        raise NotFound("No such validator.")
    pending = None
    if score is None or score.status is VrsStatus.PENDING:
        pending = await pending_score_of(uow, chain, address, now or datetime.now(UTC))
    return ScoreRead(chain, address, limits, score, pending)


async def pending_score_of(
    uow: SqlUnitOfWork, chain: Chain, address: str, now: datetime
) -> PendingScore:
    """Why the validator has no score yet, and from when it will have one."""
    config = await uow.vrs_config.get()
    observed = await uow.observed.is_observed(chain, address)
    first = await uow.observed.first_observation(chain, address) if observed else None
    return pending_score(observed, first, config.pending_days, now)


async def read_history(
    uow: SqlUnitOfWork,
    chain: Chain,
    address: str,
    tier: Tier,
    days: int | None,
    today: date,
) -> HistoryRead:
    """The last score of each of the last `days` days up to `today` (default and cap:
    the tier's history days; more is clamped, not refused), oldest first, with the newest
    drop among them and the factors that moved (in the tier's view)."""
    limits = await tiers.limits_for(uow, tier)
    cap = limits.history_days
    shown = min(days or cap, cap)
    first_day = today - timedelta(days=shown - 1)
    # the drop flag of the first day shown looks back DROP_DAYS before it
    since = datetime.combine(first_day - timedelta(days=DROP_DAYS), time(), UTC)
    scores = await uow.vrs_scores.daily(chain, address, since)
    first = await uow.vrs_scores.first_calculated_at(chain, address)
    if first is None and not await exists(uow, chain, address):
        raise NotFound("No such validator.")
    points = daily_points(scores, limits.vrs_factors, first_day, today)
    return HistoryRead(
        chain=chain,
        address=address,
        limits=limits,
        points=tuple(points),
        first_scored_at=first,
        days=shown,
        requested_days=days,
        clamped=days is not None and days > cap,
        last_drop=last_drop(points, scores, limits.vrs_factors),
    )


# -- the pipeline step ----------------------------------------------------------------------


def as_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


async def score_chain(
    uow_factory: Callable[[], SqlUnitOfWork],
    cache: Cache,
    reads: ReadInvalidation,
    chain: Chain,
    moments: Sequence[datetime],
    *,
    seed: bool = False,
    incremental: bool = True,
) -> ScoringRun:
    """Score the chain's validators as of each of `moments` (the pipeline passes one; the
    demo seed a day's worth each), reading the observations once, one validator at a
    time; store the scores (append-only: a re-run of an hour inserts nothing); then drop
    the chain's cached VRS reads, validator rows and portfolios. `cache` keeps the
    per-hour context memo.

    While a demo seed writes the chain's history nothing is scored or stored (asked
    before and again at the write): the seed scores those hours itself (`seed=True`).

    A single moment is scored from the daily rollups (`incremental`, the hourly run); a
    seed's many moments from the observations (see `compute_scores`)."""
    hours = sorted({as_hour(m) for m in moments})
    if not hours or (not seed and await _deferred(uow_factory, chain)):
        return ScoringRun(scored=0, pending=0, inserted=0)
    async with uow_factory() as uow:
        scores = await compute_scores(
            uow, cache, chain, hours, incremental=incremental and not seed and len(hours) == 1
        )
        await uow.commit()  # the rollups it built
    async with uow_factory() as uow:
        if not seed and await seed_lock.running_in(uow, chain):
            log.info("vrs_deferred", chain=chain.value, reason="demo seed running")
            return ScoringRun(scored=0, pending=0, inserted=0)
        inserted = await uow.vrs_scores.add(scores)
        await uow.commit()
    # the scores, the list rows and details that carry them, and portfolios (their
    # positions carry the scores too)
    await reads.invalidate(
        *cache_keys.chain_prefixes(chain.value, ["vrs", "validators", "validator", "portfolio"])
    )
    run = ScoringRun(
        scored=sum(1 for s in scores if s.status is VrsStatus.SCORED),
        pending=sum(1 for s in scores if s.status is VrsStatus.PENDING),
        inserted=inserted,
    )
    log.info("vrs_computed", chain=chain.value, moments=len(hours), **run.as_dict())
    return run


async def compute_scores(
    uow: SqlUnitOfWork,
    cache: Cache,
    chain: Chain,
    hours: Sequence[datetime],
    *,
    incremental: bool = True,
) -> list[VrsScore]:
    """The chain's scores as of each of `hours` (validators with no observation as of a
    moment have none). `incremental` (one moment only): from the daily rollups of the
    observations plus the samples they do not cover, building the missing rollups (the
    caller commits them); else from the observations alone. Both give the same scores
    (tests/integration/test_vrs_incremental.py)."""
    config = await uow.vrs_config.get()
    since, until = hours[0] - timedelta(days=config.horizon_days), hours[-1]
    memo = await vrs_context.load(cache, chain.value)
    incremental = incremental and len(hours) == 1
    # the hourly run: whole days rolled up need no recount to trust the memo (ETH's context
    # has no per-hour part)
    settled = (
        await uow.vrs_rollups.day_totals(chain, since.date(), until.date())
        if incremental and chain is not Chain.ETH
        else None
    )
    context = await uow.vrs_inputs.context(chain, since, until, memo, settled)
    await vrs_context.store(cache, chain.value, memo)
    if incremental:
        return await _from_rollups(uow, chain, hours[0], config, context)
    scores: list[VrsScore] = []
    async for validator, observations in uow.vrs_inputs.observations(chain, since, until):
        with sample_memo():  # many moments: each sample's values computed once
            for moment in hours:
                score = score_validator(chain, validator, observations, context, config, moment)
                if score.data_days:  # nothing observed yet as of that moment: no row
                    scores.append(score)
        await asyncio.sleep(0)  # CPU-bound: let the API (embedded mode) breathe
    return scores


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = day_start(day)
    return start, start + timedelta(days=1)


def _uncovered(
    start: datetime, end: datetime, days: Sequence[date]
) -> list[tuple[datetime, datetime]]:
    """[start, end) less the given days (sorted), as half-open ranges."""
    ranges = []
    at = start
    for day in days:
        a, b = _day_range(day)
        if a > at:
            ranges.append((at, a))
        at = max(at, b)
    if at < end:
        ranges.append((at, end))
    return ranges


async def _from_rollups(
    uow: SqlUnitOfWork, chain: Chain, as_of: datetime, config: VrsConfig, context: ChainContext
) -> list[VrsScore]:
    wins = windows(config, as_of)
    start = as_of - timedelta(days=config.horizon_days)
    # whole days inside one window, up to yesterday (today's still grows)
    days = rollup_days(config, as_of, as_of.date() - timedelta(days=1))
    if days:
        have = await uow.vrs_rollups.days(chain, days[0], days[-1])
        missing = [d for d in days if d not in have]
        if missing:
            await _build_rollups(uow, chain, missing, context)
    pieces: dict[str, list[Rollup]] = {}
    used = []
    for group in _by_window(days, wins):
        used.append(await _window_days(uow, chain, group, pieces))
    await uow.vrs_rollups.drop_spans_except(chain, used)
    raw: dict[str, list[Observation]] = {}
    ranges = _uncovered(start, as_of + RESOLUTION, days)
    async for validator, observations in uow.vrs_inputs.observations(chain, start, as_of, ranges):
        raw[validator] = observations
    scores = []
    for validator in sorted(pieces.keys() | raw.keys()):
        found = pieces.get(validator, [])
        found += split_raw(raw.get(validator, []), wins, chain, context)
        found.sort(key=lambda r: r.first_at)
        score = score_from_rollups(chain, validator, found, context, config, as_of)
        if score.data_days:
            scores.append(score)
    return scores


def _by_window(days: Sequence[date], wins: Sequence[Window]) -> list[list[date]]:
    """The days (sorted, whole days each inside one window) grouped by window."""
    groups: dict[int, list[date]] = {}
    for day in days:
        at = day_start(day)
        groups.setdefault(next(i for i, w in enumerate(wins) if w.holds(at)), []).append(day)
    return [groups[i] for i in sorted(groups)]


async def _window_days(
    uow: SqlUnitOfWork, chain: Chain, days: Sequence[date], pieces: dict[str, list[Rollup]]
) -> tuple[date, date]:
    """Add each validator's rollups of a window's whole days (consecutive) to `pieces`:
    a stored span set (those days merged per validator, built at most once a day) plus
    the daily rollups of the few days it lacks, or a span set built now from the daily
    rollups. Returns the span set used."""
    first, last = days[0], days[-1]
    sets = await uow.vrs_rollups.span_sets(chain, first, last)
    chosen = next((s for s in sets if (s[0] - first).days + (last - s[1]).days <= SPAN_SLACK), None)
    if chosen is None:
        daily = await uow.vrs_rollups.read(chain, days)
        spans = {v: merge([by_day[d] for d in sorted(by_day)]) for v, by_day in daily.items()}
        signature = await uow.vrs_rollups.signature(chain, first, last)
        await uow.vrs_rollups.add_spans(chain, first, last, signature, spans)
        log.info("vrs_spans_built", chain=chain.value, days=len(days), rows=len(spans))
        for validator, span in spans.items():
            pieces.setdefault(validator, []).append(span)
        return first, last
    for validator, span in (await uow.vrs_rollups.read_spans(chain, *chosen)).items():
        pieces.setdefault(validator, []).append(span)
    rest = [d for d in days if not chosen[0] <= d <= chosen[1]]
    for validator, by_day in (await uow.vrs_rollups.read(chain, rest)).items():
        pieces.setdefault(validator, []).extend(by_day.values())
    return chosen


async def _build_rollups(
    uow: SqlUnitOfWork, chain: Chain, days: Sequence[date], context: ChainContext
) -> None:
    """Roll up the chain's observations of `days` (whole days, each inside one window)."""
    built: dict[tuple[str, date], Rollup] = {}
    ranges = [_day_range(day) for day in days]
    since, until = ranges[0][0], ranges[-1][1]
    async for validator, observations in uow.vrs_inputs.observations(chain, since, until, ranges):
        by_day: dict[date, list[Observation]] = {}
        for o in observations:
            by_day.setdefault(o.observed_at.date(), []).append(o)
        for day, samples in by_day.items():
            rollup = roll_up(chain, samples, context)
            if rollup is not None:
                built[(validator, day)] = rollup
        await asyncio.sleep(0)
    empty = set(days) - {day for _, day in built}
    await uow.vrs_rollups.add(chain, built, empty)
    log.info("vrs_rollups_built", chain=chain.value, days=len(days), rows=len(built))


async def _deferred(uow_factory: Callable[[], SqlUnitOfWork], chain: Chain) -> bool:
    if not await seed_lock.running(uow_factory, chain):
        return False
    log.info("vrs_deferred", chain=chain.value, reason="demo seed running")
    return True
