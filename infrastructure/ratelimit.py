"""Rate limiting with the `limits` library: sliding-window counters in memory or Redis.

On Redis, an outage does not stop the API: while Redis cannot be reached (see
infrastructure/redis_guard.py) every decision is taken by an in-process limiter with the
same rules — per process, so during an outage each API process allows the full rate —
and counted in `staketrack_redis_fallbacks_total{component="rate_limit"}`. Decisions go
back to Redis as soon as it answers again.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio import Redis

from domain.ports import RateLimitResult
from infrastructure.redis_guard import RedisGuard, redis_unavailable


@lru_cache(maxsize=64)
def _rule(rule: str) -> RateLimitItem:
    return parse(rule)


class LimitsRateLimiter:
    def __init__(self, storage: Storage, guard: RedisGuard | None = None) -> None:
        self._storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._guard = guard
        self._fallback: SlidingWindowCounterRateLimiter | None = None  # built on first need

    @classmethod
    def in_memory(cls) -> LimitsRateLimiter:
        return cls(MemoryStorage())

    @classmethod
    def redis(cls, client: Redis, guard: RedisGuard | None = None) -> LimitsRateLimiter:
        """Share the process's Redis connection pool (closed with that client); fall back
        to memory while `guard` says Redis is down."""
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix="staketrack:rl",
            connection_pool=client.connection_pool,  # type: ignore[arg-type]
        )
        return cls(storage, guard or RedisGuard(client))

    async def hit(self, rule: str, key: str) -> RateLimitResult:
        item = _rule(rule)
        if self._guard is None:
            return await _hit(self._strategy, item, key)
        if self._guard.available("rate_limit"):
            try:
                return await _hit(self._strategy, item, key)
            except Exception as exc:
                if not redis_unavailable(exc):
                    raise
                self._guard.failed("rate_limit", exc)
        if self._fallback is None:
            self._fallback = SlidingWindowCounterRateLimiter(MemoryStorage())
        return await _hit(self._fallback, item, key)


async def _hit(
    strategy: SlidingWindowCounterRateLimiter, item: RateLimitItem, key: str
) -> RateLimitResult:
    if await strategy.hit(item, key):  # one round trip on the allowed path
        return RateLimitResult(allowed=True, limit=item.amount, retry_after=0)
    stats = await strategy.get_window_stats(item, key)
    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
    return RateLimitResult(allowed=False, limit=item.amount, retry_after=retry_after)
