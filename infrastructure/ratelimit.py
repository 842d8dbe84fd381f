"""Rate limiting with the `limits` library: sliding-window counters in memory or Redis."""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from domain.ports import RateLimitResult


@lru_cache(maxsize=64)
def _rule(rule: str) -> RateLimitItem:
    return parse(rule)


class LimitsRateLimiter:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(storage)

    @classmethod
    def in_memory(cls) -> LimitsRateLimiter:
        return cls(MemoryStorage())

    @classmethod
    def redis(cls, redis_url: str) -> LimitsRateLimiter:
        return cls(
            RedisStorage(
                "async+" + redis_url, implementation="redispy", key_prefix="staketrack:rl"
            )
        )

    async def hit(self, rule: str, key: str) -> RateLimitResult:
        item = _rule(rule)
        if await self._strategy.hit(item, key):  # one round trip on the allowed path
            return RateLimitResult(allowed=True, limit=item.amount, retry_after=0)
        stats = await self._strategy.get_window_stats(item, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitResult(allowed=False, limit=item.amount, retry_after=retry_after)

    async def reset(self) -> None:
        await self._storage.reset()

    async def close(self) -> None:
        closer = getattr(self._storage, "close", None)
        if closer is not None:
            await closer()
