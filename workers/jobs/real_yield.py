"""The pipeline's yield step for one chain: real yields of its active validators and its
network average, today's snapshots (the first run of the day writes them; later runs
change nothing), then the yield caches and portfolios are dropped."""

from __future__ import annotations

from typing import Any

from domain.models import Chain
from domain.real_yield import YieldDataMissing
from infrastructure.logging import get_logger
from services import cache_keys
from services.real_yield import compute_chain_yields
from workers.context import JobDeps

log = get_logger(__name__)


async def compute_yield(deps: JobDeps, chain: str) -> dict[str, Any]:
    c = Chain(chain)
    now = deps.chains().clock()  # the sources' clock: a backfill computes its own day
    try:
        async with deps.uow() as uow:
            computed = await compute_chain_yields(uow, c, now)
        results, written = computed.results, computed.snapshots
    except YieldDataMissing as exc:  # never fetched: a retry cannot help, the next fetch will
        log.warning("yield_inputs_missing", chain=c.value, missing=list(exc.missing))
        return {"computed": 0, "snapshots": 0, "missing": list(exc.missing)}
    # portfolio entries too: their positions carry the real yield
    await deps.reads.invalidate(*cache_keys.chain_prefixes(c.value, ["yield", "portfolio"]))
    log.info("yield_computed", chain=c.value, validators=len(results) - 1, snapshots=written)
    return {"computed": len(results), "snapshots": written}
