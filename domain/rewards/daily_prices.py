"""Daily closes: one price per (asset, currency, UTC day), the last quote of that day.

The price API's history (`/coins/{id}/market_chart/range`) answers points whose spacing
depends on the range (5-minutely within a day, hourly up to 90 days, daily beyond); a
day's close is the last point that falls in it, whatever the spacing. A day without a
point has no close (its fiat values stay null)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.models import Chain


@dataclass(frozen=True, slots=True)
class DailyClose:
    chain: Chain
    currency: str  # "usd" | "eur"
    day: date  # UTC
    price: Decimal  # per whole coin
    priced_at: datetime  # the instant of the quote taken as the close


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily_closes(
    chain: Chain, currency: str, points: Iterable[tuple[datetime, Decimal]]
) -> list[DailyClose]:
    """The last positive point of each UTC day, by day; `points` in any order."""
    last: dict[date, tuple[datetime, Decimal]] = {}
    for at, price in points:
        if price <= 0:
            continue  # no price is better than a wrong one
        day = at.astimezone(UTC).date()
        if day not in last or at >= last[day][0]:
            last[day] = (at, price)
    return [
        DailyClose(chain=chain, currency=currency, day=day, price=price, priced_at=at)
        for day, (at, price) in sorted(last.items())
    ]


def missing_days(wanted: Iterable[date], known: Iterable[date]) -> list[date]:
    return sorted(set(wanted) - set(known))
