"""One chain's ingest: validators, positions of every linked wallet, observations of the
validators that matter, chain metrics — each stored as soon as it is read.

A failing step raises after recording the failure with its time in `chain_sync`; the
data it would have replaced stays as it was. Chains are independent: one chain's ingest
never touches another's rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.addresses import shorten
from domain.models import Chain
from infrastructure.cache.reads import CachedReads
from infrastructure.chains.factory import ChainSources
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.logging import get_logger, redact

log = get_logger(__name__)
Progress = Callable[[str, int], None]  # (step, items done so far)
POSITION_FETCHES_IN_FLIGHT = 8  # wallets fetched at once: fast, yet polite to public nodes


def _no_progress(step: str, done: int) -> None:
    pass


@dataclass
class IngestReport:
    chain: Chain
    counts: dict[str, int] = field(default_factory=dict)
    failed_addresses: int = 0


class Ingest:
    def __init__(
        self,
        sources: ChainSources,
        engine: AsyncEngine,
        session_factory: async_sessionmaker[AsyncSession],
        reads: CachedReads | None = None,
    ) -> None:
        self._sources = sources
        self._engine = engine
        self._sessions = session_factory
        self._reads = reads

    async def _changed(self, chain: Chain, *entities: str) -> None:
        """Invalidate cached reads right after a write that changed them."""
        if self._reads is not None:
            prefixes = []
            for entity in entities:  # per-chain entries and the all-chains ones
                prefixes += [f"staketrack:{entity}:{chain.value}:", f"staketrack:{entity}:all:"]
            await self._reads.invalidate(*prefixes)

    async def _write(self, action: Callable[[ChainDataRepository], Any]) -> None:
        async with self._sessions() as session, session.begin():
            await action(ChainDataRepository(session))

    async def _read(self, query: Callable[[ChainDataRepository], Any]) -> Any:
        async with self._sessions() as session:
            return await query(ChainDataRepository(session))

    async def _step(self, chain: Chain, step: str, now: datetime, work: Any) -> Any:
        try:
            result = await work
        except Exception as exc:
            error = redact(f"{type(exc).__name__}: {exc}")  # stored: no full addresses
            await self._write(lambda repo: repo.record_sync(chain, step, now, error=error))
            log.warning("ingest_step_failed", chain=chain.value, step=step, error=error)
            raise
        items = result if isinstance(result, int) else None
        await self._write(lambda repo: repo.record_sync(chain, step, now, items=items))
        return result

    async def run(self, chain: Chain, progress: Progress = _no_progress) -> IngestReport:
        now = self._sources.clock()
        hour = now.replace(minute=0, second=0, microsecond=0)
        report = IngestReport(chain)

        report.counts["validators"] = await self._step(
            chain, "validators", now, self._validators(chain, progress)
        )
        await self._changed(chain, "validators", "validator", "portfolio")
        report.counts["positions"] = await self._step(
            chain, "positions", now, self._positions(chain, report, progress)
        )
        await self._changed(chain, "portfolio", "yield")
        ids = await self._read(
            lambda repo: (
                repo.watched_ids(chain) if chain is Chain.ETH else repo.validator_ids(chain)
            )
        )
        report.counts["observations"] = await self._step(
            chain, "observations", now, self._observations(chain, ids, hour)
        )
        await self._changed(chain, "validator")
        progress("observations", report.counts["observations"])
        await self.metrics(chain)
        progress("metrics", 1)
        log.info("ingested", chain=chain.value, **report.counts)
        return report

    async def _validators(self, chain: Chain, progress: Progress) -> int:
        adapter = self._sources.adapters[chain]
        if chain is Chain.ETH:
            from infrastructure.db.eth_validator_set import replace_validator_set

            count = await replace_validator_set(
                self._engine,
                _counted(adapter.stream_validator_set(), progress),  # type: ignore[attr-defined]
            )
            return int(count)
        validators = await adapter.fetch_validators()
        await self._write(lambda repo: repo.upsert_validators(validators))
        progress("validators", len(validators))
        return len(validators)

    async def _positions(self, chain: Chain, report: IngestReport, progress: Progress) -> int:
        adapter = self._sources.adapters[chain]
        addresses = await self._read(lambda repo: repo.linked_addresses(chain))
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
                        error=str(exc),
                    )
                    return
                await self._write(
                    lambda repo: repo.replace_positions(chain, address, positions, started)
                )
            stored += len(positions)
            done += 1
            progress("positions", done)

        await asyncio.gather(*(one(address) for address in addresses))
        if addresses and report.failed_addresses == len(addresses):
            raise RuntimeError(f"positions failed for all {len(addresses)} wallets")
        return stored

    async def _observations(self, chain: Chain, ids: list[str], hour: datetime) -> int:
        if not ids:
            return 0
        adapter = self._sources.adapters[chain]
        if chain is Chain.ETH:  # keep the staked/watched ETH validators' details fresh
            validators = await adapter.fetch_validators(ids)
            await self._write(lambda repo: repo.upsert_validators(validators))
        observations = await adapter.fetch_observations(ids)
        await self._write(lambda repo: repo.add_observations(observations, hour))
        return len(observations)

    async def backfill(self, chain: Chain, ids: list[str], hour: datetime) -> int:
        """Observations and metrics as of `hour` (the sources' clock must say so)."""
        observations = await self._sources.adapters[chain].fetch_observations(ids) if ids else []
        metrics = await self._sources.adapters[chain].fetch_metrics()
        await self._write(lambda repo: repo.add_observations(observations, hour))
        await self._write(lambda repo: repo.add_metrics(metrics, hour))
        return len(observations)

    async def wallet_positions(self, chain: Chain, address: str) -> int:
        """Fetch one wallet's positions now (a wallet was just linked)."""
        started = self._sources.clock()
        positions = await self._sources.adapters[chain].fetch_positions(address)
        await self._write(lambda repo: repo.replace_positions(chain, address, positions, started))
        await self._changed(chain, "portfolio", "yield")
        return len(positions)

    async def validator_ids(self, chain: Chain) -> list[str]:
        ids: list[str] = await self._read(lambda repo: repo.validator_ids(chain))
        return ids

    async def metrics(self, chain: Chain) -> int:
        """Chain metrics alone (the daily step)."""
        now = self._sources.clock()
        metrics = await self._step(
            chain, "metrics", now, self._sources.adapters[chain].fetch_metrics()
        )
        hour = now.replace(minute=0, second=0, microsecond=0)
        await self._write(lambda repo: repo.add_metrics(metrics, hour))
        return 1

    async def prices(self) -> int:
        prices = await self._sources.prices.fetch_prices()
        await self._write(lambda repo: repo.add_prices(prices))
        return len(prices)


async def _counted(
    batches: AsyncIterator[list[Any]], progress: Progress
) -> AsyncIterator[list[Any]]:
    done = 0
    async for batch in batches:
        done += len(batch)
        progress("validators", done)
        yield batch
