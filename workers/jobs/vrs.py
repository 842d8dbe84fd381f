"""The pipeline's VRS step: score every validator of a chain that has observations, store
the scores (append-only, one per validator and hour: a re-run inserts nothing), then drop
the cached VRS reads of that chain (services/vrs.py does all of it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.models import Chain
from services import vrs
from workers.context import JobDeps


async def score_chain(deps: JobDeps, chain: Chain, moments: Sequence[datetime]) -> dict[str, int]:
    """The step for `moments` (the pipeline passes one; the demo seed a day's worth each)."""
    run = await vrs.score_chain(deps.uow, deps.cache, deps.reads, chain, moments)
    return run.as_dict()


async def compute_vrs(deps: JobDeps, chain: str, at: str | None = None) -> dict[str, int]:
    """Scores as of this hour (on the chain sources' clock, like the ingest), or `at`."""
    moment = datetime.fromisoformat(at) if at else deps.chains().clock()
    return await score_chain(deps, Chain(chain), [moment])
