"""The demo seed use case: fetch every chain now, backfill `days` of daily history from
the demo network, and score it as the hourly pipeline would have — for all SOL and ATOM
validators and the demo wallets' ETH validators.

Then the linked wallets' reward events of the last 30 days, as the hourly ingest would
have stored them, and the daily closes that value them.

Fast: every day is read into memory first, then each chain's history is written in one
transaction, and each chain is scored once for all the days shown (observations read
once). Safe beside a running server: the seed marker (services/seed_lock.py) makes the
pipeline's VRS step wait until the history is whole.

Called by `staketrack demo seed` (api/cli_chains.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from domain.models import Chain
from domain.ports import Cache, ReadInvalidation
from infrastructure.chains.factory import ChainSources
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from infrastructure.resources import open_resources
from infrastructure.settings import Settings
from services import price_closes, seed_lock, vrs
from services.ingest import HistoryHour, Ingest, as_hour
from services.reward_ingest import backfill_rewards

# risk scores are computed as of each of the last seeded days: the pro tier's 30-day
# history plus the 7 days before it that its drop flag looks back on
VRS_SEED_DAYS = 37
# the linked wallets' rewards: the free tier's 30 days (ETH balances are read per epoch)
REWARD_SEED_DAYS = 30
PHASES = ("fetch", "history", "store", "scores", "rewards")  # in order; progress names them
HISTORY_PART_DAYS = 8  # days read by one part (a pool runs parts at once)
SeedProgress = Callable[[str, int, int], None]  # (phase, done, total)
T = TypeVar("T")
log = get_logger(__name__)


def no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class SeedReport:
    fetched_at: datetime
    days: int
    observations: dict[Chain, int] = field(default_factory=dict)  # stored per chain
    rewards: int = 0  # reward events stored (the linked wallets' positions)
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
    *,
    pool: ProcessPool | None = None,
    wall_clock: Callable[[], datetime] = seed_lock.wall_clock,
) -> SeedReport:
    """Seed `days` of history up to now; `eth_validators` names the ETH validators to
    backfill (asked after the fetch: the demo wallets' validators). With a process
    `pool` the days are read, and the moments scored, in parts at once. The rewards of
    the linked wallets are backfilled over the last REWARD_SEED_DAYS (at most `days`), as
    the hourly ingest would have stored them, then the daily closes of their span."""
    chains = list(Chain)
    fanout = _Fanout(pool, _Deps(sources, uow, cache, reads))
    await seed_lock.begin(uow, chains, wall_clock())
    try:
        report = await _seed(
            sources, uow, reads, days, eth_validators, progress, fanout, wall_clock
        )
        report.rewards = await _rewards(
            sources, uow, reads, report.fetched_at, min(days, REWARD_SEED_DAYS), progress
        )
    except BaseException as exc:
        await seed_lock.end(uow, chains, wall_clock(), error=type(exc).__name__)
        raise
    await seed_lock.end(uow, chains, wall_clock())
    return report


async def _seed(
    sources: ChainSources,
    uow: Callable[[], SqlUnitOfWork],
    reads: ReadInvalidation,
    days: int,
    eth_validators: Callable[[], Awaitable[list[str]]],
    progress: SeedProgress,
    fanout: _Fanout,
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
    ats = [now - timedelta(days=day) for day in range(days, -1, -1)]  # down to today
    progress("history", 0, len(ats))
    done = 0
    parts = [(ids, ats[i : i + HISTORY_PART_DAYS]) for i in range(0, len(ats), HISTORY_PART_DAYS)]
    async for part in fanout.map_parts(_read_days, parts):
        for chain, hours in part.items():
            history[chain].extend(hours)
        done += len(part[Chain.ETH])
        progress("history", done, len(ats))
        await seed_lock.renew(uow, chains, wall_clock())

    progress("store", 0, len(chains))
    for done, chain in enumerate(chains, 1):
        hours = sorted(history.pop(chain), key=lambda h: h.hour)
        report.observations[chain] = await ingest.store_history(chain, hours)
        progress("store", done, len(chains))

    moments = _moments(now, days)
    report.score_days = len(moments)
    writers = fanout.size if fanout.concurrent_writers else 1
    scoring = [(chain, part) for chain in chains for part in _split(moments, writers)]
    progress("scores", 0, len(scoring))
    done = 0
    async for scored in fanout.map_parts(_score, scoring, writes=True):
        report.scores += scored
        done += 1
        progress("scores", done, len(scoring))
        await seed_lock.renew(uow, chains, wall_clock())
    return report


async def _rewards(
    sources: ChainSources,
    uow: Callable[[], SqlUnitOfWork],
    reads: ReadInvalidation,
    now: datetime,
    days: int,
    progress: SeedProgress,
) -> int:
    """The linked wallets' reward events of the `days` before `now` (the seed's fetch:
    services.reward_ingest ends each wallet's at its stored reading), then the daily
    closes that value them."""
    todo = []
    async with uow() as work:
        for chain in Chain:
            todo += [(chain, a) for a in await work.chain_data.linked_addresses(chain)]
    stored = 0
    progress("rewards", 0, len(todo) + 1)
    for done, (chain, address) in enumerate(todo, 1):
        try:
            stored += await backfill_rewards(
                sources, uow, chain, address, now - timedelta(days=days)
            )
        except Exception as exc:  # one wallet's history never stops the seed
            log.warning("seed_rewards_failed", chain=chain.value, error=type(exc).__name__)
        progress("rewards", done, len(todo) + 1)
    await price_closes.refresh(uow, sources.prices, now, reads)
    progress("rewards", len(todo) + 1, len(todo) + 1)
    return stored


def _moments(now: datetime, days: int) -> Sequence[datetime]:
    """As of each backfilled day's hour, as the hourly pipeline would have scored."""
    return [now - timedelta(days=day) for day in range(min(days, VRS_SEED_DAYS), -1, -1)]


def _split(items: Sequence[T], parts: int) -> list[list[T]]:
    """`items` dealt round-robin into `parts` non-empty lists (each part gets a share of
    the early moments, with few days behind them, and of the late ones)."""
    return [list(items[i::parts]) for i in range(min(parts, len(items)))]


# --- the parts: run here, or in a pool's processes ------------------------------------------


@dataclass(frozen=True)
class _Deps:
    sources: ChainSources
    uow: Callable[[], SqlUnitOfWork]
    cache: Cache
    reads: ReadInvalidation


async def _read_days(
    deps: _Deps, ids: dict[Chain, list[str]], ats: list[datetime]
) -> dict[Chain, list[HistoryHour]]:
    """The chains' observations and metrics as of each of `ats` (read, not stored)."""
    ingest = Ingest(deps.sources, deps.uow, deps.reads)
    found: dict[Chain, list[HistoryHour]] = {chain: [] for chain in Chain}
    try:
        for at in ats:
            deps.sources.clock.fixed = at
            for chain in Chain:
                found[chain].append(await ingest.read_history(chain, ids[chain], as_hour(at)))
    finally:
        deps.sources.clock.fixed = None
    return found


async def _score(deps: _Deps, chain: Chain, moments: list[datetime]) -> int:
    run = await vrs.score_chain(deps.uow, deps.cache, deps.reads, chain, moments, seed=True)
    return run.scored


@dataclass(frozen=True)
class ProcessPool:
    """Processes to run parts of the seed in: each opens the database and the demo
    network from `settings` (the seed's own)."""

    executor: Executor
    size: int
    settings: Settings
    # several processes may write at once (PostgreSQL); SQLite takes one writer at a
    # time and a scoring part holds it while it computes: the seed scores here instead
    concurrent_writers: bool = False


class _Fanout:
    """Runs parts of the seed one after the other here, or at once in a process pool;
    yields their results as they finish."""

    def __init__(self, pool: ProcessPool | None, here: _Deps) -> None:
        self._pool, self._here = pool, here
        self.size = pool.size if pool is not None else 1
        self.concurrent_writers = pool is not None and pool.concurrent_writers

    async def map_parts(
        self,
        work: Callable[..., Awaitable[T]],
        parts: Sequence[tuple[Any, ...]],
        writes: bool = False,
    ) -> AsyncIterator[T]:
        pool = self._pool
        if pool is None or (writes and not self.concurrent_writers):
            for args in parts:
                yield await work(self._here, *args)
            return
        loop = asyncio.get_running_loop()
        futures = [
            loop.run_in_executor(pool.executor, _in_process, pool.settings, work, args)
            for args in parts
        ]
        for next_done in asyncio.as_completed(futures):
            yield await next_done


# a pool process's own event loop and resources, opened by its first part and kept for
# the next ones (the demo network's worlds are built once per process)
_process: tuple[asyncio.AbstractEventLoop, _Deps] | None = None


def _in_process(settings: Settings, work: Callable[..., Awaitable[T]], args: tuple[Any, ...]) -> T:
    """A part in a pool's process."""
    global _process
    if _process is None:
        loop = asyncio.new_event_loop()
        resources = open_resources(settings)
        deps = _Deps(
            resources.chains(),
            lambda: SqlUnitOfWork(resources.session_factory),
            resources.cache,
            resources.reads,
        )
        _process = (loop, deps)  # closed with the process (the seed's pool ends with it)
    loop, deps = _process
    return loop.run_until_complete(work(deps, *args))
