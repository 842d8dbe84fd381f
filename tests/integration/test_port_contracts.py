"""One contract for each port, run against the in-process and the Redis implementation."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from redis.asyncio import Redis

from domain.ports import Cache, KeyStore
from infrastructure.cache.memory import EPOCH_FILE, MemoryCache
from infrastructure.cache.redis import RedisCache
from infrastructure.keystore.memory import MemoryKeyStore
from infrastructure.keystore.redis import RedisKeyStore
from infrastructure.ratelimit import LimitsRateLimiter
from tests.readiness import eventually

BACKENDS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Redis | None:
    """None for the in-process implementation, else a client on the (flushed) test Redis."""
    if request.param == "memory":
        return None
    redis: Redis = request.getfixturevalue("redis")
    return redis


@pytest.fixture(params=[*BACKENDS, "memory-shared-epoch"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> Cache:
    """Both implementations; the in-process one also with the DATA_DIR marker it uses in
    embedded mode (shared with the CLI)."""
    if request.param == "redis":
        return RedisCache(request.getfixturevalue("redis"))
    if request.param == "memory-shared-epoch":
        return MemoryCache(shared_epoch=tmp_path / EPOCH_FILE)
    return MemoryCache()


@pytest.fixture
def keystore(backend: Redis | None) -> KeyStore:
    return MemoryKeyStore() if backend is None else RedisKeyStore(backend)


@pytest.fixture
def limiter(backend: Redis | None) -> LimitsRateLimiter:
    return LimitsRateLimiter.in_memory() if backend is None else LimitsRateLimiter.redis(backend)


# --- cache -------------------------------------------------------------------------


async def test_cache_miss_then_hit(cache: Cache) -> None:
    assert await cache.get("staketrack:validators:eth:1") is None
    await cache.set("staketrack:validators:eth:1", b'{"data":[]}', ttl_seconds=60)
    assert await cache.get("staketrack:validators:eth:1") == b'{"data":[]}'


async def test_cache_get_many_answers_in_order_with_gaps(cache: Cache) -> None:
    await cache.set("staketrack:a", b"1", ttl_seconds=60)
    await cache.set("staketrack:c", b"3", ttl_seconds=60)
    await cache.set("staketrack:gone", b"x", ttl_seconds=0.05)
    await asyncio.sleep(0.15)
    values = await cache.get_many("staketrack:c", "staketrack:b", "staketrack:gone", "staketrack:a")
    assert values == [b"3", None, None, b"1"]


async def test_cache_entries_expire(cache: Cache) -> None:
    await cache.set("k", b"v", ttl_seconds=0.05)
    await asyncio.sleep(0.15)
    assert await cache.get("k") is None


async def test_cache_delete_and_delete_prefix(cache: Cache) -> None:
    for key in ("staketrack:vrs:eth:1", "staketrack:vrs:eth:2", "staketrack:vrs:sol:1", "other"):
        await cache.set(key, b"x", ttl_seconds=60)
    await cache.delete("other", "missing")
    assert await cache.get("other") is None
    assert await cache.delete_prefix("staketrack:vrs:eth:") == 2
    assert await cache.get("staketrack:vrs:eth:1") is None
    assert await cache.get("staketrack:vrs:sol:1") == b"x"


async def test_cache_prefix_is_literal_not_a_pattern(cache: Cache) -> None:
    await cache.set("a*b:1", b"x", ttl_seconds=60)
    await cache.set("axb:1", b"y", ttl_seconds=60)
    assert await cache.delete_prefix("a*b:") == 1
    assert await cache.get("axb:1") == b"y"


async def test_memory_caches_on_one_data_dir_see_each_others_drops(tmp_path: Path) -> None:
    """Two processes on one DATA_DIR (the server and a CLI fetch): a drop in one empties
    the other on its next lookup; a process's own drops cost it nothing else."""
    server = MemoryCache(shared_epoch=tmp_path / EPOCH_FILE)
    cli = MemoryCache(shared_epoch=tmp_path / EPOCH_FILE)
    await server.set("staketrack:validators:sol:first", b"before", 60)
    await server.set("staketrack:portfolio:all:u1", b"mine", 60)
    await server.delete("staketrack:portfolio:all:u1")  # its own drop
    assert await server.get("staketrack:validators:sol:first") == b"before"

    await cli.delete_prefix("staketrack:validators:sol:")  # the CLI wrote SOL data
    assert await server.get_many("staketrack:validators:sol:first") == [None]
    await server.set("staketrack:validators:sol:first", b"after", 60)
    assert await server.get("staketrack:validators:sol:first") == b"after"  # once only

    await server.delete_prefix("staketrack:yield:")
    await cli.set("k", b"v", 60)
    assert await cli.get("k") is None  # the server's drop reached the CLI's cache too


async def test_a_drop_seen_late_is_not_hidden_by_a_drop_of_ones_own(tmp_path: Path) -> None:
    server = MemoryCache(shared_epoch=tmp_path / EPOCH_FILE)
    cli = MemoryCache(shared_epoch=tmp_path / EPOCH_FILE)
    await server.set("staketrack:validators:sol:first", b"before", 60)
    await cli.delete_prefix("staketrack:validators:sol:")
    await server.delete("staketrack:portfolio:all:u1")  # before any lookup of the server
    assert await server.get("staketrack:validators:sol:first") is None


# --- key store ------------------------------------------------------------------------


async def test_keystore_put_is_create_only(keystore: KeyStore) -> None:
    key = f"nonce:{uuid.uuid4()}"
    assert await keystore.put(key, "first", ttl_seconds=60)
    assert not await keystore.put(key, "second", ttl_seconds=60)
    assert await keystore.get(key) == "first"


async def test_keystore_take_is_single_use(keystore: KeyStore) -> None:
    key = f"nonce:{uuid.uuid4()}"
    await keystore.put(key, "v", ttl_seconds=60)
    assert await keystore.take(key) == "v"
    assert await keystore.take(key) is None
    assert await keystore.get(key) is None


async def test_keystore_concurrent_take_has_exactly_one_winner(keystore: KeyStore) -> None:
    key = f"nonce:{uuid.uuid4()}"
    await keystore.put(key, "v", ttl_seconds=60)
    results = await asyncio.gather(*(keystore.take(key) for _ in range(20)))
    assert results.count("v") == 1
    assert results.count(None) == 19


async def test_keystore_swap_marks_once_and_keeps_the_ttl(keystore: KeyStore) -> None:
    key = f"nonce:{uuid.uuid4()}"
    assert await keystore.swap(key, "used") is None  # absent: nothing stored
    assert await keystore.get(key) is None
    await keystore.put(key, "fresh", ttl_seconds=60)
    results = await asyncio.gather(*(keystore.swap(key, "used") for _ in range(20)))
    assert results.count("fresh") == 1 and results.count("used") == 19
    # the swap keeps the put's expiry: the value still goes. A short lifetime can end
    # before the swap on a busy machine (swap answers None): then try a longer one.
    short = f"nonce:{uuid.uuid4()}"
    for ttl in (0.3, 2.0, 10.0, 60.0):
        await keystore.put(short, "fresh", ttl_seconds=ttl)
        if await keystore.swap(short, "used") == "fresh":
            break
    else:
        pytest.fail("every value expired before its swap")

    async def expired() -> bool:
        return await keystore.get(short) is None

    await eventually(expired, "the swapped value to expire")


async def test_keystore_values_expire(keystore: KeyStore) -> None:
    key = f"nonce:{uuid.uuid4()}"
    await keystore.put(key, "v", ttl_seconds=0.05)
    await asyncio.sleep(0.15)
    assert await keystore.take(key) is None
    assert await keystore.put(key, "again", ttl_seconds=60)


# --- rate limiter -----------------------------------------------------------------------


async def test_rate_limit_allows_up_to_the_limit_then_refuses(limiter: LimitsRateLimiter) -> None:
    results = [await limiter.hit("3/minute", "ip:203.0.113.7") for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].limit == 3
    assert 1 <= results[-1].retry_after <= 60


async def test_rate_limit_keys_are_independent(limiter: LimitsRateLimiter) -> None:
    assert (await limiter.hit("1/minute", "ip:a")).allowed
    assert not (await limiter.hit("1/minute", "ip:a")).allowed
    assert (await limiter.hit("1/minute", "ip:b")).allowed


async def test_rate_limit_hit_and_get_is_one_counter_with_hit(backend: Redis | None) -> None:
    """On Redis, `hit_and_get` counts on the very window `hit` counts on and reads the
    cache entries in the same trip; in memory it declines (the caller does both)."""
    limiter = LimitsRateLimiter.in_memory() if backend is None else LimitsRateLimiter.redis(backend)
    if backend is None:
        assert await limiter.hit_and_get("3/minute", "user:a", ["k"]) is None
        return
    await backend.set("staketrack:test:present", b"body")
    keys = ["staketrack:test:present", "staketrack:test:absent"]
    combined = []
    for _ in range(2):  # hit, hit_and_get, hit, hit_and_get: the fourth is over 3/minute
        assert (await limiter.hit("3/minute", "user:a")).allowed
        combined.append(await limiter.hit_and_get("3/minute", "user:a", keys))
    first, last = combined
    assert first is not None and last is not None
    assert first[0].allowed and first[1] == [b"body", None]
    assert not last[0].allowed and last[1] == [b"body", None]  # refused; the reads still made
    assert last[0].limit == 3 and 1 <= last[0].retry_after <= 60
    assert not (await limiter.hit("3/minute", "user:a")).allowed
    other = await limiter.hit_and_get("3/minute", "user:b", [])
    assert other is not None and other[0].allowed and other[1] == []


async def test_rate_limit_hit_all_if_cached_counts_only_on_a_hit(backend: Redis | None) -> None:
    """The fast read's trip: nothing counted on a miss; each limit counted in order on a
    hit, on the windows `hit` counts on, stopping at the first refusal; the tier's view."""
    limiter = LimitsRateLimiter.in_memory() if backend is None else LimitsRateLimiter.redis(backend)
    rule, snapshot, views = "2/minute", "staketrack:test:snapshot", ["t:free", "t:pro"]
    if backend is None:
        assert await limiter.hit_all_if_cached(rule, ["ip", "user"], snapshot, views) is None
        return
    missed = await limiter.hit_all_if_cached(rule, ["ip", "user"], snapshot, views)
    assert missed is not None and missed.missing  # no snapshot: nothing counted
    await backend.set(snapshot, b'{"tier": "pro"}')
    missed = await limiter.hit_all_if_cached(rule, ["ip", "user"], snapshot, views)
    assert missed is not None and missed.missing  # no pro view: nothing counted
    await backend.set("t:pro", b"pro body")
    found = await limiter.hit_all_if_cached(rule, ["ip", "user"], snapshot, views)
    assert found is not None and not found.missing and found.denied is None
    assert (found.snapshot, found.body) == (b'{"tier": "pro"}', b"pro body")
    assert (await limiter.hit(rule, "user")).allowed  # the user's second: allowed, the last
    refused = await limiter.hit_all_if_cached(rule, ["ip", "user"], snapshot, views)
    assert refused is not None and refused.denied is not None  # by "user", after "ip" counted
    assert refused.denied.limit == 2 and 1 <= refused.denied.retry_after <= 60
    assert not (await limiter.hit(rule, "ip")).allowed  # "ip" was counted twice
    await backend.set(snapshot, b'{"tier": "free"}')
    await backend.set("t:free", b"free body")
    free = await limiter.hit_all_if_cached(rule, ["other"], snapshot, views)
    assert free is not None and free.body == b"free body"


async def test_rate_limit_window_passes(limiter: LimitsRateLimiter) -> None:
    # a second hit within the window is refused; a machine that stalled longer than the
    # window between the two hits proves nothing, so try a longer window
    for seconds in (1, 5, 30):
        rule, key = f"1 per {seconds} second", f"k{seconds}"
        first_hit = time.monotonic()
        assert (await limiter.hit(rule, key)).allowed
        if not (await limiter.hit(rule, key)).allowed:
            break
        assert time.monotonic() - first_hit >= seconds, "a second hit in the window passed"
    else:
        pytest.fail("the machine stalled longer than every window")

    async def allowed() -> bool:  # a refused hit does not count against the window
        return (await limiter.hit(rule, key)).allowed

    # the sliding window weighs the previous one too: up to two windows
    await eventually(allowed, "the window to pass")
