"""Redis short-lived key store: SET NX PX to create, GETDEL to consume atomically."""

from __future__ import annotations

from redis.asyncio import Redis


class RedisKeyStore:
    def __init__(self, redis: Redis, prefix: str = "staketrack:ks:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def put(self, key: str, value: str, ttl_seconds: float) -> bool:
        created = await self._redis.set(
            self._prefix + key, value, px=max(1, int(ttl_seconds * 1000)), nx=True
        )
        return bool(created)

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._prefix + key)
        return value.decode() if value is not None else None

    async def take(self, key: str) -> str | None:
        value = await self._redis.getdel(self._prefix + key)
        return value.decode() if value is not None else None

    async def swap(self, key: str, value: str) -> str | None:
        previous = await self._redis.set(self._prefix + key, value, xx=True, get=True, keepttl=True)
        return previous.decode() if previous is not None else None
