"""The pipeline's VRS step: score every validator of a chain that has observations, store
the scores (append-only, one per validator and hour: a re-run inserts nothing), then drop
the cached VRS reads of that chain."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.models import Chain
from domain.vrs import VrsScore, VrsStatus, score_validator
from infrastructure.cache import vrs_context
from infrastructure.db.repositories.vrs import VrsConfigRepository, VrsScoreRepository
from infrastructure.db.repositories.vrs_inputs import VrsInputs
from infrastructure.logging import get_logger
from services import cache_keys
from workers.context import JobDeps

log = get_logger(__name__)


def as_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


async def score_chain(deps: JobDeps, chain: Chain, moments: Sequence[datetime]) -> dict[str, int]:
    """Score the chain's validators as of each of `moments` (the pipeline passes one; the
    demo seed a day's worth each) reading the observations once, one validator at a time."""
    moments = sorted({as_hour(m) for m in moments})
    scores: list[VrsScore] = []
    if not moments:
        return {"scored": 0, "pending": 0, "inserted": 0}
    async with deps.uow() as uow:
        session = uow.session
        config = await VrsConfigRepository(session).get()
        since, until = moments[0] - timedelta(days=config.horizon_days), moments[-1]
        inputs = VrsInputs(session)
        memo = await vrs_context.load(deps.cache, chain.value)
        context = await inputs.context(chain, since, until, memo)
        await vrs_context.store(deps.cache, chain.value, memo)
        async for validator, observations in inputs.observations(chain, since, until):
            for moment in moments:
                score = score_validator(chain, validator, observations, context, config, moment)
                if score.data_days:  # nothing observed yet as of that moment: no row
                    scores.append(score)
            await asyncio.sleep(0)  # CPU-bound: let the API (embedded mode) breathe
    async with deps.uow() as uow:
        inserted = await VrsScoreRepository(uow.session).add(scores)
        await uow.commit()
    await deps.reads.invalidate(*cache_keys.chain_prefixes(chain.value, ["vrs"]))
    counts = {
        "scored": sum(1 for s in scores if s.status is VrsStatus.SCORED),
        "pending": sum(1 for s in scores if s.status is VrsStatus.PENDING),
        "inserted": inserted,
    }
    log.info("vrs_computed", chain=chain.value, moments=len(moments), **counts)
    return counts


async def compute_vrs(deps: JobDeps, chain: str, at: str | None = None) -> dict[str, int]:
    """Scores as of this hour (on the chain sources' clock, like the ingest), or `at`."""
    moment = datetime.fromisoformat(at) if at else deps.chains().clock()
    return await score_chain(deps, Chain(chain), [moment])
