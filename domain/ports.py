"""Ports the domain and the application depend on; infrastructure implements them.

Each port has an in-process implementation (embedded mode) and a Redis one
(production); `tests/integration/test_port_contracts.py` holds both to one contract.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from domain.chains import ChainMetrics, Observation, Position, Price, Validator
from domain.models import Chain
from domain.rewards.daily_prices import DailyClose
from domain.rewards.derive import RewardBasis
from domain.rewards.events import RewardEvent


class Cache(Protocol):
    """Byte cache with per-key TTL (values are pre-serialised payloads)."""

    async def get(self, key: str) -> bytes | None: ...
    async def get_many(self, *keys: str) -> list[bytes | None]:
        """The values of `keys`, in order (None where missing), in one round trip."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def delete_prefix(self, prefix: str) -> int: ...


class KeyStore(Protocol):
    """Short-lived single-use values (nonces, replay guards)."""

    async def put(self, key: str, value: str, ttl_seconds: float) -> bool:
        """Store unless present; False when the key already exists."""
        ...

    async def get(self, key: str) -> str | None: ...

    async def take(self, key: str) -> str | None:
        """Atomically read and delete: of concurrent callers, exactly one gets the value."""
        ...

    async def swap(self, key: str, value: str) -> str | None:
        """Atomically replace the value of an existing key (its TTL kept) and return the
        previous one; None, and nothing stored, when the key does not exist."""
        ...


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    allowed: bool
    limit: int
    retry_after: int  # seconds until a request would be allowed again; 0 when allowed


class RateLimiter(Protocol):
    async def hit(self, rule: str, key: str) -> RateLimitResult:
        """Count one request for `key` under `rule` (e.g. "10/minute")."""
        ...


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"  # an attempt failed or was interrupted; it will run again
    COMPLETE = "complete"
    FAILED = "failed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class JobInfo:
    id: str
    status: JobStatus
    result: Any = None
    error: str | None = None
    finished_at: datetime | None = None


class JobQueue(Protocol):
    async def enqueue(self, name: str, job_id: str, kwargs: Mapping[str, Any]) -> bool:
        """Queue `name(**kwargs)` under `job_id`; False (and nothing queued) when a job
        with that id is queued, running or finished within the result retention."""
        ...

    async def info(self, job_id: str) -> JobInfo: ...


@dataclass(frozen=True, slots=True)
class ValidatorSet:
    """What one read of a chain's whole validator set gave.

    `validators` are stored as validator rows. A set too big for that (ETH: 1.1M entries)
    streams into the adapter's own index instead (`ValidatorSetIndex`): `validators` is
    then empty, and only the validators someone stakes with or watches are read by id.
    `size` counts the entries read either way."""

    validators: list[Validator]
    size: int


SetProgress = Callable[[int], None]  # entries of the whole set read so far


def no_progress(done: int) -> None:
    pass


class ChainAdapter(Protocol):
    """Reads one chain. Every raw response is validated; failures raise ChainUnavailable
    (the endpoint could not be read) or ChainDataInvalid (it answered something else).

    The ingest treats every chain alike: `fetch_validator_set()`, then the positions of
    the linked wallets, then the details (`fetch_validators(ids)`) of the observed
    validators the set did not list, then their observations and the chain's metrics."""

    chain: Chain

    async def fetch_validator_set(self, progress: SetProgress = no_progress) -> ValidatorSet:
        """The whole validator set. SOL and ATOM list theirs (a few hundred validators);
        ETH streams its 1.1M entries into its `ValidatorSetIndex` and lists none."""
        ...

    async def fetch_validators(self, ids: Sequence[str] | None = None) -> list[Validator]:
        """The validators with these ids, or (None) the whole listed set (a streamed set,
        ETH's, is only read by id)."""
        ...

    async def fetch_positions(self, address: str) -> list[Position]: ...

    async def fetch_metrics(self) -> ChainMetrics: ...

    async def fetch_observations(self, ids: Sequence[str]) -> list[Observation]: ...


@runtime_checkable
class RewardReader(Protocol):
    """A chain adapter that also reads what positions earned (issue 14): the reward
    events of `address`'s `positions` since `basis` (the previous ingest's readings and
    the latest stored events). Events already stored may come again: the store ignores
    them (unique per position and period)."""

    async def fetch_rewards(
        self, address: str, positions: Sequence[Position], basis: RewardBasis
    ) -> list[RewardEvent]: ...


class WithdrawalIndex(Protocol):
    """ETH: which validator indices withdraw to an execution address (the stored set)."""

    async def indices_for(self, address: str) -> list[str]: ...


SetRecord = Sequence[Any]  # one entry of a streamed validator set, in the store's column order


class ValidatorSetIndex(WithdrawalIndex, Protocol):
    """ETH: the stored validator set, replaced wholesale from a stream of batches."""

    async def replace(self, batches: AsyncIterable[Sequence[SetRecord]]) -> int:
        """Replace the stored set with the streamed one (a stream that fails midway leaves
        the old set as it was); the number of entries stored."""
        ...


class ReadInvalidation(Protocol):
    """Drops cached API reads after a write changed them (keys: services/cache_keys.py)."""

    async def invalidate(self, *prefixes: str) -> None: ...

    async def drop(self, *keys: str) -> None:
        """Drop these exact entries (one user's reads: no scan of the key space)."""
        ...


class ChainSourcesPort(Protocol):
    """The chain adapters, the price source and the clock they believe in (settable for
    backfills: a backfilled hour's data is read and stored as of that hour)."""

    @property
    def adapters(self) -> Mapping[Chain, ChainAdapter]: ...

    @property
    def prices(self) -> PriceSource: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...


class PriceSource(Protocol):
    async def fetch_prices(self) -> list[Price]: ...

    async def fetch_daily_closes(
        self, chain: Chain, currency: str, first: date, last: date
    ) -> list[DailyClose]:
        """The closes of the UTC days first..last the price API has (issue 14)."""
        ...
