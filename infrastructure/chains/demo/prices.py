"""Demo prices in CoinGecko's wire formats, drifting deterministically by hour: the live
quotes (`/simple/price`) and the history of a span (`/coins/{id}/market_chart/range`:
`{"prices": [[<unix ms>, <price>], ...], "market_caps": [...], "total_volumes": [...]}`,
5-minutely within a day, hourly up to 90 days, daily at 00:00 UTC beyond — as the real
API — and nothing after the demo's "now")."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import UTC, datetime

import httpx

BASE_USD = {"ethereum": 3150.0, "solana": 182.0, "cosmos": 7.4}
EUR_PER_USD = 0.92
SUPPLY = {"ethereum": 120_500_000, "solana": 590_000_000, "cosmos": 390_000_000}
DAY, HOUR, FIVE_MINUTES = 86_400, 3_600, 300
RANGE_PATH = re.compile(r"/api/v3/coins/([a-z0-9-]+)/market_chart/range")


class PricesDemo:
    def __init__(self, seed: int) -> None:
        self._seed = seed

    def _usd(self, coin: str, now: datetime) -> float:
        hour = int(now.timestamp() // 3600)
        noise = int.from_bytes(hashlib.sha256(f"{self._seed}/{coin}/{hour}".encode()).digest()[:4])
        wave = math.sin(hour / 90) * 0.08 + (noise / 2**32 - 0.5) * 0.02
        return round(BASE_USD[coin] * (1 + wave), 2)

    def _price(self, coin: str, currency: str, at: datetime) -> float:
        return round(self._usd(coin, at) * (EUR_PER_USD if currency == "eur" else 1), 2)

    def _range(self, request: httpx.Request, coin: str, now: datetime) -> httpx.Response:
        params = request.url.params
        currency = params.get("vs_currency", "")
        try:
            start, end = int(float(params["from"])), int(float(params["to"]))
        except (KeyError, ValueError):
            return httpx.Response(400, json={"error": "invalid from/to"})
        if coin not in BASE_USD:
            return httpx.Response(404, json={"error": "coin not found"})
        if currency not in ("usd", "eur"):
            return httpx.Response(400, json={"error": "invalid vs_currency"})
        span = end - start
        step = FIVE_MINUTES if span <= DAY else HOUR if span <= 90 * DAY else DAY
        end = min(end, int(now.timestamp()))
        first = -(-start // step) * step  # the first step boundary at or after `from`
        prices, caps, volumes = [], [], []
        for second in range(first, end + 1, step):
            at = datetime.fromtimestamp(second, UTC)
            price = self._price(coin, currency, at)
            ms = second * 1000
            prices.append([ms, price])
            caps.append([ms, round(price * SUPPLY[coin], 2)])
            volumes.append([ms, round(price * SUPPLY[coin] * 0.03, 2)])
        return httpx.Response(
            200, json={"prices": prices, "market_caps": caps, "total_volumes": volumes}
        )

    async def __call__(self, request: httpx.Request, now: datetime) -> httpx.Response:
        path = request.url.path.rstrip("/")
        history = RANGE_PATH.fullmatch(path)
        if history:
            return self._range(request, history.group(1), now)
        if path != "/api/v3/simple/price":
            return httpx.Response(404, json={"error": "Not found"})
        ids = request.url.params.get("ids", "").split(",")
        currencies = request.url.params.get("vs_currencies", "").split(",")
        body = {
            coin: {
                currency: round(self._usd(coin, now) * (EUR_PER_USD if currency == "eur" else 1), 2)
                for currency in currencies
                if currency in ("usd", "eur")
            }
            for coin in ids
            if coin in BASE_USD
        }
        return httpx.Response(200, json=body)
