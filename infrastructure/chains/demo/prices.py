"""Demo prices: CoinGecko's `/simple/price` wire format, drifting deterministically by hour."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

import httpx

BASE_USD = {"ethereum": 3150.0, "solana": 182.0, "cosmos": 7.4}
EUR_PER_USD = 0.92


class PricesDemo:
    def __init__(self, seed: int) -> None:
        self._seed = seed

    def _usd(self, coin: str, now: datetime) -> float:
        hour = int(now.timestamp() // 3600)
        noise = int.from_bytes(hashlib.sha256(f"{self._seed}/{coin}/{hour}".encode()).digest()[:4])
        wave = math.sin(hour / 90) * 0.08 + (noise / 2**32 - 0.5) * 0.02
        return round(BASE_USD[coin] * (1 + wave), 2)

    async def __call__(self, request: httpx.Request, now: datetime) -> httpx.Response:
        if request.url.path.rstrip("/") != "/api/v3/simple/price":
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
