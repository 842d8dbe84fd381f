"""Opens the shared infrastructure for one process (API or worker) by runtime mode.

Embedded mode (no REDIS_URL): in-process cache, key store and rate limiter.
Production: the same ports on Redis. The database is SQLite or PostgreSQL by URL.

What a mode does not use is not imported (NFR6 cold start): the Resend SDK (~0.2 s) only
with RESEND_API_KEY, the HTTP client (httpx) only with TURNSTILE_SECRET.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.email import EmailSender
from domain.ports import Cache, KeyStore
from infrastructure.cache.memory import EPOCH_FILE, MemoryCache
from infrastructure.cache.reads import CachedReads
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.email.outbox import OutboxEmailSender
from infrastructure.keystore.memory import MemoryKeyStore
from infrastructure.ratelimit import LimitsRateLimiter
from infrastructure.settings import Settings

if TYPE_CHECKING:
    import httpx
    from redis.asyncio import Redis

    from infrastructure.auth.turnstile import TurnstileVerifier
    from infrastructure.chains.factory import ChainSources
    from infrastructure.redis_guard import RedisGuard

REDIS_TIMEOUT_SECONDS = 2.0


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    cache: Cache
    keystore: KeyStore
    rate_limiter: LimitsRateLimiter
    email: EmailSender
    http: httpx.AsyncClient | None  # Turnstile's client (None without TURNSTILE_SECRET)
    turnstile: TurnstileVerifier | None = None
    redis: Redis | None = None
    redis_guard: RedisGuard | None = None  # with Redis: whether it answers (shared breaker)
    metrics_registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    # when this process opened its resources: readiness's grace period for a fresh install
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _chains: ChainSources | None = None
    _reads: CachedReads | None = None

    @property
    def reads(self) -> CachedReads:
        """Cache-aside for API reads, with hit/miss counters."""
        if self._reads is None:
            self._reads = CachedReads(self.cache, self.metrics_registry)
        return self._reads

    def chains(self) -> ChainSources:
        """The chain adapters and price source (built on first use)."""
        if self._chains is None:
            from infrastructure.chains.factory import build_chain_sources

            self._chains = build_chain_sources(self.settings, self.engine)
        return self._chains

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_redis(self) -> None:
        if self.redis_guard is not None and self.redis_guard.down:  # known: do not wait on it
            raise ConnectionError("Redis is unavailable (the breaker is open)")
        if self.redis is not None:
            await self.redis.ping()

    async def close(self) -> None:
        if self._chains is not None:
            await self._chains.aclose()
        if self.http is not None:
            await self.http.aclose()
        if self.redis_guard is not None:
            await self.redis_guard.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def open_redis(url: str) -> Redis:
    from redis.asyncio import Redis

    client: Redis = Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
    return client


def _email_sender(settings: Settings) -> EmailSender:
    if settings.resend_api_key is not None:
        from infrastructure.email.resend_sender import ResendEmailSender

        return ResendEmailSender(settings.resend_api_key.get_secret_value(), settings.email_from)
    return OutboxEmailSender(settings.data_dir / "outbox", settings.email_from)


def open_resources(settings: Settings) -> Resources:
    engine = create_engine(settings.effective_database_url)
    http: httpx.AsyncClient | None = None
    turnstile: TurnstileVerifier | None = None
    if settings.turnstile_secret is not None:
        import httpx

        from infrastructure.auth.turnstile import TurnstileVerifier

        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        turnstile = TurnstileVerifier(settings.turnstile_secret.get_secret_value(), http)
    registry = CollectorRegistry()
    redis = open_redis(settings.redis_url) if settings.redis_url else None
    guard: RedisGuard | None = None
    if redis is None:  # embedded: nothing of Redis is imported (NFR6 cold start)
        cache: Cache = MemoryCache(shared_epoch=settings.data_dir / EPOCH_FILE)
        keystore: KeyStore = MemoryKeyStore()
        rate_limiter = LimitsRateLimiter.in_memory()
    else:
        from infrastructure.cache.redis import RedisCache
        from infrastructure.keystore.redis import RedisKeyStore
        from infrastructure.redis_guard import RedisGuard

        # one breaker for the three Redis ports: when one sees Redis fail, none waits on it
        guard = breaker = RedisGuard(redis, registry=registry)
        cache = RedisCache(redis, breaker)
        keystore = RedisKeyStore(redis, guard=breaker)
        rate_limiter = LimitsRateLimiter.redis(redis, breaker)
    return Resources(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        # embedded: the cache is shared with the CLI on this DATA_DIR (its writes are seen
        # on the next request)
        cache=cache,
        keystore=keystore,
        rate_limiter=rate_limiter,
        email=_email_sender(settings),
        http=http,
        turnstile=turnstile,
        redis=redis,
        redis_guard=guard,
        metrics_registry=registry,
    )
