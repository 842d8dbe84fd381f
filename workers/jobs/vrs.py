"""The pipeline's VRS step: `services.vrs.score_chain` for one chain as of this hour (it
scores, stores and drops the chain's cached VRS reads)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.models import Chain
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import vrs
from workers.context import JobDeps


async def score_chain(
    resources: Resources, chain: Chain, moments: Sequence[datetime]
) -> dict[str, int]:
    """The step for `moments` (the pipeline passes one; the demo seed a day's worth each)."""
    run = await vrs.score_chain(
        lambda: SqlUnitOfWork(resources.session_factory),
        resources.cache,
        resources.reads,
        chain,
        moments,
    )
    return run.as_dict()


async def compute_vrs(deps: JobDeps, chain: str, at: str | None = None) -> dict[str, int]:
    """Scores as of this hour (on the chain sources' clock, like the ingest), or `at`."""
    moment = datetime.fromisoformat(at) if at else deps.resources.chains().clock()
    return await score_chain(deps.resources, Chain(chain), [moment])
