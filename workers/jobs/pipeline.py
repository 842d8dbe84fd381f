"""The hourly pipeline of one chain: fetch, then the steps that build on fresh data
(VRS, yield, alerts register themselves in AFTER_FETCH), each only after the previous
one succeeded. One job per (chain, hour): the cron tick, the start-up catch-up and a
manual trigger all enqueue the same id, so the work happens once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from domain.models import Chain
from infrastructure.db.models import ValidatorObservationRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.logging import get_logger
from workers.context import JobDeps, JobFunction
from workers.ids import Period, job_id
from workers.jobs.fetch import fetch_chain
from workers.jobs.vrs import compute_vrs
from workers.jobs.yields import compute_yield

log = get_logger(__name__)

# (step name, fn(deps, chain=...)) run in order after a successful fetch; the VRS step
# goes before yield (the yield's slashing factor is to come from the VRS score)
AFTER_FETCH: list[tuple[str, JobFunction]] = [("vrs", compute_vrs), ("yield", compute_yield)]
FRESH_FOR = timedelta(hours=1)
OBSERVATIONS_KEPT = timedelta(days=90)


async def run_pipeline(deps: JobDeps, chain: str) -> dict[str, Any]:
    results: dict[str, Any] = {"fetch": await fetch_chain(deps, chain)}
    for step, function in AFTER_FETCH:
        results[step] = await function(deps, chain=chain)
    return results


async def _enqueue_pipeline(deps: JobDeps, chain: Chain, now: datetime) -> str:
    assert deps.queue is not None, "pipeline triggers run inside a job runner"
    jid = job_id("pipeline", chain.value, now, Period.HOUR)
    await deps.queue.enqueue("pipeline", jid, {"chain": chain.value})
    return jid


async def schedule_pipeline(deps: JobDeps, chain: str) -> str:
    """The cron tick: start this hour's pipeline for `chain` (once)."""
    return await _enqueue_pipeline(deps, Chain(chain), datetime.now(UTC))


async def catch_up(deps: JobDeps) -> list[str]:
    """At start-up: a chain never fetched, or not within the last hour, starts now."""
    now = datetime.now(UTC)
    async with deps.resources.session_factory() as session:
        synced = await ChainDataRepository(session).sync_by_chain("positions")
    started = []
    for chain in Chain:
        last = synced.get(chain.value)
        if last is None or last.last_success_at is None or now - last.last_success_at > FRESH_FOR:
            started.append(await _enqueue_pipeline(deps, chain, now))
    if started:
        log.info("catch_up", started=started)
    return started


async def prune_observations(deps: JobDeps) -> int:
    """Observations feed the risk score for 90 days, then go."""
    cutoff = datetime.now(UTC) - OBSERVATIONS_KEPT
    async with deps.resources.session_factory() as session, session.begin():
        result = await session.execute(
            delete(ValidatorObservationRow).where(ValidatorObservationRow.observed_at < cutoff)
        )
    return int(getattr(result, "rowcount", 0) or 0)
