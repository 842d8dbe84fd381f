"""Cache-aside for API reads: serialised JSON bytes under the keys of services/cache_keys.py.

A cache outage never fails a read: it is logged and the bytes are built from the
database. Hits, misses and errors are counted per entity for `/api/metrics`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter

from domain.ports import Cache
from infrastructure.logging import get_logger

log = get_logger(__name__)


class CachedReads:
    def __init__(self, cache: Cache, registry: CollectorRegistry | None = None) -> None:
        self._cache = cache
        self.registry = registry or CollectorRegistry()
        self._lookups = Counter(
            "staketrack_cache_lookups",
            "Cache lookups by entity and result (hit, miss, error)",
            ["entity", "result"],
            registry=self.registry,
        )
        self._hits: dict[str, Counter] = {}  # entity -> its "hit" child, for count_hit

    async def get_or_build(
        self,
        entity: str,
        key: str,
        ttl_seconds: float,
        build: Callable[[], Awaitable[bytes]],
        *,
        known: tuple[str, bytes | None] | None = None,
    ) -> bytes:
        """The cached bytes under `key`, else `build()` stored for `ttl_seconds`.
        `known` is (key, value) already read from the cache in this request (None: not
        read); it saves the lookup when it is the same key."""
        if known is not None and known[0] == key:
            cached = known[1]
        else:
            try:
                cached = await self._cache.get(key)
            except Exception as exc:  # Redis down: serve from the database, say so in the log
                self._lookups.labels(entity, "error").inc()
                log.warning("cache_unavailable", entity=entity, error=type(exc).__name__)
                return await build()
        if cached is not None:
            self._lookups.labels(entity, "hit").inc()
            return cached
        self._lookups.labels(entity, "miss").inc()
        body = await build()
        try:
            await self._cache.set(key, body, ttl_seconds)
        except Exception as exc:
            log.warning("cache_unavailable", entity=entity, error=type(exc).__name__)
        return body

    def count_hit(self, entity: str) -> None:
        """A hit served without `get_or_build` (api/fast_reads.py)."""
        counter = self._hits.get(entity)
        if counter is None:
            counter = self._hits[entity] = self._lookups.labels(entity, "hit")
        counter.inc()

    async def invalidate(self, *prefixes: str) -> None:
        """Drop every entry under these key prefixes (after a write that changed them)."""
        for prefix in prefixes:
            try:
                await self._cache.delete_prefix(prefix)
            except Exception as exc:
                log.warning("cache_invalidation_failed", prefix=prefix, error=type(exc).__name__)

    async def drop(self, *keys: str) -> None:
        """Drop these exact entries (one round trip, no scan)."""
        try:
            await self._cache.delete(*keys)
        except Exception as exc:
            log.warning("cache_invalidation_failed", keys=len(keys), error=type(exc).__name__)

    def counts(self, entity: str) -> dict[str, float]:
        return {
            result: self.registry.get_sample_value(
                "staketrack_cache_lookups_total", {"entity": entity, "result": result}
            )
            or 0.0
            for result in ("hit", "miss", "error")
        }
