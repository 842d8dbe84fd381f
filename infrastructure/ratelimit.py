"""Rate limiting with the `limits` library: sliding-window counters in memory or Redis."""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio import Redis

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
    def redis(cls, client: Redis) -> LimitsRateLimiter:
        """Share the process's Redis connection pool (closed with that client)."""
        return cls(
            RedisStorage(
                "async+redis://",
                implementation="redispy",
                key_prefix="staketrack:rl",
                connection_pool=client.connection_pool,  # type: ignore[arg-type]
            )
        )

    async def hit(self, rule: str, key: str) -> RateLimitResult:
        item = _rule(rule)
        if await self._strategy.hit(item, key):  # one round trip on the allowed path
            return RateLimitResult(allowed=True, limit=item.amount, retry_after=0)
        stats = await self._strategy.get_window_stats(item, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitResult(allowed=False, limit=item.amount, retry_after=retry_after)
