"""The demo seed use case: fetch every chain now, backfill `days` of daily history from
the demo network, and score it as the hourly pipeline would have — for all SOL and ATOM
validators and the demo wallets' ETH validators.

Fast: every day is read into memory first, then each chain's history is written in one
transaction, and each chain is scored once for all the days shown (observations read
once). Safe beside a running server: the seed marker (services/seed_lock.py) makes the
pipeline's VRS step wait until the history is whole.

Called by `staketrack demo seed` (api/cli_chains.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.models import Chain
from domain.ports import Cache, ReadInvalidation
from infrastructure.chains.factory import ChainSources
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import redact
from services import seed_lock, vrs
from services.ingest import HistoryHour, Ingest, as_hour

# risk scores are computed as of each of the last seeded days: the pro tier's 30-day
# history plus the 7 days before it that its drop flag looks back on
VRS_SEED_DAYS = 37
PHASES = ("fetch", "history", "store", "scores")  # in order; progress names them
SeedProgress = Callable[[str, int, int], None]  # (phase, done, total)


def no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class SeedReport:
    fetched_at: datetime
    days: int
    observations: dict[Chain, int] = field(default_factory=dict)  # stored per chain
    scores: int = 0  # scored (not pending) validator-hours
    score_days: int = 0  # the days scored, today included


async def seed_demo(
    sources: ChainSources,
    uow: Callable[[], SqlUnitOfWork],
    cache: Cache,
    reads: ReadInvalidation,
    days: int,
    eth_validators: Callable[[], Awaitable[list[str]]],
    progress: SeedProgress = no_progress,
    wall_clock: Callable[[], datetime] = seed_lock.wall_clock,
) -> SeedReport:
    """Seed `days` of history up to now; `eth_validators` names the ETH validators to
    backfill (asked after the fetch: the demo wallets' validators)."""
    chains = list(Chain)
    await seed_lock.begin(uow, chains, wall_clock())
    try:
        report = await _seed(sources, uow, cache, reads, days, eth_validators, progress, wall_clock)
    except BaseException as exc:
        await seed_lock.end(uow, chains, wall_clock(), error=redact(f"{type(exc).__name__}"))
        raise
    await seed_lock.end(uow, chains, wall_clock())
    return report


async def _seed(
    sources: ChainSources,
    uow: Callable[[], SqlUnitOfWork],
    cache: Cache,
    reads: ReadInvalidation,
    days: int,
    eth_validators: Callable[[], Awaitable[list[str]]],
    progress: SeedProgress,
    wall_clock: Callable[[], datetime],
) -> SeedReport:
    chains = list(Chain)
    ingest = Ingest(sources, uow, reads)
    progress("fetch", 0, len(chains) + 1)
    for done, chain in enumerate(chains, 1):
        await ingest.run(chain)
        progress("fetch", done, len(chains) + 1)
    await ingest.prices()
    progress("fetch", len(chains) + 1, len(chains) + 1)

    ids = {Chain.ETH: await eth_validators()}
    for chain in (Chain.SOL, Chain.ATOM):
        ids[chain] = await ingest.validator_ids(chain)
    now = sources.clock()
    report = SeedReport(fetched_at=now, days=days)
    history: dict[Chain, list[HistoryHour]] = {chain: [] for chain in chains}
    progress("history", 0, days + 1)
    try:
        for done, day in enumerate(range(days, -1, -1), 1):  # down to today
            at = now - timedelta(days=day)
            sources.clock.fixed = at
            for chain in chains:
                history[chain].append(await ingest.read_history(chain, ids[chain], as_hour(at)))
            progress("history", done, days + 1)
            await seed_lock.renew(uow, chains, wall_clock())
    finally:
        sources.clock.fixed = None

    progress("store", 0, len(chains))
    for done, chain in enumerate(chains, 1):
        report.observations[chain] = await ingest.store_history(chain, history.pop(chain))
        progress("store", done, len(chains))

    moments = _moments(now, days)
    report.score_days = len(moments)
    progress("scores", 0, len(chains))
    for done, chain in enumerate(chains, 1):
        await seed_lock.renew(uow, chains, wall_clock())
        run = await vrs.score_chain(uow, cache, reads, chain, moments, seed=True)
        report.scores += run.scored
        progress("scores", done, len(chains))
    return report


def _moments(now: datetime, days: int) -> Sequence[datetime]:
    """As of each backfilled day's hour, as the hourly pipeline would have scored."""
    return [now - timedelta(days=day) for day in range(min(days, VRS_SEED_DAYS), -1, -1)]
