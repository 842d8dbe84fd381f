"""Back-test of the Validator Risk Score (issue 6, NFR29): does a low score come before an
incident? On the demo network's history it compares the scores of validators that had an
incident in the 7 days after being scored with the scores of those that did not.

    uv run python bench/vrs_backtest.py     # ~4.5 min on 2 cores (--every 1: ~8); exits 0

How:
1. History (bench/vrs_backtest_history.py). With the clock fixed at each past hour
   (minute 5, when the pipeline runs), the app's own adapters (`build_chain_sources`,
   NETWORK=demo) fetch observations from the demo nodes in their wire formats, hourly
   for 97 days up to a fixed NOW; each sample is kept at its hour, as
   `add_observations` stores it. Solana and Cosmos: every validator; Ethereum: the demo
   wallets' validators (one of the whale's is slashed on 2026-11-15) and a fixed sample
   of 200 active others, the "watched" set. In memory, no database.
2. Context, as `VrsInputs.context` builds it: per hour `hour_stats` over every sampled
   validator (once per hour); as of each evaluation day, ETH entity shares from the
   validator set streamed then, and the Cosmos validators' maximum commission rates.
3. Incidents, read from the observations alone (onsets): Cosmos downtime jailing
   (jailed false -> true) and tombstoning; Solana delinquency spells longer than an hour
   (delinquent in two or more consecutive hourly samples) and commission raises (incl.
   raise-and-revert); Ethereum slashing.
4. Evaluation. On evaluation days d (00:00 UTC; of the last 60 days whose 7-day label
   window has passed, each with >= 30 days of history, every `--every`-th: by default
   every other day, as scoring is most of the run time) every validator is scored with
   `score_validator` as of d (observations up to d only, default `VrsConfig`) and
   labelled positive when it has an incident in (d, d + 7 days].
   Left out and counted: pending scores (no total), and validators "out" at d —
   tombstoned or slashed, or jailed/delinquent in every sample of the 7 days up to d —
   which can have no new onset. Reported per chain, per incident kind and overall:
   precision and recall of the flag "red or yellow at d", the AUC of risk = 100 - total
   (rank formula, ties count 1/2) and the mean total with and without a later incident.
   For reference, "ceiling" is the AUC of the demo world's own hidden odds (its
   parameters, never shown to the score): what a perfect score would reach.
Fetching and scoring run in worker processes (fork); the workers exchange plain tuples.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import sys
import time
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from vrs_backtest_history import FETCH_MINUTE, NOW, Row, fetch_task, unpacked, watched

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import (
    Band,
    ChainContext,
    HourStats,
    VrsConfig,
    band_of,
    score_validator,
)

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
LEAD = timedelta(days=7)  # an incident is a label for the scores of the 7 days before it
MIN_HISTORY = timedelta(days=30)
EVAL_SPAN_DAYS = 60
CONFIG = VrsConfig()
HISTORY_DAYS = CONFIG.horizon_days + LEAD.days  # the last evaluation day sees 90 days

JAILING, TOMBSTONING = "downtime jailing", "tombstoning"
DELINQUENCY, RAISE = "delinquency > 1 h", "commission raise"
SLASHING = "slashing"
KINDS = {
    Chain.ETH: (SLASHING,),
    Chain.SOL: (DELINQUENCY, RAISE),
    Chain.ATOM: (JAILING, TOMBSTONING),
}


def report(line: str = "") -> None:
    sys.stdout.write(line + "\n")


# --- 3. incidents ------------------------------------------------------------------------


def _down(chain: Chain, o: Observation) -> bool:
    return o.jailed if chain is Chain.ATOM else o.status is ValidatorStatus.DELINQUENT


def _gone(o: Observation) -> bool:
    return o.tombstoned or o.slashed or o.status is ValidatorStatus.SLASHED


def incidents(chain: Chain, samples: Sequence[Observation]) -> list[tuple[datetime, str]]:
    """(when, kind) of every incident onset in a validator's hourly samples."""
    found = []
    for i in range(1, len(samples)):
        before, o = samples[i - 1], samples[i]
        if chain is Chain.ETH:
            if _gone(o) and not _gone(before):
                found.append((o.observed_at, SLASHING))
        elif chain is Chain.ATOM:
            if o.tombstoned and not before.tombstoned:
                found.append((o.observed_at, TOMBSTONING))
            elif o.jailed and not before.jailed:
                found.append((o.observed_at, JAILING))
        else:
            rated = o.commission is not None and before.commission is not None
            if rated and o.commission > before.commission:  # type: ignore[operator]
                found.append((o.observed_at, RAISE))
            onset = _down(chain, o) and not _down(chain, before)
            if onset and i + 1 < len(samples) and _down(chain, samples[i + 1]):
                found.append((o.observed_at, DELINQUENCY))  # still down an hour later
    return found


def out_at(
    chain: Chain, samples: Sequence[Observation], times: list[datetime], day: datetime
) -> bool:
    """Tombstoned/slashed, or jailed/delinquent in every sample of the 7 days up to `day`."""
    recent = samples[bisect_right(times, day - LEAD) : bisect_right(times, day)]
    if not recent:
        return False
    return _gone(recent[-1]) or (chain is not Chain.ETH and all(_down(chain, o) for o in recent))


# --- 4. scores (worker processes; the history is inherited through fork) -----------------


@dataclass
class History:
    rows: dict[Chain, dict[str, list[Row]]]  # validator -> its rows, oldest first
    contexts: dict[Chain, dict[datetime, ChainContext]]  # per evaluation day


_history: History | None = None


@dataclass
class Scored:
    chain: Chain
    validator: str
    incidents: list[tuple[datetime, str]]
    totals: dict[datetime, int | None]  # evaluation day -> total (None: pending)
    out: set[datetime]


def score_task(chain: Chain, validators: list[str], days: list[datetime]) -> list[Scored]:
    assert _history is not None
    horizon = timedelta(days=CONFIG.horizon_days)
    results = []
    for v in validators:
        samples = [unpacked(chain, row) for row in _history.rows[chain][v]]
        times = [o.observed_at for o in samples]
        scored = Scored(chain, v, incidents(chain, samples), {}, set())
        for day in days:
            if out_at(chain, samples, times, day):
                scored.out.add(day)
                continue
            window = samples[bisect_left(times, day - horizon) : bisect_right(times, day)]
            context = _history.contexts[chain][day]
            scored.totals[day] = score_validator(chain, v, window, context, CONFIG, day).total
        results.append(scored)
    return results


# --- metrics -----------------------------------------------------------------------------


def auc(positives: Sequence[int], negatives: Sequence[int]) -> float | None:
    """P(risk of a positive > risk of a negative), ties 1/2 (Mann-Whitney, by ranks)."""
    if not positives or not negatives:
        return None
    values = sorted([(r, 1) for r in positives] + [(r, 0) for r in negatives])
    rank_sum, i = 0.0, 0
    while i < len(values):
        j = i
        while j < len(values) and values[j][0] == values[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2 * sum(flag for _, flag in values[i:j])  # mean rank of ties
        i = j
    n = len(positives)
    return (rank_sum - n * (n + 1) / 2) / (n * len(negatives))


@dataclass(frozen=True)
class Pair:
    """One validator scored on one evaluation day."""

    total: int
    kinds: frozenset[str]  # incidents in (d, d + 7 days]; none: a negative
    odds: dict[str, float]  # the world's hidden expected incidents a week, by kind

    @property
    def flagged(self) -> bool:
        return band_of(self.total) is not Band.GREEN


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


HEADER = (
    f"{'chain / kind':<22} {'scored':>7} {'pending':>7} {'out':>5} {'pos':>6} {'neg':>7} "
    f"{'precision':>9} {'recall':>6} {'AUC':>5} {'ceiling':>7} {'mean pos':>8} {'mean neg':>8}"
)


def metric_row(
    label: str, pairs: Sequence[Pair], pending: int, out: int, kind: str | None = None
) -> str:
    """Precision only for whole chains: per kind, the other kinds' positives would count
    as false alarms."""

    def risk(p: Pair) -> int:
        return 100 - p.total

    def odds(p: Pair) -> int:  # ranks only matter: scaled to integers
        return round(1e9 * (p.odds[kind] if kind else sum(p.odds.values())))

    positive = [p for p in pairs if (kind in p.kinds if kind else p.kinds)]
    negative = [p for p in pairs if not p.kinds]
    hits = sum(1 for p in positive if p.flagged)
    flagged = sum(1 for p in pairs if p.flagged)
    precision = hits / flagged if flagged and kind is None else None
    recall = hits / len(positive) if positive else None
    mean_pos = sum(p.total for p in positive) / len(positive) if positive else None
    mean_neg = sum(p.total for p in negative) / len(negative) if negative else None
    area = auc([risk(p) for p in positive], [risk(p) for p in negative])
    ceiling = None
    if all(p.odds for p in pairs):
        ceiling = auc([odds(p) for p in positive], [odds(p) for p in negative])
    counts = f"{len(pairs):>7,} {pending:>7,} {out:>5,}" if kind is None else " " * 21
    return (
        f"{label:<22} {counts} {len(positive):>6,} {len(negative):>7,} {_f(precision):>9} "
        f"{_f(recall):>6} {_f(area):>5} {_f(ceiling):>7} {_f(mean_pos, 1):>8} "
        f"{_f(mean_neg, 1):>8}"
    )


def hidden_odds(seed: int) -> dict[Chain, dict[str, dict[str, float]]]:
    """Per validator, the incidents a week the demo world expects, by kind, from its
    hidden parameters — never shown to the score: how a perfect score would rank, so
    the AUC it reaches is this world's ceiling. None for ETH: its slashing is scripted."""
    from infrastructure.chains.demo.cosmos_world import BONDED_TIER, CosmosWorld
    from infrastructure.chains.demo.solana_world import World

    cosmos = CosmosWorld(seed)
    weights = sum(cosmos.by_index[i].miss_chance for i in BONDED_TIER)
    atom = {  # about 0.95 jailings a day, the victim drawn by chance of missing blocks
        p.operator: {JAILING: 0.95 * 7 * p.miss_chance / weights * (p.index in BONDED_TIER)}
        for p in cosmos.by_index.values()
    }
    sol = {  # an outage every `period` epochs (3.5 a week); a change per 5-epoch window
        # (a raise; at 100 % a cut to 10 %, raised back the window after)
        p.vote: {DELINQUENCY: 3.5 / p.period, RAISE: 0.7 * p.raise_chance}
        for p in World(seed).profiles
    }
    return {Chain.ETH: {}, Chain.SOL: sol, Chain.ATOM: atom}


# --- the run -----------------------------------------------------------------------------


def chunks(items: Sequence[Any], parts: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // parts))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42, help="the demo world's seed")
    parser.add_argument("--every", type=int, default=2, help="days between evaluation days")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    started = time.perf_counter()
    fork = multiprocessing.get_context("fork")

    first = NOW - timedelta(days=HISTORY_DAYS)
    hours = [first + n * HOUR for n in range(HISTORY_DAYS * 24 + 1)]
    days = [NOW - LEAD - n * DAY for n in range(0, EVAL_SPAN_DAYS, args.every)][::-1]
    assert days[0] - first >= MIN_HISTORY
    ids = asyncio.run(watched(args.seed, first))

    # 1, 2. history and context: each chain's hours in ranges, in parallel
    global _history
    history = History({c: defaultdict(list) for c in Chain}, {c: {} for c in Chain})
    stats: dict[Chain, dict[datetime, HourStats]] = {c: {} for c in Chain}
    shares: dict[datetime, dict[str, Decimal]] = {}
    max_rates: dict[datetime, dict[str, Decimal]] = {}
    parts = {Chain.SOL: 12, Chain.ATOM: 4, Chain.ETH: 2}  # about equal work each
    gc.disable()  # millions of rows arrive: full collections would rescan them all
    with ProcessPoolExecutor(args.workers, mp_context=fork) as pool:
        futures = [
            pool.submit(fetch_task, args.seed, c, part, ids[c], set(days))
            for c in (Chain.SOL, Chain.ATOM, Chain.ETH)
            for part in chunks(hours, parts[c])
        ]
        for future in futures:  # in hour order per chain: rows stay oldest first
            fetched = future.result()
            rows = history.rows[fetched.chain]
            for row in fetched.rows:
                rows[row[1]].append(row)
            stats[fetched.chain].update(fetched.hours)
            shares.update(fetched.entity_share)
            max_rates.update(fetched.max_commission)
    for c in Chain:
        for day in days:  # every hour is there; the score looks up its samples' hours only
            history.contexts[c][day] = ChainContext(
                hours=stats[c],
                entity_share=shares[day] if c is Chain.ETH else {},
                max_commission=max_rates[day] if c is Chain.ATOM else {},
            )
    _history = history
    gc.freeze()  # nor should the forked scoring workers scan (and so copy) the history
    gc.enable()
    fetched_in = time.perf_counter() - started

    # 3, 4. incidents and the score of every validator on every evaluation day
    results: list[Scored] = []
    with ProcessPoolExecutor(args.workers, mp_context=fork) as pool:
        jobs = [
            pool.submit(score_task, c, part, days)
            for c in (Chain.SOL, Chain.ATOM, Chain.ETH)
            for part in chunks(sorted(history.rows[c]), 8 * args.workers)
        ]
        for job in jobs:
            results.extend(job.result())
    scored_in = time.perf_counter() - started - fetched_in

    odds = hidden_odds(args.seed)
    pairs: dict[Chain, list[Pair]] = {c: [] for c in Chain}
    pending: Counter[Chain] = Counter()
    out: Counter[Chain] = Counter()
    for s in results:
        out[s.chain] += len(s.out)
        for day, total in s.totals.items():
            if total is None:
                pending[s.chain] += 1
                continue
            kinds = frozenset(kind for at, kind in s.incidents if day < at <= day + LEAD)
            pairs[s.chain].append(Pair(total, kinds, odds[s.chain].get(s.validator, {})))

    # the table
    count = {c: len(history.rows[c]) for c in Chain}
    report(f"VRS back-test, demo network seed {args.seed}, now = {NOW:%Y-%m-%d %H:%M} UTC")
    report(
        f"history {first:%Y-%m-%d} .. {NOW:%Y-%m-%d}, hourly (minute {FETCH_MINUTE}), "
        f"{len(hours):,} samples per validator via the demo adapters; validators: "
        + ", ".join(f"{c.value} {count[c]:,}" for c in Chain)
    )
    report(
        f"evaluation days: {len(days)}, every {args.every} d, {days[0]:%Y-%m-%d} .. "
        f"{days[-1]:%Y-%m-%d} 00:00 UTC (>= {(days[0] - first).days} d of history); "
        "positive: incident in (d, d + 7 d]; flag: red or yellow at d"
    )
    report()
    labelled = (days[0], days[-1] + LEAD)
    report(f"{'incidents (onsets)':<30} {'history':>8} {'labelled':>9} {'validators':>11}")
    for c in Chain:
        for kind in KINDS[c]:
            every = [
                (s.validator, at)
                for s in results
                if s.chain is c
                for at, k in s.incidents
                if k == kind
            ]
            inside = [(v, at) for v, at in every if labelled[0] < at <= labelled[1]]
            validators = len({v for v, _ in inside})
            report(
                f"  {c.value:<5} {kind:<22} {len(every):>8,} {len(inside):>9,} {validators:>11,}"
            )
    report()
    report(HEADER)
    for c in Chain:
        report(metric_row(c.value, pairs[c], pending[c], out[c]))
        for kind in KINDS[c]:
            if any(kind in p.kinds for p in pairs[c]):
                report(metric_row(f"  {kind}", pairs[c], 0, 0, kind))
    everything = [p for c in Chain for p in pairs[c]]
    report(metric_row("all", everything, sum(pending.values()), sum(out.values())))
    report()
    report(
        "scored: validator-days with a total; out: already tombstoned/slashed or down all 7 "
        "days; per kind: its positives against the chain's negatives; ceiling: the AUC of "
        "the demo world's own hidden odds (a perfect score)"
    )
    report(
        f"fetch {fetched_in:.0f} s, scoring {scored_in:.0f} s, total "
        f"{time.perf_counter() - started:.0f} s, {args.workers} workers"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
