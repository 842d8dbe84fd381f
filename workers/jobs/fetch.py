"""Chain ingest jobs: a whole chain, one newly linked wallet, prices."""

from __future__ import annotations

import uuid

from domain.models import Chain
from workers.context import JobDeps
from workers.ingest import Ingest


def _ingest(deps: JobDeps) -> Ingest:
    resources = deps.resources
    return Ingest(resources.chains(), resources.engine, resources.session_factory, resources.reads)


async def fetch_chain(deps: JobDeps, chain: str) -> dict[str, int]:
    report = await _ingest(deps).run(Chain(chain))
    return report.counts


async def fetch_wallet_positions(deps: JobDeps, wallet_id: str) -> int:
    from sqlalchemy import select

    from infrastructure.db.models import LinkedWalletRow

    async with deps.resources.session_factory() as session:
        wallet = await session.scalar(
            select(LinkedWalletRow).where(LinkedWalletRow.id == uuid.UUID(wallet_id))
        )
    if wallet is None:  # unlinked meanwhile: nothing to do
        return 0
    return await _ingest(deps).wallet_positions(Chain(wallet.chain), wallet.address)


async def fetch_metrics(deps: JobDeps, chain: str) -> int:
    return await _ingest(deps).metrics(Chain(chain))


async def fetch_prices(deps: JobDeps) -> int:
    return await _ingest(deps).prices()
