"""Fiat prices from a CoinGecko-compatible API (`GET /simple/price`), EUR and USD."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from domain.chains import Price
from domain.models import Chain
from infrastructure.chains.http import ChainHttp

COIN_IDS = {Chain.ETH: "ethereum", Chain.SOL: "solana", Chain.ATOM: "cosmos"}
CURRENCIES = ("usd", "eur")

# {"ethereum": {"usd": 3012.5, "eur": 2790.1}, ...}
SimplePrice = dict[str, dict[str, Decimal]]


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
