"""A memo of the risk score's per-hour chain context (domain/vrs/context.py HourStats).

An observed hour's rows are only ever added (never changed; pruning drops whole old
hours), so an hour's stats stay right as long as its row count is the same: each run
recomputes only the hours that are new or grew — the newest one, normally — instead of
all 2,000-odd hours of the horizon. One entry per chain; a cache outage only costs the
recomputation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import orjson

from domain.ports import Cache
from domain.vrs import HourStats
from infrastructure.logging import get_logger
from services import cache_keys

log = get_logger(__name__)
TTL_SECONDS = 3 * 24 * 3600  # outlives a few missed hourly runs
Memo = dict[datetime, tuple[int, HourStats]]  # hour -> (rows counted, its stats)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


async def load(cache: Cache, chain: str) -> Memo:
    try:
        raw = await cache.get(cache_keys.vrs_context(chain))
    except Exception as exc:
        log.warning("cache_unavailable", entity="vrs-context", error=type(exc).__name__)
        return {}
    if raw is None:
        return {}
    return {
        datetime.fromisoformat(hour): (
            count,
            HourStats(total, cutoff, _decimal(skip), _decimal(miss)),
        )
        for hour, (count, total, cutoff, skip, miss) in orjson.loads(raw).items()
    }


async def store(cache: Cache, chain: str, memo: Memo) -> None:
    body = orjson.dumps(
        {
            hour.isoformat(): [
                count,
                stats.total_stake,
                stats.top_third_cutoff,
                _text(stats.median_skip_rate),
                _text(stats.median_miss_rate),
            ]
            for hour, (count, stats) in memo.items()
        }
    )
    try:
        await cache.set(cache_keys.vrs_context(chain), body, TTL_SECONDS)
    except Exception as exc:
        log.warning("cache_unavailable", entity="vrs-context", error=type(exc).__name__)
