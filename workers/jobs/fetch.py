"""Chain ingest jobs: a whole chain, one newly linked wallet, metrics, prices — each a
call of the ingest service (services/ingest.py)."""

from __future__ import annotations

import uuid

from domain.models import Chain
from workers.context import JobDeps


async def fetch_chain(deps: JobDeps, chain: str) -> dict[str, int]:
    report = await deps.ingest().run(Chain(chain))
    return report.counts


async def fetch_wallet_positions(deps: JobDeps, wallet_id: str) -> int:
    return await deps.ingest().linked_wallet_positions(uuid.UUID(wallet_id))


async def fetch_metrics(deps: JobDeps, chain: str) -> int:
    return await deps.ingest().metrics(Chain(chain))


async def fetch_prices(deps: JobDeps) -> int:
    return await deps.ingest().prices()
