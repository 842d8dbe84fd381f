"""How ready the service is to answer with current chain data: per chain, the last
successful pipeline run (fetch → VRS → yield) and whether it is too long ago.

A chain is
- `ok`: its last run succeeded, within STALE_AFTER (2 hours);
- `failing`: its last run failed, but the data is still fresh (or, never fetched,
  the process started less than STALE_AFTER ago): the next run may well succeed;
- `pending`: never run yet, and the process started less than STALE_AFTER ago (a fresh
  install catches up at start-up);
- `stale`: no success for more than STALE_AFTER (or never, past that grace period).

A stale chain degrades readiness (200, `status: degraded`): the API still serves the
last known data, so a load balancer must keep it in rotation. Only a database outage
makes it unready (503).

The job runner (`jobs`): `unknown` when its heartbeat cannot be read, `stale` without
a heartbeat (no runner), `failing` when it runs but a chain's pipeline is failing or
stale, else `ok`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from domain.chains import ChainSync
from domain.freshness import STALE_AFTER, FetchError, freshness
from domain.models import Chain

PIPELINE_STEP = "pipeline"  # the chain_sync step recording whole pipeline runs
JobsStatus = Literal["ok", "failing", "stale", "unknown"]


class ChainStatus(StrEnum):
    OK = "ok"
    FAILING = "failing"
    PENDING = "pending"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class ChainReadiness:
    chain: Chain
    status: ChainStatus
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    error: FetchError | None  # the last run's failure, when it came after the last success


def chain_readiness(
    chain: Chain, run: ChainSync | None, now: datetime, started_at: datetime
) -> ChainReadiness:
    fresh = freshness(run, now)
    if not fresh.stale:
        status = ChainStatus.FAILING if fresh.last_error else ChainStatus.OK
    elif fresh.fetched_at is None and now - started_at <= STALE_AFTER:
        status = ChainStatus.FAILING if fresh.last_error else ChainStatus.PENDING
    else:
        status = ChainStatus.STALE
    return ChainReadiness(
        chain=chain,
        status=status,
        last_success_at=fresh.fetched_at,
        last_attempt_at=run.last_attempt_at if run else None,
        error=fresh.last_error,
    )


def readiness_by_chain(
    runs: Mapping[str, ChainSync], now: datetime, started_at: datetime
) -> list[ChainReadiness]:
    """Every chain, in the enum's order (a chain never run has no record)."""
    return [chain_readiness(chain, runs.get(chain.value), now, started_at) for chain in Chain]


def degraded(chains: Iterable[ChainReadiness]) -> bool:
    return any(c.status is ChainStatus.STALE for c in chains)


def jobs_status(heartbeat: bool | None, chains: Iterable[ChainReadiness]) -> JobsStatus:
    """`heartbeat`: whether the runner's heartbeat is there (None: unreadable)."""
    if heartbeat is None:
        return "unknown"
    if not heartbeat:
        return "stale"
    if any(c.status in (ChainStatus.FAILING, ChainStatus.STALE) for c in chains):
        return "failing"
    return "ok"
