"""`record_subscription_expiries` (hourly): each expired pro subscription into the
audit trail once, and the user's cached reads dropped (services/tiers.py does the work;
the tier flipped at the expiry without it)."""

from __future__ import annotations

from services import tiers
from workers.context import JobDeps


async def record_subscription_expiries(deps: JobDeps) -> int:
    return await tiers.record_expiries(deps.uow, deps.cache, deps.clock())
