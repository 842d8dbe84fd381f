"""Rate limiting with the `limits` library: sliding-window counters in memory or Redis.

On Redis, an outage does not stop the API: while Redis cannot be reached (see
infrastructure/redis_guard.py) every decision is taken by an in-process limiter with the
same rules — per process, so during an outage each API process allows the full rate —
and counted in `staketrack_redis_fallbacks_total{component="rate_limit"}`. Decisions go
back to Redis as soon as it answers again.

`hit_and_get` counts a hit and reads cache entries in one Redis round trip (a Lua script
running the `limits` sliding-window script's steps on the same keys, then GETs): an
authenticated cached read costs one round trip for its limit, session and body.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from domain.ports import RateLimitResult

if TYPE_CHECKING:  # the Redis client and its guard: imported by the Redis path only (NFR6)
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

    from infrastructure.redis_guard import RedisGuard


@lru_cache(maxsize=64)
def _rule(rule: str) -> RateLimitItem:
    return parse(rule)


# limits' acquire_sliding_window.lua (limits 5.x) on KEYS[1] (previous window) and KEYS[2]
# (current window), then a GET of each further key. Returns {1 or 0, value, ...}: a
# missing entry is `false`, which Redis sends as nil (a Lua nil would end the table).
HIT_AND_GET = """
local limit = tonumber(ARGV[1])
local expiry = tonumber(ARGV[2]) * 1000
local amount = tonumber(ARGV[3])
local allowed = 0
if amount <= limit then
    local current_ttl = tonumber(redis.call('pttl', KEYS[2]))
    if current_ttl > 0 and current_ttl < expiry then
        redis.call('rename', KEYS[2], KEYS[1])
        redis.call('set', KEYS[2], 0, 'PX', current_ttl + expiry)
    end
    local previous_count = tonumber(redis.call('get', KEYS[1])) or 0
    local previous_ttl = tonumber(redis.call('pttl', KEYS[1])) or 0
    local current_count = tonumber(redis.call('get', KEYS[2])) or 0
    current_ttl = tonumber(redis.call('pttl', KEYS[2])) or 0
    if previous_ttl <= 0 then previous_ttl = 0 end
    if current_ttl <= 0 then current_ttl = 0 end
    local weighted_count = math.floor(previous_count * previous_ttl / expiry) + current_count
    if (weighted_count + amount) <= limit then
        allowed = 1
        if redis.call('exists', KEYS[2]) == 1 then
            redis.call('incrby', KEYS[2], amount)
        else
            redis.call('set', KEYS[2], amount, 'PX', expiry * 2)
        end
    end
end
local result = {allowed}
for i = 3, #KEYS do
    result[i - 1] = redis.call('get', KEYS[i])
end
return result
"""


# The fast path of a cached read (api/fast_reads.py), on KEYS[1] (the session snapshot),
# KEYS[2] (the body; with ARGV[1] = 2, KEYS[2] is the free view and KEYS[3] the pro view,
# chosen by the snapshot's `tier`), then the current-window key of each limit (its
# previous window is that key + "/-1", as `limits` names it); ARGV[2] and ARGV[3] are the
# rule's limit and expiry. Nothing is counted unless the snapshot and the body are both
# cached: {-1} or {-2} answers a miss. Else each limit in turn runs the sliding-window
# step above: {n} when limit n refuses (the limits before it were counted, as sequential
# hits count them), {0, snapshot, body} when all allow.
HIT_ALL_IF_CACHED = """
local snapshot = redis.call('get', KEYS[1])
if not snapshot then return {-1} end
local bodies = tonumber(ARGV[1])
local body_key = KEYS[2]
if bodies == 2 then
    local ok, data = pcall(cjson.decode, snapshot)
    if not ok or type(data) ~= 'table' then return {-1} end
    if data['tier'] == 'pro' then body_key = KEYS[3]
    elseif data['tier'] ~= 'free' then return {-1} end
end
local body = redis.call('get', body_key)
if not body then return {-2} end
local limit = tonumber(ARGV[2])
local expiry = tonumber(ARGV[3]) * 1000
for n = 1, #KEYS - 1 - bodies do
    local current_key = KEYS[1 + bodies + n]
    local previous_key = current_key .. '/-1'
    if limit < 1 then return {n} end
    local current_ttl = tonumber(redis.call('pttl', current_key))
    if current_ttl > 0 and current_ttl < expiry then
        redis.call('rename', current_key, previous_key)
        redis.call('set', current_key, 0, 'PX', current_ttl + expiry)
    end
    local previous_count = tonumber(redis.call('get', previous_key)) or 0
    local previous_ttl = tonumber(redis.call('pttl', previous_key)) or 0
    local current_count = tonumber(redis.call('get', current_key)) or 0
    current_ttl = tonumber(redis.call('pttl', current_key)) or 0
    if previous_ttl <= 0 then previous_ttl = 0 end
    if current_ttl <= 0 then current_ttl = 0 end
    local weighted_count = math.floor(previous_count * previous_ttl / expiry) + current_count
    if (weighted_count + 1) > limit then return {n} end
    if redis.call('exists', current_key) == 1 then
        redis.call('incrby', current_key, 1)
    else
        redis.call('set', current_key, 1, 'PX', expiry * 2)
    end
end
return {0, snapshot, body}
"""


@dataclass(frozen=True, slots=True)
class CachedHit:
    """What `hit_all_if_cached` found: `denied` (the refusing limit's decision) or the
    snapshot and body, both cached and every limit counted; or `missing` (nothing
    counted)."""

    missing: bool = False
    denied: RateLimitResult | None = None
    snapshot: bytes = b""
    body: bytes = b""


MISSING = CachedHit(missing=True)


class LimitsRateLimiter:
    def __init__(
        self, storage: Storage, guard: RedisGuard | None = None, client: Redis | None = None
    ) -> None:
        self._storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._guard = guard
        self._fallback: SlidingWindowCounterRateLimiter | None = None  # built on first need
        # on Redis: the limit and cache reads in one round trip (`hit_and_get`)
        self._hit_and_get: AsyncScript | None = None
        self._hit_all_if_cached: AsyncScript | None = None
        if client is not None:  # a client is given with its RedisStorage (`redis()`)
            self._hit_and_get = client.register_script(HIT_AND_GET)
            self._hit_all_if_cached = client.register_script(HIT_ALL_IF_CACHED)
            # the script names the previous window as `limits` does
            assert storage._previous_window_key("k") == storage._current_window_key("k") + "/-1"  # type: ignore[attr-defined]

    @classmethod
    def in_memory(cls) -> LimitsRateLimiter:
        return cls(MemoryStorage())

    @classmethod
    def redis(cls, client: Redis, guard: RedisGuard | None = None) -> LimitsRateLimiter:
        """Share the process's Redis connection pool (closed with that client); fall back
        to memory while `guard` says Redis is down."""
        from limits.aio.storage import RedisStorage

        from infrastructure.redis_guard import RedisGuard

        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix="staketrack:rl",
            connection_pool=client.connection_pool,  # type: ignore[arg-type]
        )
        return cls(storage, guard or RedisGuard(client), client)

    async def hit(self, rule: str, key: str) -> RateLimitResult:
        item = _rule(rule)
        if self._guard is None:
            return await _hit(self._strategy, item, key)
        if self._guard.available("rate_limit"):
            try:
                return await _hit(self._strategy, item, key)
            except Exception as exc:
                from infrastructure.redis_guard import redis_unavailable

                if not redis_unavailable(exc):
                    raise
                self._guard.failed("rate_limit", exc)
        if self._fallback is None:
            self._fallback = SlidingWindowCounterRateLimiter(MemoryStorage())
        return await _hit(self._fallback, item, key)

    async def hit_and_get(
        self, rule: str, key: str, cache_keys: Sequence[str]
    ) -> tuple[RateLimitResult, list[bytes | None]] | None:
        """`hit(rule, key)` and the cache entries `cache_keys` (raw Redis keys, as the
        Redis cache stores them) in one round trip. None when that cannot be done — in
        memory, or Redis is (or just went) down: the caller then hits and reads
        separately, which falls back as each of them does."""
        # Redis down: decline without counting a fallback (`hit` counts the one it makes)
        if self._hit_and_get is None or self._guard is None or self._guard.down:
            return None
        item = _rule(rule)
        from limits.aio.storage import RedisStorage

        from infrastructure.redis_guard import redis_unavailable

        storage = self._storage
        assert isinstance(storage, RedisStorage)
        window = item.key_for(key)
        limit_keys = [
            storage.bridge.prefixed_key(storage._previous_window_key(window)),
            storage.bridge.prefixed_key(storage._current_window_key(window)),
        ]
        try:
            allowed, *values = await self._hit_and_get(
                keys=[*limit_keys, *cache_keys], args=[item.amount, item.get_expiry(), 1]
            )
            if allowed:
                return RateLimitResult(allowed=True, limit=item.amount, retry_after=0), values
            stats = await self._strategy.get_window_stats(item, key)
        except Exception as exc:
            if not redis_unavailable(exc):
                raise
            # the reads become misses here; the limit is decided (and counted as a
            # rate_limit fallback) by the caller's `hit`, in memory
            self._guard.failed("cache", exc)
            return None
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        result = RateLimitResult(allowed=False, limit=item.amount, retry_after=retry_after)
        return result, values

    async def hit_all_if_cached(
        self, rule: str, limit_keys: Sequence[str], snapshot_key: str, body_keys: Sequence[str]
    ) -> CachedHit | None:
        """In one Redis round trip: when the session snapshot and the body (one key, or
        (free view, pro view) picked by the snapshot's tier) are both cached, `hit(rule,
        key)` for each of `limit_keys` in order, stopping at the first refusal. None when
        that cannot be done (in memory, or Redis is or just went down): nothing counted."""
        if self._hit_all_if_cached is None or self._guard is None or self._guard.down:
            return None
        from infrastructure.redis_guard import redis_unavailable

        item, args = self._rule_args(rule)
        keys = [snapshot_key, *body_keys, *(self._current_window(item, k) for k in limit_keys)]
        try:
            answer = await self._hit_all_if_cached(keys=keys, args=[len(body_keys), *args])
            code = answer[0]
            if code == 0:
                return CachedHit(snapshot=answer[1], body=answer[2])
            if code < 0:
                return MISSING
            stats = await self._strategy.get_window_stats(item, limit_keys[code - 1])
        except Exception as exc:
            if not redis_unavailable(exc):
                raise
            self._guard.failed("cache", exc)
            return None
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return CachedHit(denied=RateLimitResult(False, item.amount, retry_after))

    @staticmethod
    @lru_cache(maxsize=64)
    def _rule_args(rule: str) -> tuple[RateLimitItem, tuple[bytes, bytes]]:
        item = _rule(rule)
        return item, (str(item.amount).encode(), str(item.get_expiry()).encode())

    def _current_window(self, item: RateLimitItem, key: str) -> str:
        """The `limits` sliding-window key of the current window (the previous one is
        this + "/-1": `RedisStorage._previous_window_key`)."""
        from limits.aio.storage import RedisStorage

        storage = self._storage
        assert isinstance(storage, RedisStorage)
        return storage.bridge.prefixed_key(storage._current_window_key(item.key_for(key)))


async def _hit(
    strategy: SlidingWindowCounterRateLimiter, item: RateLimitItem, key: str
) -> RateLimitResult:
    if await strategy.hit(item, key):  # one round trip on the allowed path
        return RateLimitResult(allowed=True, limit=item.amount, retry_after=0)
    stats = await strategy.get_window_stats(item, key)
    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
    return RateLimitResult(allowed=False, limit=item.amount, retry_after=retry_after)
