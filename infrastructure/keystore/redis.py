"""Redis short-lived key store: SET NX PX to create, GETDEL to consume atomically.

Nonces and replay markers cannot be kept safely anywhere else (another process would
not see them), so while Redis is down (infrastructure/redis_guard.py) every operation
raises `DependencyUnavailable` — 503 with Retry-After — instead of guessing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis

from domain.errors import DependencyUnavailable
from infrastructure.redis_guard import RETRY_AFTER_SECONDS, RedisGuard, redis_unavailable

T = TypeVar("T")


class RedisKeyStore:
    def __init__(
        self, redis: Redis, prefix: str = "staketrack:ks:", guard: RedisGuard | None = None
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._guard = guard or RedisGuard(redis)

    async def _call(self, command: Callable[[], Awaitable[T]]) -> T:
        if not self._guard.available("keystore"):
            raise DependencyUnavailable(dependency="redis", retry_after=RETRY_AFTER_SECONDS)
        try:
            return await command()
        except Exception as exc:
            if not redis_unavailable(exc):
                raise
            self._guard.failed("keystore", exc)
            raise DependencyUnavailable(
                dependency="redis", retry_after=RETRY_AFTER_SECONDS
            ) from exc

    async def put(self, key: str, value: str, ttl_seconds: float) -> bool:
        px = max(1, int(ttl_seconds * 1000))
        created = await self._call(
            lambda: self._redis.set(self._prefix + key, value, px=px, nx=True)
        )
        return bool(created)

    async def get(self, key: str) -> str | None:
        value = await self._call(lambda: self._redis.get(self._prefix + key))
        return value.decode() if value is not None else None

    async def take(self, key: str) -> str | None:
        value = await self._call(lambda: self._redis.getdel(self._prefix + key))
        return value.decode() if value is not None else None

    async def swap(self, key: str, value: str) -> str | None:
        previous = await self._call(
            lambda: self._redis.set(self._prefix + key, value, xx=True, get=True, keepttl=True)
        )
        return previous.decode() if previous is not None else None
