"""A Redis outage degrades the API instead of failing it (issue 10, finding 3).

The app runs on PostgreSQL and a private Redis that the test stops (or pauses: a
blackholed Redis that accepts connections and answers nothing) and brings back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from api.job_handles import issue_job_handle
from domain.errors import DependencyUnavailable
from domain.models import Chain
from infrastructure.cache.redis import RedisCache
from infrastructure.keystore.redis import RedisKeyStore
from infrastructure.ratelimit import LimitsRateLimiter
from infrastructure.redis_guard import RedisGuard
from infrastructure.resources import open_redis
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.faults.conftest import RedisProcess, RunningApp, eventually
from workers.arq_settings import ArqJobQueue
from workers.context import JobDeps

pytestmark = [pytest.mark.redis]

ROUNDS = 5
METRICS_TOKEN = "metrics-token-for-the-outage-test"


async def _redis_keys(url: str, pattern: str) -> list[bytes]:
    client = Redis.from_url(url)
    try:
        return [key async for key in client.scan_iter(match=pattern)]
    finally:
        await client.aclose()


async def _ingest(running: RunningApp, chain: Chain) -> None:
    r = running.app.state.resources
    await JobDeps.from_resources(r).ingest().run(chain)


def _requests(auth: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Representative routes: liveness, a public cached read, the calculator, an
    authenticated cached read, a nonce, readiness, the signed-in account, a job's status."""
    return [
        ("GET", "/api/health", {}),
        ("GET", "/api/validators?chain=atom", {}),
        ("POST", "/api/yield/calculate", {"json": {"chain": "atom", "amount": "100"}}),
        ("GET", "/api/portfolio", {"headers": auth}),
        ("GET", "/api/auth/nonce", {}),
        ("POST", "/api/auth/siwe", {"json": Wallet.new(Chain.ETH).proof("unknownnonce1234")}),
        ("GET", "/api/ready", {}),
        ("GET", "/api/me", {"headers": auth}),
        ("GET", "/api/jobs/{handle}", {"headers": auth}),
    ]


# what each route answers while Redis is down: only what needs Redis itself is refused
DURING_OUTAGE = {
    "/api/health": 200,
    "/api/validators?chain=atom": 200,
    "/api/yield/calculate": 200,
    "/api/portfolio": 200,
    "/api/auth/nonce": 503,  # a nonce kept anywhere else could be replayed on another process
    "/api/auth/siwe": 503,  # a signed message whose nonce cannot be checked
    "/api/ready": 200,  # degraded, still in rotation
    "/api/me": 200,
    "/api/jobs/{handle}": 503,  # a valid handle: the job queue lives in Redis
}
AFTER_RECOVERY = {
    **DURING_OUTAGE,
    "/api/auth/nonce": 200,
    "/api/auth/siwe": 401,  # NONCE_EXPIRED: that nonce was never issued
    "/api/jobs/{handle}": 404,  # a handle of ours for a job that does not exist
}


async def _round(running: RunningApp, auth: dict[str, str], handle: str) -> dict[str, Any]:
    responses = {}
    for method, path, kwargs in _requests(auth):
        url = path.replace("{handle}", handle)
        responses[path] = await running.client.request(method, url, **kwargs)
    return responses


def _assert_documented_503(response: Any) -> None:
    body = response.json()
    assert body["code"] == "DEPENDENCY_UNAVAILABLE", body
    assert body["details"]["dependency"] == "redis"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.postgres
async def test_api_keeps_answering_through_a_redis_outage_and_recovers(
    start_app: Any, private_redis: RedisProcess, postgres_url: str
) -> None:
    async with start_app(
        database_url=postgres_url, redis_url=private_redis.url, metrics_token=METRICS_TOKEN
    ) as running:
        client, resources = running.client, running.app.state.resources
        guard: RedisGuard = resources.redis_guard
        data = await sign_in(client, Wallet.new(Chain.ETH))  # a session made before
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        handle = issue_job_handle(
            resources.settings, uuid.UUID(data["user"]["id"]), "positions:no-such-job"
        )
        await _ingest(running, Chain.ATOM)
        before = await _round(running, auth, handle)
        assert {path: r.status_code for path, r in before.items()} == AFTER_RECOVERY, {
            path: r.text for path, r in before.items() if r.status_code != AFTER_RECOVERY[path]
        }
        assert await _redis_keys(private_redis.url, "staketrack:rl*")  # limits live in Redis

        private_redis.stop()
        statuses: list[int] = []
        for _ in range(ROUNDS):
            responses = await _round(running, auth, handle)
            for path, response in responses.items():
                statuses.append(response.status_code)
                assert response.status_code == DURING_OUTAGE[path], (path, response.text)
                if response.status_code == 503:
                    _assert_documented_503(response)
            ready = responses["/api/ready"].json()["data"]
            assert ready["status"] == "degraded" and ready["checks"]["redis"] == "unavailable"
        decided_in_memory = guard.fallback_count("rate_limit")
        assert decided_in_memory >= ROUNDS * 7  # every rate-limited request of the loop
        assert len(running.events("redis_unavailable")) == 1  # one warning per outage
        metrics = (await client.get("/api/metrics", headers=bearer(METRICS_TOKEN))).text
        assert 'staketrack_redis_fallbacks_total{component="rate_limit"' in metrics
        assert "staketrack_redis_up 0.0" in metrics

        private_redis.start()  # a fresh, empty Redis on the same port

        async def nonce_served() -> bool:
            return (await client.get("/api/auth/nonce")).status_code == 200

        await eventually(nonce_served, "sign-in nonces to come back")
        await eventually(lambda: _not_down(guard), "the breaker to close")
        decided_in_memory = guard.fallback_count("rate_limit")
        after = await _round(running, auth, handle)
        assert {path: r.status_code for path, r in after.items()} == AFTER_RECOVERY
        assert guard.fallback_count("rate_limit") == decided_in_memory  # back on Redis
        assert await _redis_keys(private_redis.url, "staketrack:rl*")
        hits = resources.reads.counts("validators")["hit"]
        await client.get("/api/validators?chain=atom")  # cached again by the round above
        assert resources.reads.counts("validators")["hit"] == hits + 1
        assert await _redis_keys(private_redis.url, "staketrack:validators:*")
        again = await sign_in(client, Wallet.new(Chain.SOL))  # sign-in works again
        assert again["accessToken"]
        assert len(running.events("redis_recovered")) == 1
        assert len(running.events("redis_unavailable")) == 1
        assert not running.events("unhandled_error")
    assert 500 not in statuses


async def _not_down(guard: RedisGuard) -> bool:
    return not guard.down


@pytest.mark.postgres
async def test_a_blackholed_redis_costs_one_timeout_not_one_per_request(
    start_app: Any, private_redis: RedisProcess, postgres_url: str
) -> None:
    # a paused server accepts connections and answers nothing: each call would wait the
    # 2 s socket timeout; the breaker lets only the first one wait
    async with start_app(database_url=postgres_url, redis_url=private_redis.url) as running:
        client, guard = running.client, running.app.state.resources.redis_guard
        data = await sign_in(client, Wallet.new(Chain.ATOM))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        assert (await client.get("/api/portfolio", headers=auth)).status_code == 200

        private_redis.pause()
        statuses = [
            (await client.get(path, headers=auth)).status_code
            for _ in range(10)
            for path in ("/api/portfolio", "/api/validators?chain=sol", "/api/me")
        ]
        timed_out = sum(
            guard.fallback_count(component, "error")
            for component in ("rate_limit", "cache", "keystore")
        )
        in_memory = guard.fallback_count("rate_limit")
        private_redis.resume()
        await eventually(lambda: _not_down(guard), "the breaker to close")
        recovered = (await client.get("/api/auth/nonce")).status_code
    assert statuses == [200] * 30
    assert timed_out == 1  # the first request waited for Redis; none after it did
    # every request still rate limited, in memory: per user, and the public validator
    # list per IP as well (it reads the signed-in caller's tier, as /api/vrs does)
    assert in_memory == 40
    assert recovered == 200
    assert len(running.events("redis_unavailable")) == 1
    assert len(running.events("redis_recovered")) == 1


# --- the ports on their own --------------------------------------------------------------


async def test_rate_limits_still_apply_in_memory_while_redis_is_down(
    private_redis: RedisProcess,
) -> None:
    client = open_redis(private_redis.url)
    guard = RedisGuard(client)
    limiter = LimitsRateLimiter.redis(client, guard)
    try:
        assert (await limiter.hit("2/minute", "k")).allowed  # on Redis
        private_redis.stop()
        results = [await limiter.hit("2/minute", "k") for _ in range(3)]
        assert [r.allowed for r in results] == [True, True, False]  # in memory, same rule
        assert results[-1].retry_after >= 1 and results[-1].limit == 2
        assert guard.fallback_count("rate_limit") == 3
        private_redis.start()

        async def back_on_redis() -> bool:
            return (await limiter.hit("1000/minute", "probe")).allowed and not guard.down

        await eventually(back_on_redis, "the limiter to use Redis again")
        counted = guard.fallback_count("rate_limit")
        assert (await limiter.hit("2/minute", "fresh")).allowed
        assert guard.fallback_count("rate_limit") == counted
        assert await _redis_keys(private_redis.url, "staketrack:rl*fresh*")
    finally:
        await guard.aclose()
        await client.aclose()


async def test_nonces_are_refused_with_503_not_kept_elsewhere(private_redis: RedisProcess) -> None:
    client = open_redis(private_redis.url)
    guard = RedisGuard(client)
    keystore = RedisKeyStore(client, guard=guard)
    try:
        assert await keystore.put("n1", "fresh", 60)
        private_redis.stop()
        for operation in (
            keystore.put("n2", "fresh", 60),
            keystore.swap("n1", "used"),
            keystore.take("n1"),
            keystore.get("n1"),
        ):
            with pytest.raises(DependencyUnavailable) as refused:
                await operation
            assert refused.value.dependency == "redis" and refused.value.retry_after > 0
        assert guard.fallback_count("keystore", "error") == 1  # then the breaker is open
        assert guard.fallback_count("keystore", "open") == 3
    finally:
        await guard.aclose()
        await client.aclose()


async def test_cache_deletions_missed_in_an_outage_are_sent_before_redis_is_read_again(
    private_redis: RedisProcess,
) -> None:
    # a paused Redis keeps its data: a session snapshot deleted at logout while Redis was
    # unreachable must not come back with Redis
    client = open_redis(private_redis.url)
    guard = RedisGuard(client, retry_seconds=0.2)
    cache = RedisCache(client, guard)
    user = uuid.uuid4()
    snapshot, other = f"staketrack:principal:{user}:s1", f"staketrack:validators:atom:{user}"
    try:
        await cache.set(snapshot, b"alive", 60)
        await cache.set(other, b"kept", 60)
        private_redis.pause()
        await cache.delete(snapshot)  # times out: the breaker opens, the delete is kept
        assert guard.down
        assert await cache.delete_prefix(f"staketrack:principal:{user}:") == 0  # kept too
        assert await cache.get(other) is None  # a miss while Redis is away
        private_redis.resume()

        async def recovered() -> bool:
            await cache.get(other)  # lets the breaker start its probe
            return not guard.down

        await eventually(recovered, "the cache to use Redis again")
        assert await cache.get(snapshot) is None
        assert await client.get(snapshot) is None
        assert await cache.get(other) == b"kept"
    finally:
        await guard.aclose()
        await client.aclose()


async def test_the_job_queue_answers_503_when_redis_is_stopped_or_blackholed(
    private_redis: RedisProcess,
) -> None:
    queue = await ArqJobQueue.connect(private_redis.url)
    try:
        assert await queue.enqueue("heartbeat", "job-before", {})
        private_redis.pause()  # arq's pool has no socket timeout: the call is bounded for it
        with pytest.raises(DependencyUnavailable) as blackholed:
            await queue.enqueue("heartbeat", "job-paused", {})
        private_redis.resume()
        private_redis.stop()
        with pytest.raises(DependencyUnavailable) as stopped:
            await queue.info("job-before")
        private_redis.start()

        async def answers() -> bool:
            try:
                return await queue.enqueue("heartbeat", "job-after", {})
            except DependencyUnavailable:
                return False

        await eventually(answers, "the queue to accept jobs again")
    finally:
        await queue.close()
    assert blackholed.value.dependency == stopped.value.dependency == "redis"


def test_a_wrapped_connection_error_is_an_outage_and_a_command_error_is_not() -> None:
    from limits.errors import StorageError
    from redis.exceptions import ConnectionError, ResponseError

    from infrastructure.redis_guard import redis_unavailable

    assert redis_unavailable(StorageError(ConnectionError("refused")))
    assert redis_unavailable(TimeoutError())
    assert not redis_unavailable(ResponseError("WRONGTYPE"))
    assert not redis_unavailable(StorageError(ResponseError("WRONGTYPE")))
