"""The observed set beyond the staked and watched validators: validators added by a
signed-in view (`observed_validators`), and whether a validator is observed at all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.observed import ObservedSource
from infrastructure.db.models import (
    ObservedValidatorRow,
    StakingPositionRow,
    ValidatorObservationRow,
    ValidatorRow,
    WatchedValidatorRow,
)


class ObservedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def is_observed(self, chain: Chain, address: str) -> bool:
        """In the validators table (the ingest already observes it), added by a view,
        watched, or staked with."""
        for query in (
            select(ValidatorRow.address).where(
                ValidatorRow.chain == chain.value, ValidatorRow.address == address
            ),
            select(ObservedValidatorRow.validator).where(
                ObservedValidatorRow.chain == chain.value,
                ObservedValidatorRow.validator == address,
            ),
            select(WatchedValidatorRow.validator).where(
                WatchedValidatorRow.chain == chain.value,
                WatchedValidatorRow.validator == address,
            ),
            select(StakingPositionRow.validator).where(
                StakingPositionRow.chain == chain.value, StakingPositionRow.validator == address
            ),
        ):
            if await self._session.scalar(query.limit(1)) is not None:
                return True
        return False

    async def first_observation(self, chain: Chain, address: str) -> datetime | None:
        first: datetime | None = await self._session.scalar(
            select(func.min(ValidatorObservationRow.observed_at)).where(
                ValidatorObservationRow.chain == chain.value,
                ValidatorObservationRow.validator == address,
            )
        )
        return first

    async def added(self, source: ObservedSource, since: datetime | None = None) -> int:
        """How many validators `source` added (since `since`)."""
        query = select(func.count()).where(ObservedValidatorRow.source == source.value)
        if since is not None:
            query = query.where(ObservedValidatorRow.added_at >= since)
        return int(await self._session.scalar(query) or 0)

    async def add(self, chain: Chain, address: str, source: ObservedSource, now: datetime) -> bool:
        """Add it (once); True when it is new."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        result = await self._session.execute(
            insert(ObservedValidatorRow)
            .values(chain=chain.value, validator=address, source=source.value, added_at=now)
            .on_conflict_do_nothing(index_elements=["chain", "validator"])
        )
        return bool(getattr(result, "rowcount", 0))

    async def ids(self, chain: Chain) -> list[str]:
        rows = await self._session.scalars(
            select(ObservedValidatorRow.validator).where(ObservedValidatorRow.chain == chain.value)
        )
        return sorted(rows)
