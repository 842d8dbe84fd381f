"""What the ingest and the pipeline jobs read and prune besides the chain data itself:
a linked wallet's chain and address by id, and observations past their keep time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from infrastructure.db.models import LinkedWalletRow, ValidatorObservationRow


class IngestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def wallet_address(self, wallet_id: uuid.UUID) -> tuple[Chain, str] | None:
        """(chain, address) of a linked wallet; None once it is unlinked."""
        row = (
            await self._session.execute(
                select(LinkedWalletRow.chain, LinkedWalletRow.address).where(
                    LinkedWalletRow.id == wallet_id
                )
            )
        ).first()
        return None if row is None else (Chain(row.chain), row.address)

    async def prune_observations(self, before: datetime) -> int:
        """Delete the observations older than `before`; how many went."""
        result = await self._session.execute(
            delete(ValidatorObservationRow).where(ValidatorObservationRow.observed_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
