"""Ingest use cases: one chain's hourly fetch, one wallet's positions, metrics, prices,
backfilled hours (read, then stored per chain at once), and a live positions lookup (CLI).

One chain's ingest: the validator set, the positions of every linked wallet, the
observations of the validators that matter, the chain metrics — each stored as soon as
it is read. Every chain goes through the same steps (`ChainAdapter`: ETH streams its set
into its own index, SOL and ATOM list theirs); no step asks which chain it is.

A failing step raises after recording the failure with its time in `chain_sync`; the
data it would have replaced stays as it was. Chains are independent: one chain's ingest
never touches another's rows. Every write drops the cached reads it changed
(`cache_keys.chain_prefixes`).

Called by: workers/jobs/fetch.py (fetch_chain, fetch_wallet_positions, fetch_metrics,
fetch_prices; the pipeline's fetch step) and api/cli_chains.py (`staketrack fetch`,
`staketrack positions`, `staketrack demo seed`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from domain.addresses import shorten
from domain.chains import ChainMetrics, Observation, Position
from domain.ingest import IngestReport, LivePositions, Progress, no_progress
from domain.models import Chain, LinkedWallet
from domain.ports import ChainSourcesPort, ReadInvalidation, RewardReader
from domain.rewards.derive import RewardBasis
from domain.rewards.events import RewardEvent
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger, redact
from services import cache_keys
from services.cache_keys import Entity

log = get_logger(__name__)
T = TypeVar("T")
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]
POSITION_FETCHES_IN_FLIGHT = 8  # wallets fetched at once: fast, yet polite to public nodes


def as_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class HistoryHour:
    """A backfilled hour of one chain, read and not yet stored."""

    hour: datetime
    observations: list[Observation]
    metrics: ChainMetrics


class Ingest:
    """The ingest use cases over the chain sources, a unit of work per write, and the
    cached reads to drop (None: nothing cached, e.g. a test)."""

    def __init__(
        self,
        sources: ChainSourcesPort,
        uow: UnitOfWorkFactory,
        reads: ReadInvalidation | None = None,
    ) -> None:
        self._sources = sources
        self._uow = uow
        self._reads = reads

    # --- plumbing ------------------------------------------------------------------------

    async def _changed(self, chain: Chain, *entities: Entity) -> None:
        """Invalidate cached reads right after a write that changed them."""
        if self._reads is not None:
            await self._reads.invalidate(*cache_keys.chain_prefixes(chain.value, entities))

    async def _write(self, action: Callable[[SqlUnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            result = await action(uow)
            await uow.commit()
            return result

    async def _read(self, query: Callable[[SqlUnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            return await query(uow)

    async def _step(
        self, chain: Chain, step: str, now: datetime, work: Coroutine[Any, Any, T]
    ) -> T:
        try:
            result = await work
        except Exception as exc:
            error = redact(f"{type(exc).__name__}: {exc}")  # stored: no full addresses
            await self._write(lambda uow: uow.chain_data.record_sync(chain, step, now, error=error))
            log.warning("ingest_step_failed", chain=chain.value, step=step, error=error)
            raise
        items = result if isinstance(result, int) else None
        await self._write(lambda uow: uow.chain_data.record_sync(chain, step, now, items=items))
        return result

    # --- one chain, every hour -------------------------------------------------------------

    async def run(self, chain: Chain, progress: Progress = no_progress) -> IngestReport:
        now = self._sources.clock()
        report = IngestReport(chain)
        listed: list[str] = []

        report.counts["validators"] = await self._step(
            chain, "validators", now, self._validator_set(chain, listed, progress)
        )
        await self._changed(chain, "validators", "validator", "portfolio")
        report.counts["positions"] = await self._step(
            chain, "positions", now, self._positions(chain, report, progress)
        )
        await self._changed(chain, "portfolio", "yield")
        report.counts["observations"] = await self._step(
            chain, "observations", now, self._observations(chain, listed, as_hour(now))
        )
        await self._changed(chain, "validator")
        progress("observations", report.counts["observations"])
        await self.metrics(chain)
        progress("metrics", 1)
        log.info("ingested", chain=chain.value, **report.counts)
        return report

    async def _validator_set(self, chain: Chain, listed: list[str], progress: Progress) -> int:
        """The whole set: listed validators are stored as rows (and their ids noted in
        `listed`); a streamed set went to the adapter's own index."""
        whole = await self._sources.adapters[chain].fetch_validator_set(
            lambda done: progress("validators", done)
        )
        if whole.validators:
            await self._write(lambda uow: uow.chain_data.upsert_validators(whole.validators))
        listed.extend(v.address for v in whole.validators)
        return whole.size

    async def _positions(self, chain: Chain, report: IngestReport, progress: Progress) -> int:
        adapter = self._sources.adapters[chain]
        addresses = await self._read(lambda uow: uow.chain_data.linked_addresses(chain))
        slots = asyncio.Semaphore(POSITION_FETCHES_IN_FLIGHT)
        stored = done = 0

        async def one(address: str) -> None:
            nonlocal stored, done
            async with slots:
                started = self._sources.clock()
                try:
                    positions = await adapter.fetch_positions(address)
                except Exception as exc:  # one bad wallet must not hold up everyone else's
                    report.failed_addresses += 1
                    log.warning(
                        "positions_failed",
                        chain=chain.value,
                        wallet=shorten(address),
                        error=redact(str(exc)),
                    )
                    return
                events, basis = await self._rewards(chain, address, positions)
                await self._write(
                    lambda uow: self._store(uow, chain, address, positions, started, events, basis)
                )
            stored += len(positions)
            done += 1
            progress("positions", done)

        await asyncio.gather(*(one(address) for address in addresses))
        if addresses and report.failed_addresses == len(addresses):
            raise RuntimeError(f"positions failed for all {len(addresses)} wallets")
        return stored

    async def _observations(self, chain: Chain, listed: Iterable[str], hour: datetime) -> int:
        """Observations of the listed validators and of those someone stakes with or
        watches; the details of the latter that the set did not list (all of a streamed
        set's) are read by id first, so they stay fresh too."""
        watched = await self._read(lambda uow: uow.chain_data.watched_ids(chain))
        known = set(listed)
        ids = sorted(known | set(watched))
        if not ids:
            return 0
        adapter = self._sources.adapters[chain]
        unlisted = [i for i in ids if i not in known]
        if unlisted:
            validators = await adapter.fetch_validators(unlisted)
            await self._write(lambda uow: uow.chain_data.upsert_validators(validators))
        observations = await adapter.fetch_observations(ids)
        await self._write(lambda uow: uow.chain_data.add_observations(observations, hour))
        return len(observations)

    # --- rewards (issue 14) -------------------------------------------------------------------

    async def _rewards(
        self, chain: Chain, address: str, positions: Sequence[Position]
    ) -> tuple[list[RewardEvent], RewardBasis | None]:
        """The reward events of a wallet's just-read positions since the previous ingest;
        none when the chain's adapter reads no rewards or the read fails (the positions
        are stored all the same: the chain and an error code are logged, no address)."""
        adapter = self._sources.adapters[chain]
        if not isinstance(adapter, RewardReader):
            return [], None
        try:
            basis = await self._read(lambda uow: uow.reward_events.basis(chain, address))
            return await adapter.fetch_rewards(address, positions, basis), basis
        except Exception as exc:
            code = getattr(exc, "code", None) or type(exc).__name__
            log.warning("rewards_failed", chain=chain.value, code=code)
            return [], None

    @staticmethod
    async def _store(
        uow: SqlUnitOfWork,
        chain: Chain,
        address: str,
        positions: Sequence[Position],
        started: datetime,
        events: Sequence[RewardEvent],
        basis: RewardBasis | None,
    ) -> bool:
        """Store the events and the positions together. Events derived from the previous
        readings (ETH, ATOM: no epoch) are dropped when another ingest stored newer
        readings meanwhile: that one counted the interval (never twice). Epoch events
        (SOL) are keyed by their epoch and always safe to offer."""
        if events and basis is not None:
            if not await uow.reward_events.basis_holds(chain, address, basis.read_at):
                events = [e for e in events if e.epoch is not None]
            await uow.reward_events.add_many(events)
        return await uow.chain_data.replace_positions(chain, address, positions, started)

    # --- the other use cases -----------------------------------------------------------------

    async def read_history(self, chain: Chain, ids: list[str], hour: datetime) -> HistoryHour:
        """Observations and metrics as of `hour` (the sources' clock must say so), read and
        not stored: a backfill stores its hours together (`store_history`)."""
        adapter = self._sources.adapters[chain]
        observations = await adapter.fetch_observations(ids) if ids else []
        return HistoryHour(hour, observations, await adapter.fetch_metrics())

    async def store_history(self, chain: Chain, hours: Sequence[HistoryHour]) -> int:
        """Store backfilled hours of one chain in one transaction: a reader sees none of
        them or all. Returns the observations stored."""

        async def store(uow: SqlUnitOfWork) -> int:
            for h in hours:
                await uow.chain_data.add_observations(h.observations, h.hour)
                await uow.chain_data.add_metrics(h.metrics, h.hour)
            return sum(len(h.observations) for h in hours)

        stored = await self._write(store)
        await self._changed(chain, "validator")
        return stored

    async def wallet_positions(self, chain: Chain, address: str) -> int:
        """Fetch one wallet's positions now (a wallet was just linked). Only its owner's
        cached reads show them: those are dropped (by exact key), nobody else's."""
        started = self._sources.clock()
        positions = await self._sources.adapters[chain].fetch_positions(address)
        events, basis = await self._rewards(chain, address, positions)

        async def store(uow: SqlUnitOfWork) -> LinkedWallet | None:
            await self._store(uow, chain, address, positions, started, events, basis)
            return await uow.wallets.owner_of(chain, address)

        owner = await self._write(store)
        if owner is not None and self._reads is not None:
            await self._reads.drop(*cache_keys.user_reads(owner.user_id))
        return len(positions)

    async def linked_wallet_positions(self, wallet_id: uuid.UUID) -> int:
        """`wallet_positions` of a linked wallet by id; 0 when it was unlinked meanwhile."""
        wallet = await self._read(lambda uow: uow.wallets.get(wallet_id))
        if wallet is None:
            return 0
        return await self.wallet_positions(wallet.chain, wallet.address)

    async def validator_ids(self, chain: Chain) -> list[str]:
        return await self._read(lambda uow: uow.chain_data.validator_ids(chain))

    async def metrics(self, chain: Chain) -> int:
        """Chain metrics alone (the daily step)."""
        now = self._sources.clock()
        metrics = await self._step(
            chain, "metrics", now, self._sources.adapters[chain].fetch_metrics()
        )
        await self._write(lambda uow: uow.chain_data.add_metrics(metrics, as_hour(now)))
        return 1

    async def prices(self) -> int:
        prices = await self._sources.prices.fetch_prices()
        await self._write(lambda uow: uow.chain_data.add_prices(prices))
        return len(prices)

    async def live_positions(self, chain: Chain, address: str) -> LivePositions:
        """An address's positions read now (nothing stored), with the validators and
        prices a fetch stored before (`staketrack positions`)."""
        found = await self._sources.adapters[chain].fetch_positions(address)

        async def stored(uow: SqlUnitOfWork) -> LivePositions:
            known = await uow.chain_data.validators_by_id(
                sorted({(chain.value, p.validator) for p in found})
            )
            validators = {ident: v for (_, ident), v in known.items()}
            prices = await uow.chain_data.latest_prices()
            return LivePositions(chain, address, found, validators, prices)

        return await self._read(stored)
