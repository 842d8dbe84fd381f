"""Chain-wide context a validator's score is measured against: per observed hour the
stake of all validators and the cluster's medians; for ETH the stake of each validator's
withdrawal address (its entity); for ATOM each validator's maximum commission."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain


@dataclass(frozen=True, slots=True)
class HourStats:
    total_stake: int  # SOL: activated stake of all vote accounts; ATOM: the active set's
    top_third_cutoff: int | None  # smallest stake inside the top third (superminority)
    median_skip_rate: Decimal | None  # SOL: voting validators with leader slots
    median_miss_rate: Decimal | None  # ATOM: signing validators, missed / window


@dataclass(frozen=True, slots=True)
class ChainContext:
    hours: Mapping[datetime, HourStats] = field(default_factory=dict)
    entity_share: Mapping[str, Decimal] = field(default_factory=dict)  # ETH validator -> share
    max_commission: Mapping[str, Decimal] = field(default_factory=dict)  # ATOM validator -> max


class HourSample(NamedTuple):
    """The part of an observation the hour's context needs (cheap to build by the million)."""

    status: ValidatorStatus
    stake: int | None
    skip_rate: Decimal | None
    uptime: Decimal | None
    jailed: bool
    tombstoned: bool


Sample = Observation | HourSample


def voting_power(chain: Chain, observation: Sample) -> int:
    """What counts as a validator's weight in consensus: on the Hub only the active set
    votes; on Solana every vote account's activated stake."""
    if chain is Chain.ATOM and observation.status is not ValidatorStatus.ACTIVE:
        return 0
    return max(observation.stake or 0, 0)


def top_third_cutoff(stakes: Iterable[int]) -> int | None:
    """The smallest stake among the fewest largest validators that together hold more
    than a third of all stake (Solana's superminority; the Hub's top-33 %)."""
    ordered = sorted((s for s in stakes if s > 0), reverse=True)
    total = sum(ordered)
    running = 0
    for stake in ordered:
        running += stake
        if running * 3 > total:
            return stake
    return None


def hour_stats(chain: Chain, observations: Iterable[Sample]) -> HourStats:
    """The context of one observed hour, from every validator's sample of that hour."""
    samples = list(observations)
    stakes = [voting_power(chain, o) for o in samples]
    skips = [
        o.skip_rate
        for o in samples
        if o.skip_rate is not None and o.status is not ValidatorStatus.DELINQUENT
    ]
    misses = [
        1 - o.uptime
        for o in samples
        if chain is Chain.ATOM and o.uptime is not None and not o.jailed and not o.tombstoned
    ]
    return HourStats(
        total_stake=sum(stakes),
        top_third_cutoff=top_third_cutoff(stakes),
        median_skip_rate=statistics.median(sorted(skips)) if skips else None,
        median_miss_rate=statistics.median(sorted(misses)) if misses else None,
    )
