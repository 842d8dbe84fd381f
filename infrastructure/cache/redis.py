"""Redis byte cache for production.

A Redis outage is a cache miss, never an error (see infrastructure/redis_guard.py): reads
answer None, writes are dropped. Deletions cannot simply be dropped — an entry that
should have gone (a session snapshot after logout) would come back with Redis if Redis
kept its data (a network cut, a paused server) — so they are remembered (bounded) and
sent before Redis is used again.
"""

from __future__ import annotations

from redis.asyncio import Redis

from infrastructure.logging import get_logger
from infrastructure.redis_guard import RedisGuard, redis_unavailable

_SCAN_BATCH = 500
MAX_PENDING_DELETES = 10_000
log = get_logger(__name__)


class RedisCache:
    def __init__(self, redis: Redis, guard: RedisGuard | None = None) -> None:
        self._redis = redis
        self._guard = guard or RedisGuard(redis)
        self._guard.on_recovery(self._replay_deletes)
        # key -> is a prefix; insertion ordered, so the replay keeps the order of the calls
        self._pending: dict[str, bool] = {}
        self._overflow_logged = False

    async def get(self, key: str) -> bytes | None:
        if not self._guard.available("cache"):
            return None
        try:
            value: bytes | None = await self._redis.get(key)
        except Exception as exc:
            self._unavailable(exc)
            return None
        return value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        if not self._guard.available("cache"):
            return [None] * len(keys)
        try:
            values: list[bytes | None] = await self._redis.mget(keys)
        except Exception as exc:
            self._unavailable(exc)
            return [None] * len(keys)
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if not self._guard.available("cache"):
            return
        try:
            await self._redis.set(key, value, px=max(1, int(ttl_seconds * 1000)))
        except Exception as exc:
            self._unavailable(exc)

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        if not self._guard.available("cache"):
            self._defer(keys, prefix=False)
            return
        try:
            await self._redis.unlink(*keys)
        except Exception as exc:
            self._unavailable(exc)
            self._defer(keys, prefix=False)

    async def delete_prefix(self, prefix: str) -> int:
        if not self._guard.available("cache"):
            self._defer((prefix,), prefix=True)
            return 0
        try:
            return await self._delete_prefix(prefix)
        except Exception as exc:
            self._unavailable(exc)
            self._defer((prefix,), prefix=True)
            return 0

    async def _delete_prefix(self, prefix: str) -> int:
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

    def _unavailable(self, exc: Exception) -> None:
        if not redis_unavailable(exc):
            raise exc  # a bug, not an outage
        self._guard.failed("cache", exc)

    def _defer(self, keys: tuple[str, ...], *, prefix: bool) -> None:
        for key in keys:
            if key in self._pending or len(self._pending) < MAX_PENDING_DELETES:
                self._pending[key] = self._pending.get(key, False) or prefix
            elif not self._overflow_logged:  # entries then outlive Redis's return by their TTL
                self._overflow_logged = True
                log.error("cache_invalidations_dropped", limit=MAX_PENDING_DELETES)

    async def _replay_deletes(self) -> None:
        """Send the deletions made during the outage (called by the guard's probe); any
        made while this runs are sent too."""
        while self._pending:
            keys = [key for key, prefix in self._pending.items() if not prefix][:_SCAN_BATCH]
            if keys:
                await self._redis.unlink(*keys)
            else:
                keys = [next(iter(self._pending))]
                await self._delete_prefix(keys[0])
            for key in keys:
                self._pending.pop(key, None)
        self._overflow_logged = False


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
