"""The five factors per chain, each 0-100 (higher = lower risk) or None when the chain
cannot measure it or the validator has no data for it. Every factor is computed per time
window and then time-weighted (domain/vrs/windows.py). The constants below are part of
the methodology (domain/vrs/methodology.py quotes them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs.context import ChainContext, voting_power
from domain.vrs.model import Factor
from domain.vrs.windows import (
    Spell,
    Window,
    mean,
    per_window_mean,
    spells,
    time_weighted,
)

FULL = Decimal(100)

# --- uptime
# ATOM: a sample whose signed-blocks window shows any missed block keeps at most this ...
ATOM_MISSED_SAMPLE = Decimal("0.5")
# ... falling linearly to 0 at this share of the window missed
ATOM_MISS_TOLERANCE = Decimal("0.05")

# --- slashing & penalty incidents
# an incident is a spell longer than this: SOL/ETH punish only lasting outages with lost
# rewards; every Hub jailing is a protocol punishment (slash and removal), however short
MIN_SPELL_HOURS: dict[Chain, Decimal] = {
    Chain.ETH: Decimal(1),
    Chain.SOL: Decimal(1),
    Chain.ATOM: Decimal(0),
}
# ... and of at least this many consecutive samples: a validator that misses attestations
# at random (say 15 %) shows two missed samples in a row dozens of times in 90 days, four
# in a row about once; an offline node shows every sample missed for hours
MIN_SPELL_SAMPLES: dict[Chain, int] = {
    Chain.ETH: 4,
    Chain.SOL: 1,
    Chain.ATOM: 1,
}
# (points per incident, points per hour of it) deducted in each window the spell touches
SPELL_POINTS: dict[Chain, tuple[Decimal, Decimal]] = {
    Chain.ETH: (Decimal(10), Decimal(1)),  # offline: inactivity penalties
    Chain.SOL: (Decimal(10), Decimal(1)),  # delinquent: lost rewards
    Chain.ATOM: (Decimal(30), Decimal(1)),  # jailed for downtime: slashed and out of the set
}
ETH_OFFLINE_AT = Decimal(0)  # uptime (liveness) at or below this: not live, offline

# --- commission: driven by the changes, the level a minor term
LEVEL_POINTS = Decimal("0.2")  # per percentage point of commission (100 % costs 20)
RAISE_POINTS = Decimal(25)  # per raise ...
RAISE_POINTS_PER_PP = Decimal("0.25")  # ... plus per percentage point raised
REVERT_MULTIPLIER = Decimal(2)  # a raise undone soon after (around an epoch boundary)
REVERT_WITHIN = timedelta(hours=72)
DECREASE_POINTS = Decimal(0)  # a cut is not a raise
MAX_RATE_POINTS_PER_PP = Decimal("0.5")  # ATOM: room left up to the max rate ...
MAX_RATE_POINTS_CAP = Decimal(20)  # ... capped

# --- performance
SKIP_EXCESS_POINTS = Decimal(5)  # per percentage point of skip rate above the cluster median
MISS_EXCESS_POINTS = Decimal(10)  # per point of missed blocks above the active set's median

# --- decentralisation
SHARE_POINTS = Decimal(3)  # 100 at no stake, 0 at a third of all stake
TOP_THIRD_POINTS = Decimal(25)  # inside the superminority / top-33 %


def clamp(value: Decimal) -> Decimal:
    return min(FULL, max(Decimal(0), value))


# --- uptime --------------------------------------------------------------------------


def _removed(chain: Chain, o: Observation) -> bool:
    if chain is Chain.ETH:
        return o.slashed or o.status is ValidatorStatus.SLASHED
    if chain is Chain.ATOM:
        return o.jailed or o.tombstoned
    return False


def _atom_uptime(o: Observation) -> Decimal | None:
    if o.uptime is None:
        return None
    rate = max(Decimal(0), 1 - o.uptime)  # missed / signed-blocks window
    missed = o.missed_blocks > 0 if o.missed_blocks is not None else rate > 0
    if not missed:
        return Decimal(1)
    return ATOM_MISSED_SAMPLE * max(Decimal(0), 1 - rate / ATOM_MISS_TOLERANCE)


def uptime(chain: Chain, wins: Sequence[Window]) -> Decimal | None:
    """Mean uptime sample × 100: ETH liveness/attestation, SOL voting (0 while delinquent,
    else credits vs the cluster's best), ATOM 1 while the signed-blocks window shows no
    missed block, else at most 0.5, falling to 0 at 5 % of the window missed (a near-1
    fraction 1 − missed / window hardly separates validators). A validator removed from
    duty for misbehaving is down: 0 while ETH-slashed, ATOM jailed or tombstoned."""

    found = per_window_mean(wins, lambda o: uptime_value(chain, o))
    return None if found is None else clamp(found * FULL)


def uptime_value(chain: Chain, o: Observation) -> Decimal | None:
    """One sample's uptime (0-1), None when it has none."""
    if _removed(chain, o):
        return Decimal(0)
    if chain is Chain.ATOM:
        return _atom_uptime(o)
    return o.uptime


# --- slashing & penalty incidents ---------------------------------------------------------


def fatal(chain: Chain, o: Observation) -> bool:
    if chain is Chain.ETH:
        return o.slashed or o.status is ValidatorStatus.SLASHED
    if chain is Chain.ATOM:
        return o.tombstoned
    return False  # no protocol slashing on Solana mainnet


def incident(chain: Chain, o: Observation) -> bool:
    if chain is Chain.ETH:
        return o.uptime is not None and o.uptime <= ETH_OFFLINE_AT
    if chain is Chain.SOL:
        return o.status is ValidatorStatus.DELINQUENT
    return o.jailed and not o.tombstoned


def slashing(
    chain: Chain, samples: Sequence[Observation], wins: Sequence[Window]
) -> Decimal | None:
    """0 while ETH-slashed or ATOM-tombstoned (permanent: not an incident that ages);
    else 100 less the incidents of each window: every ETH offline spell (not live in at
    least 4 consecutive samples, longer than an hour: sporadic misses are uptime and
    performance, not an outage), every SOL delinquent spell longer than an hour, and every
    ATOM jailing, costs its base points plus points per hour within that window."""
    if samples and fatal(chain, samples[-1]):
        return Decimal(0)
    found = spells(samples, lambda o: incident(chain, o))
    return slashing_of(
        chain, found, [(w, len(w.samples), any(fatal(chain, o) for o in w.samples)) for w in wins]
    )


def slashing_of(
    chain: Chain, found: Sequence[Spell], wins: Sequence[tuple[Window, int, bool]]
) -> Decimal | None:
    """The slashing factor from the incident-state spells of the horizon and, per window,
    (window, samples in it, whether any of them is fatal)."""
    base, per_hour = SPELL_POINTS[chain]
    incidents = [
        s for s in found if s.hours > MIN_SPELL_HOURS[chain] and s.count >= MIN_SPELL_SAMPLES[chain]
    ]
    results: list[tuple[Decimal | None, Decimal]] = []
    for window, count, any_fatal in wins:
        if not count:
            results.append((None, window.weight))
            continue
        if any_fatal:
            results.append((Decimal(0), window.weight))
            continue
        penalty = Decimal(0)
        for spell in incidents:
            hours = spell.hours_in(window)
            if hours > 0:
                penalty += min(FULL, base + per_hour * hours)
        results.append((clamp(FULL - penalty), window.weight))
    return time_weighted(results)


# --- commission ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    before: Decimal
    after: Decimal
    reverted: bool = False  # a raise undone within REVERT_WITHIN
    revert: bool = False  # the decrease that undid a raise

    @property
    def points(self) -> Decimal:
        if self.revert:
            return Decimal(0)  # already counted, doubled, with its raise
        if self.after > self.before:
            raised = RAISE_POINTS + RAISE_POINTS_PER_PP * (self.after - self.before) * 100
            return raised * (REVERT_MULTIPLIER if self.reverted else 1)
        return DECREASE_POINTS


RawChange = tuple[datetime, Decimal, Decimal]  # (at, before, after)


def raw_changes(samples: Sequence[Observation]) -> list[RawChange]:
    """Every change between consecutive samples that carry a commission."""
    rated = [o for o in samples if o.commission is not None]
    return [
        (b.observed_at, a.commission, b.commission)
        for a, b in pairwise(rated)
        if a.commission is not None and b.commission is not None and a.commission != b.commission
    ]


def commission_changes(samples: Sequence[Observation]) -> list[Change]:
    return classify_changes(raw_changes(samples))


def classify_changes(raw: Sequence[RawChange]) -> list[Change]:
    """The changes, each raise marked when a later change within REVERT_WITHIN undoes it."""
    reverts: set[int] = set()
    changes = []
    for i, (at, before, after) in enumerate(raw):
        reverted = False
        if after > before:
            for j in range(i + 1, len(raw)):
                later_at, _, later = raw[j]
                if later_at - at > REVERT_WITHIN:
                    break
                if later is not None and later <= before:
                    reverted = True
                    reverts.add(j)
                    break
        changes.append(Change(at, before, after, reverted=reverted, revert=i in reverts))
    return changes


def commission(
    samples: Sequence[Observation], wins: Sequence[Window], max_rate: Decimal | None
) -> Decimal | None:
    """Per window, driven by the raises: 100 − every raise in it (25 + 0.25 per point
    raised, doubled when reverted within 72 h: raise-and-revert weighs most; a cut costs
    nothing) − 0.2 per percentage point of mean commission (a minor term: 100 % costs 20)
    − for ATOM the room left up to the maximum rate (0.5 per point, at most 20). Recency:
    a raise weighs 70 % within the last 30 days, 30 % in days 31-90. None without
    commission (ETH)."""
    rated = [o for o in samples if o.commission is not None]
    if not rated:
        return None
    levels = [mean(o.commission for o in w.samples if o.commission is not None) for w in wins]
    return commission_of(commission_changes(rated), rated[-1].commission, wins, levels, max_rate)


def commission_of(
    changes: Sequence[Change],
    latest: Decimal | None,
    wins: Sequence[Window],
    levels: Sequence[Decimal | None],
    max_rate: Decimal | None,
) -> Decimal | None:
    """The commission factor from the horizon's changes, the latest commission and each
    window's mean commission (None: no rated sample in it)."""
    room = Decimal(0)
    if max_rate is not None and latest is not None:
        room = min(
            MAX_RATE_POINTS_CAP, max(Decimal(0), (max_rate - latest) * 100 * MAX_RATE_POINTS_PER_PP)
        )
    results: list[tuple[Decimal | None, Decimal]] = []
    for window, level in zip(wins, levels, strict=True):
        if level is None:
            results.append((None, window.weight))
            continue
        penalty = sum((c.points for c in changes if window.holds(c.at)), Decimal(0))
        results.append((clamp(FULL - LEVEL_POINTS * level * 100 - penalty - room), window.weight))
    return time_weighted(results)


# --- performance ---------------------------------------------------------------------------


def _sol_performance(o: Observation, context: ChainContext) -> Decimal | None:
    parts = []
    if o.performance is not None:  # vote credits vs the cluster median (capped at 1)
        parts.append(o.performance)
    stats = context.hours.get(o.observed_at)
    if o.skip_rate is not None and stats is not None and stats.median_skip_rate is not None:
        excess = max(Decimal(0), o.skip_rate - stats.median_skip_rate)
        parts.append(max(Decimal(0), 1 - SKIP_EXCESS_POINTS * excess))
    return mean(parts)


def atom_excess_misses(o: Observation, context: ChainContext) -> Decimal | None:
    stats = context.hours.get(o.observed_at)
    if o.uptime is None or o.jailed or stats is None or stats.median_miss_rate is None:
        return None
    return max(Decimal(0), (1 - o.uptime) - stats.median_miss_rate)


def _atom_performance(wins: Sequence[Window], context: ChainContext) -> Decimal | None:
    return atom_performance_of(
        [
            (w, [e for o in w.samples if (e := atom_excess_misses(o, context)) is not None])
            for w in wins
        ]
    )


def atom_performance_of(wins: Sequence[tuple[Window, Sequence[Decimal]]]) -> Decimal | None:
    """ATOM performance from each window's excess misses, oldest first."""
    results: list[tuple[Decimal | None, Decimal]] = []
    for window, excess in wins:
        level = mean(excess)
        if level is None:
            results.append((None, window.weight))
            continue
        half = len(excess) // 2
        worsening = Decimal(0)
        if half:  # the trend: the window's later half against its earlier half
            later, earlier = mean(excess[half:]), mean(excess[:half])
            if later is not None and earlier is not None:
                worsening = max(Decimal(0), later - earlier)
        points = MISS_EXCESS_POINTS * (level + worsening) * 100
        results.append((clamp(FULL - points), window.weight))
    return time_weighted(results)


def performance(chain: Chain, wins: Sequence[Window], context: ChainContext) -> Decimal | None:
    """ETH rewards actual / ideal; SOL vote credits vs the cluster median and skip rate
    above the median; ATOM missed blocks above the active set's median and their trend."""
    if chain is Chain.ATOM:
        return _atom_performance(wins, context)
    found = per_window_mean(wins, lambda o: performance_value(chain, o, context))
    return None if found is None else clamp(found * FULL)


def performance_value(chain: Chain, o: Observation, context: ChainContext) -> Decimal | None:
    """One ETH or SOL sample's performance (0-1); ATOM's is not per sample."""
    if chain is Chain.SOL:
        return _sol_performance(o, context)
    return o.performance


# --- decentralisation -----------------------------------------------------------------------


def share_points(share: Decimal, top_third: bool) -> Decimal:
    return clamp(FULL * (1 - SHARE_POINTS * share) - (TOP_THIRD_POINTS if top_third else 0))


def decentralization(
    chain: Chain, validator: str, wins: Sequence[Window], context: ChainContext
) -> Decimal | None:
    """100 × (1 − 3 × stake share), less 25 inside the superminority / top-33 %. ETH: the
    current share of the validator's withdrawal address (its entity), no history kept."""
    if chain is Chain.ETH:
        share = context.entity_share.get(validator)
        return None if share is None else share_points(share, False)

    return per_window_mean(wins, lambda o: decentralization_value(chain, o, context))


def decentralization_value(chain: Chain, o: Observation, context: ChainContext) -> Decimal | None:
    """One SOL or ATOM sample's stake-share points (ETH's share is not per sample)."""
    stats = context.hours.get(o.observed_at)
    if stats is None or stats.total_stake <= 0:
        return None
    power = voting_power(chain, o)
    top = stats.top_third_cutoff is not None and 0 < stats.top_third_cutoff <= power
    return share_points(Decimal(power) / stats.total_stake, top)


def measure(
    chain: Chain,
    validator: str,
    samples: Sequence[Observation],
    wins: Sequence[Window],
    context: ChainContext,
) -> dict[Factor, Decimal | None]:
    return {
        Factor.UPTIME: uptime(chain, wins),
        Factor.SLASHING: slashing(chain, samples, wins),
        # plain ETH validators have no commission: unavailable, never a stand-in value
        Factor.COMMISSION: None
        if chain is Chain.ETH
        else commission(samples, wins, context.max_commission.get(validator)),
        Factor.PERFORMANCE: performance(chain, wins, context),
        Factor.DECENTRALIZATION: decentralization(chain, validator, wins, context),
    }
