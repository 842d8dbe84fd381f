"""Scoring one validator: its observations inside the horizon, the five factors, the
total over the available ones (weights renormalised), confidence and the pending rule.
Pure and deterministic: the same observations, context, config and time give the same
score, whatever order the observations come in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise

from domain.chains import Observation
from domain.models import Chain
from domain.vrs.config import VrsConfig
from domain.vrs.context import ChainContext
from domain.vrs.factors import measure
from domain.vrs.model import (
    FACTORS,
    Factor,
    ScoreConfidence,
    VrsScore,
    VrsStatus,
    to_points,
    total_of,
)
from domain.vrs.windows import windows

DAY = timedelta(days=1)


def in_horizon(
    observations: Iterable[Observation], config: VrsConfig, as_of: datetime
) -> list[Observation]:
    """The samples that count as of `as_of`, oldest first (ties broken by content)."""
    start = as_of - timedelta(days=config.horizon_days)
    samples = sorted(
        (o for o in observations if start <= o.observed_at <= as_of), key=lambda o: o.observed_at
    )
    if any(a.observed_at == b.observed_at for a, b in pairwise(samples)):
        samples.sort(key=lambda o: (o.observed_at, repr(o)))
    return samples


def data_days(samples: Iterable[Observation], config: VrsConfig, as_of: datetime) -> int:
    """Days with observations, counted in 24-hour periods back from `as_of` (so six days
    of hourly samples are six days, whatever calendar dates they touch)."""
    periods = {(as_of - o.observed_at) // DAY for o in samples}
    return min(len(periods), config.horizon_days)


def confidence(available: int, days: int, config: VrsConfig) -> ScoreConfidence:
    if available < 3 or days < config.medium_confidence_days:
        return ScoreConfidence.LOW
    if available == len(FACTORS) and days >= config.high_confidence_days:
        return ScoreConfidence.HIGH
    return ScoreConfidence.MEDIUM


def score_validator(
    chain: Chain,
    validator: str,
    observations: Iterable[Observation],
    context: ChainContext,
    config: VrsConfig,
    as_of: datetime,
) -> VrsScore:
    samples = in_horizon(observations, config, as_of)
    days = data_days(samples, config, as_of)
    weights = dict(config.weights)
    scores: dict[Factor, int | None] = dict.fromkeys(FACTORS)
    total = None
    if days >= config.pending_days:
        measured = measure(chain, validator, samples, windows(config, as_of, samples), context)
        scores = {f: None if v is None else to_points(v) for f, v in measured.items()}
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
