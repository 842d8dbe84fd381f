"""Fiat prices from a CoinGecko-compatible API, EUR and USD: the live quotes
(`GET /simple/price`) and the daily closes of a span (`GET /coins/{id}/market_chart/range`,
whose `prices` are `[<unix ms>, <price>]` pairs; domain.rewards.daily_prices picks each
UTC day's last one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.chains import Price
from domain.models import Chain
from domain.rewards.daily_prices import DailyClose, daily_closes, day_start
from infrastructure.chains.http import ChainHttp

COIN_IDS = {Chain.ETH: "ethereum", Chain.SOL: "solana", Chain.ATOM: "cosmos"}
CURRENCIES = ("usd", "eur")

# {"ethereum": {"usd": 3012.5, "eur": 2790.1}, ...}
SimplePrice = dict[str, dict[str, Decimal]]
# {"prices": [[1764720000000, 3012.5], ...], "market_caps": [...], "total_volumes": [...]}
MarketChart = dict[str, list[tuple[int, Decimal]]]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CoinGeckoPrices:
    def __init__(self, http: ChainHttp, *, now: Callable[[], datetime] = _utcnow) -> None:
        self._http = http
        self._now = now

    async def fetch_prices(self) -> list[Price]:
        quotes = await self._http.get(
            "/simple/price",
            SimplePrice,
            params={"ids": ",".join(COIN_IDS.values()), "vs_currencies": ",".join(CURRENCIES)},
        )
        fetched_at = self._now()
        return [
            Price(
                chain=chain, currency=currency, price=quotes[coin][currency], fetched_at=fetched_at
            )
            for chain, coin in COIN_IDS.items()
            if coin in quotes
            for currency in CURRENCIES
            if currency in quotes[coin] and quotes[coin][currency] > 0
        ]

    async def fetch_daily_closes(
        self, chain: Chain, currency: str, first: date, last: date
    ) -> list[DailyClose]:
        """The closes of the UTC days `first`..`last` that the API has points for."""
        chart = await self._http.get(
            f"/coins/{COIN_IDS[chain]}/market_chart/range",
            MarketChart,
            params={
                "vs_currency": currency,
                "from": int(day_start(first).timestamp()),
                "to": int((day_start(last) + timedelta(days=1)).timestamp()) - 1,
            },
        )
        points = [
            (datetime.fromtimestamp(ms / 1000, UTC), price) for ms, price in chart.get("prices", [])
        ]
        return [c for c in daily_closes(chain, currency, points) if first <= c.day <= last]
