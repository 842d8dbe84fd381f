"""The demo seed's marker: while `staketrack demo seed` writes a chain's history, the
pipeline's VRS step must not score that chain (a score from half a history is immutable
and wrong: 27 data days and low confidence where the seed would give 90 and high).

The marker is the chain's `seed` row in `chain_sync`: started (`last_attempt_at`) and
not yet ended (`last_success_at` / `last_error_at` older). The seed renews it as it goes;
one not renewed for SEED_STALE_AFTER (a seed killed outright) no longer holds anyone up.

Called by services/demo_seed.py (begin, renew, end) and services/vrs.py (`score_chain`
asks `running` before it scores and again before it stores).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from domain.chains import ChainSync
from domain.models import Chain
from infrastructure.db.uow import SqlUnitOfWork

SEED_STEP = "seed"
SEED_STALE_AFTER = timedelta(minutes=10)  # the seed renews it every day it backfills
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]


def wall_clock() -> datetime:
    return datetime.now(UTC)


def holds(sync: ChainSync | None, now: datetime) -> bool:
    """Is this `seed` row a seed still running as of `now`?"""
    if sync is None or sync.last_attempt_at is None:
        return False
    ends = [t for t in (sync.last_success_at, sync.last_error_at) if t is not None]
    if ends and max(ends) >= sync.last_attempt_at:
        return False
    return now - sync.last_attempt_at < SEED_STALE_AFTER


async def begin(uow: UnitOfWorkFactory, chains: Iterable[Chain], at: datetime) -> None:
    """Mark (or renew the mark of) a seed running on `chains`."""
    async with uow() as work:
        for chain in chains:
            await work.chain_data.record_attempt(chain, SEED_STEP, at)
        await work.commit()


renew = begin


async def end(
    uow: UnitOfWorkFactory, chains: Iterable[Chain], at: datetime, error: str | None = None
) -> None:
    async with uow() as work:
        for chain in chains:
            await work.chain_data.record_sync(chain, SEED_STEP, at, error=error)
        await work.commit()


async def running_in(work: SqlUnitOfWork, chain: Chain, now: datetime | None = None) -> bool:
    synced = await work.chain_data.sync_by_chain(SEED_STEP)
    return holds(synced.get(chain.value), now or wall_clock())


async def running(uow: UnitOfWorkFactory, chain: Chain, now: datetime | None = None) -> bool:
    """Is a demo seed writing `chain`'s history right now?"""
    async with uow() as work:
        return await running_in(work, chain, now)
