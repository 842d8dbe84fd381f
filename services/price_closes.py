"""Daily closes (issue 14): backfill each asset's close per UTC day and currency from the
price API's history (`/coins/{id}/market_chart/range`) into `price_closes`.

`refresh` (the hourly job): today's close so far and yesterday's final one, always
re-read, plus any day in the span of the stored reward events that has no close yet
(after a new wallet's history came in, or an outage). `backfill` does one span on demand
(`staketrack`/tests). One request per (asset, currency) and span; a failing asset is
logged and the others still stored. A day the API has no point for stays without a
close: its fiat values are null.

Called by: workers/jobs/price_closes.py (`backfill_price_closes`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from domain.amounts import CURRENCIES
from domain.models import Chain
from domain.ports import PriceSource, ReadInvalidation
from domain.rewards.daily_prices import days_between, missing_days
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger, redact
from services import cache_keys

log = get_logger(__name__)
MAX_SPAN_DAYS = 366 * 3  # one request's span at most (the API answers daily points beyond 90)


async def backfill(
    uow: Callable[[], SqlUnitOfWork],
    source: PriceSource,
    first: date,
    last: date,
    now: datetime,
    *,
    only_missing: bool = True,
) -> int:
    """Store the closes of first..last (only the days without one, unless
    `only_missing` is False); the number of closes stored."""
    stored = 0
    for chain in Chain:
        for currency in CURRENCIES:
            wanted = days_between(first, last)
            if only_missing:
                async with uow() as work:
                    known = await work.rewards_read.close_days(chain, currency, first, last)
                wanted = missing_days(wanted, known)
            if not wanted:
                continue
            begin = max(wanted[0], wanted[-1] - timedelta(days=MAX_SPAN_DAYS))
            try:
                closes = await source.fetch_daily_closes(chain, currency, begin, wanted[-1])
            except Exception as exc:  # one asset failing never stops the others
                log.warning(
                    "price closes failed",
                    extra={"chain": chain.value, "currency": currency, "error": redact(str(exc))},
                )
                continue
            keep = set(wanted)
            closes = [c for c in closes if c.day in keep]
            async with uow() as work:
                await work.rewards_read.store_closes(closes, now)
                await work.commit()
            stored += len(closes)
    return stored


async def refresh(
    uow: Callable[[], SqlUnitOfWork],
    source: PriceSource,
    now: datetime,
    reads: ReadInvalidation | None = None,
) -> int:
    """Yesterday and today (re-read), and the missing days of the reward events' span;
    the cached portfolios (whose rewards are valued at these closes) are dropped."""
    today = now.date()
    stored = await backfill(uow, source, today - timedelta(days=1), today, now, only_missing=False)
    async with uow() as work:
        span = await work.rewards_read.event_span()
    if span is not None:
        first, last = span[0].date(), min(span[1].date(), today)
        stored += await backfill(uow, source, first, last, now)
    if stored and reads is not None:
        for chain in Chain:
            await reads.invalidate(*cache_keys.chain_prefixes(chain.value, ("portfolio",)))
    return stored
