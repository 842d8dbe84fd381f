"""The daily closes job: yesterday's and today's closes, and any day of the stored reward
events' span without one (services/price_closes.py)."""

from __future__ import annotations

from services import price_closes
from workers.context import JobDeps


async def backfill_price_closes(deps: JobDeps) -> int:
    return await price_closes.refresh(deps.uow, deps.chains().prices, deps.clock(), deps.reads)
