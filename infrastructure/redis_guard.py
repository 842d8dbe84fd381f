"""One process's view of whether Redis answers: a small circuit breaker shared by the
Redis cache, key store and rate limiter.

Closed (normal): every operation goes to Redis. The first connection error or timeout
opens it: one warning is logged, and for `retry_seconds` nobody touches Redis — the
cache answers as a miss, the rate limiter decides in memory, the key store refuses with
503 — so a dead (or blackholed: each call would wait the socket timeout) Redis costs a
request nothing. A background task probes it every `retry_seconds` (PING, then the
cache invalidations that could not be sent while Redis was away): success closes the
breaker ("recovered" logged once), failure waits another interval. Requests never wait
for a probe, and recovery needs no traffic.

Only connection-level failures count (refused, reset, timed out, still loading its data
set); any other Redis error is a bug and propagates as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from infrastructure.logging import get_logger

log = get_logger(__name__)

# redis-py's own ConnectionError/TimeoutError (BusyLoadingError is one) and the socket
# errors it lets through; builtin TimeoutError (asyncio's too) and ConnectionError are OSErrors
REDIS_UNAVAILABLE: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)
RETRY_SECONDS = 2.0  # how often a background probe asks a Redis that was down
RETRY_AFTER_SECONDS = 5  # what a refused request is told (Retry-After)


def redis_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or the error it wraps or was raised while handling, e.g. limits'
    StorageError, or redis-py's WatchError for a connection lost mid-watch) says Redis
    cannot be reached, as opposed to a bug in a command."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, REDIS_UNAVAILABLE):
            return True
        current = (
            current.__cause__ or getattr(current, "storage_error", None) or current.__context__
        )
        seen += 1
    return False


class RedisGuard:
    def __init__(
        self,
        redis: Redis,
        *,
        retry_seconds: float = RETRY_SECONDS,
        registry: CollectorRegistry | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._probe: asyncio.Task[None] | None = None
        self._on_recovery: list[Callable[[], Awaitable[None]]] = []
        self.registry = registry or CollectorRegistry()
        self._fallbacks = Counter(
            "staketrack_redis_fallbacks",
            "Operations served without Redis, by component (rate_limit: decided by the "
            "in-process limiter; cache: a miss or a deferred write; keystore: refused "
            "with 503) and reason (error: Redis failed on this call; open: Redis was "
            "known to be down and not asked)",
            ["component", "reason"],
            registry=self.registry,
        )
        self._outages = Counter(
            "staketrack_redis_outages", "Times Redis became unreachable", registry=self.registry
        )
        self._up = Gauge(
            "staketrack_redis_up",
            "1 while Redis answers, 0 during an outage",
            registry=self.registry,
        )
        self._up.set(1)

    @property
    def redis(self) -> Redis:
        return self._redis

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def on_recovery(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` (after a successful PING, before Redis is used again) when Redis
        comes back; if it raises a connection error the outage goes on."""
        self._on_recovery.append(hook)

    def available(self, component: str) -> bool:
        """Whether `component` should call Redis now. False counts a fallback."""
        if self._down_since is None:
            return True
        self._fallbacks.labels(component, "open").inc()
        return False

    def failed(self, component: str, exc: BaseException) -> None:
        """Record that a Redis call by `component` failed with a connection error."""
        self._fallbacks.labels(component, "error").inc()
        self._retry_at = self._clock() + self.retry_seconds
        if self._down_since is None:
            self._down_since = self._clock()
            self._outages.inc()
            self._up.set(0)
            log.warning(
                "redis_unavailable",
                component=component,
                error=type(exc).__name__,
                fallback="in-process rate limits, cache misses, 503 for sign-in nonces",
                retry_seconds=self.retry_seconds,
            )
        if self._probe is None:
            self._probe = asyncio.get_running_loop().create_task(self._recover())

    def fallback_count(self, component: str, reason: str | None = None) -> float:
        reasons = (reason,) if reason else ("error", "open")
        return sum(
            self.registry.get_sample_value(
                "staketrack_redis_fallbacks_total", {"component": component, "reason": r}
            )
            or 0.0
            for r in reasons
        )

    async def _recover(self) -> None:
        """Probe in the background until Redis answers (traffic or not), then close."""
        try:
            while self._down_since is not None:
                await asyncio.sleep(max(0.0, self._retry_at - self._clock()))
                if self._clock() < self._retry_at:  # a request failed meanwhile
                    continue
                try:
                    await self._redis.ping()
                    for hook in self._on_recovery:
                        await hook()
                except Exception as exc:
                    if not redis_unavailable(exc):
                        log.error("redis_probe_failed", error=type(exc).__name__)
                    self._retry_at = self._clock() + self.retry_seconds
                    continue
                down_since, self._down_since = self._down_since, None
                self._up.set(1)
                log.info("redis_recovered", down_seconds=round(self._clock() - down_since, 1))
        finally:
            self._probe = None

    async def aclose(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            probe.cancel()
            await asyncio.gather(probe, return_exceptions=True)
