"""What the pipeline jobs prune besides the chain data itself: observations past their
keep time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from infrastructure.db.models import ValidatorObservationRow, VrsRollupRow


class IngestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def prune_observations(self, before: datetime) -> int:
        """Delete the observations older than `before`; how many went."""
        result = await self._session.execute(
            delete(ValidatorObservationRow).where(ValidatorObservationRow.observed_at < before)
        )
        # the risk score's daily rollups of those observations go with them
        await self._session.execute(delete(VrsRollupRow).where(VrsRollupRow.day < before.date()))
        return int(getattr(result, "rowcount", 0) or 0)
