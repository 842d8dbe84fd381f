"""Redis byte cache for production."""

from __future__ import annotations

from redis.asyncio import Redis

_SCAN_BATCH = 500


class RedisCache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self._redis.get(key)
        return value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        values: list[bytes | None] = await self._redis.mget(keys)
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._redis.set(key, value, px=max(1, int(ttl_seconds * 1000)))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.unlink(*keys)

    async def delete_prefix(self, prefix: str) -> int:
        removed = 0
        batch: list[bytes] = []
        async for key in self._redis.scan_iter(match=_glob_escape(prefix) + "*", count=_SCAN_BATCH):
            batch.append(key)
            if len(batch) >= _SCAN_BATCH:
                removed += await self._redis.unlink(*batch)
                batch.clear()
        if batch:
            removed += await self._redis.unlink(*batch)
        return removed


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
