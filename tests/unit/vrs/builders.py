"""Observation builders for the VRS unit tests: a healthy validator per chain, sampled
daily (or at any step) back from AS_OF, and helpers to change samples by age."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.chains import Observation, ValidatorStatus
from domain.models import Chain
from domain.vrs import ChainContext, VrsConfig, hour_stats, score_validator
from domain.vrs.model import VrsScore

AS_OF = datetime(2026, 11, 25, 12, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

HEALTHY: dict[Chain, dict[str, Any]] = {
    Chain.ETH: {"stake": 32 * 10**9, "uptime": Decimal(1), "performance": Decimal(1)},
    Chain.SOL: {
        "stake": 100_000 * 10**9,
        "commission": Decimal("0.05"),
        "uptime": Decimal(1),
        "performance": Decimal(1),
        "skip_rate": Decimal("0.02"),
    },
    Chain.ATOM: {
        "stake": 1_000_000 * 10**6,
        "commission": Decimal("0.05"),
        "uptime": Decimal(1),
        "missed_blocks": 0,
    },
}


def history(
    chain: Chain,
    days: int = 90,
    *,
    step: timedelta = DAY,
    validator: str = "v1",
    end: datetime = AS_OF,
    **fields: Any,
) -> list[Observation]:
    """Samples every `step` from `end` back over `days` days (ages 0 ..< days), oldest first."""
    values = {**HEALTHY[chain], **fields}
    values.setdefault("status", ValidatorStatus.ACTIVE)
    count = int(timedelta(days=days) / step)
    return [
        Observation(chain=chain, validator=validator, observed_at=end - k * step, **values)
        for k in range(count - 1, -1, -1)
    ]


def where(
    samples: Iterable[Observation], test: Callable[[Observation], bool], **changes: Any
) -> list[Observation]:
    return [replace(o, **changes) if test(o) else o for o in samples]


def aged(low: timedelta, high: timedelta) -> Callable[[Observation], bool]:
    """Samples with low <= age < high (age = AS_OF − observed_at)."""
    return lambda o: low <= AS_OF - o.observed_at < high


def context_of(chain: Chain, *validators: Iterable[Observation], **extra: Any) -> ChainContext:
    by_hour: dict[datetime, list[Observation]] = defaultdict(list)
    for samples in validators:
        for o in samples:
            by_hour[o.observed_at].append(o)
    hours = {at: hour_stats(chain, items) for at, items in by_hour.items()}
    return ChainContext(hours=hours, **extra)


def score(
    chain: Chain,
    samples: list[Observation],
    context: ChainContext | None = None,
    config: VrsConfig | None = None,
    as_of: datetime = AS_OF,
) -> VrsScore:
    return score_validator(
        chain,
        samples[0].validator if samples else "v1",
        samples,
        context or ChainContext(),
        config or VrsConfig(),
        as_of,
    )


def factor(result: VrsScore, name: str) -> int | None:
    scores: Mapping[Any, int | None] = result.scores
    return scores[name]
