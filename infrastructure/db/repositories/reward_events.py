"""Reward events (`reward_events`): stored idempotently per (chain, owner, position, period),
and what the ingest needs to derive the next ones (the previous readings of a wallet's
positions, the latest event per position)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.rewards.derive import Reading, RewardBasis
from domain.rewards.events import RewardEvent, RewardKind
from infrastructure.db.models import LinkedWalletRow, RewardEventRow, StakingPositionRow

_KEY = ("chain", "owner", "position_key", "period")
_CHUNK = 500


def event_from_row(row: RewardEventRow) -> RewardEvent:
    return RewardEvent(
        chain=Chain(row.chain),
        owner=row.owner,
        position_key=row.position_key,
        validator=row.validator,
        period=row.period,
        kind=RewardKind(row.kind),
        amount=row.amount,
        occurred_at=row.occurred_at,
        stake=row.stake,
        period_start=row.period_start,
        epoch=row.epoch,
        source=row.source,
        estimated=row.estimated,
    )


class RewardEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def add_many(self, events: Sequence[RewardEvent]) -> int:
        """Store the events not stored yet (same chain, owner, position and period: kept
        as first stored); the number newly stored."""
        rows = [
            {
                "chain": e.chain.value,
                "owner": e.owner,
                "position_key": e.position_key,
                "validator": e.validator,
                "period": e.period,
                "kind": e.kind.value,
                "amount": e.amount,
                "stake": e.stake,
                "occurred_at": e.occurred_at,
                "period_start": e.period_start,
                "epoch": e.epoch,
                "source": e.source,
                "estimated": e.estimated,
            }
            for e in events
        ]
        added = 0
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            statement = (
                self._insert(RewardEventRow)
                .values(chunk)
                .on_conflict_do_nothing(index_elements=list(_KEY))
                .returning(RewardEventRow.id)
            )
            added += len((await self._session.execute(statement)).all())
        return added

    async def basis(self, chain: Chain, owner: str) -> RewardBasis:
        """The wallet's stored positions (the previous ingest's readings) and the latest
        event of each of its positions."""
        positions = (
            await self._session.scalars(
                select(StakingPositionRow).where(
                    StakingPositionRow.chain == chain.value, StakingPositionRow.owner == owner
                )
            )
        ).all()
        readings = {
            p.key: Reading(p.key, p.validator, p.amount, p.fetched_at, p.rewards)
            for p in positions
            if p.kind == "stake"
        }
        read_at = max((p.fetched_at for p in positions), default=None)
        latest_ids = (
            select(func.max(RewardEventRow.id))
            .where(RewardEventRow.chain == chain.value, RewardEventRow.owner == owner)
            .group_by(RewardEventRow.position_key)
        )
        rows = await self._session.scalars(
            select(RewardEventRow).where(RewardEventRow.id.in_(latest_ids))
        )
        latest = {row.position_key: event_from_row(row) for row in rows}
        return RewardBasis(readings, latest, read_at)

    async def basis_holds(self, chain: Chain, owner: str, read_at: datetime | None) -> bool:
        """Whether the wallet's stored positions are still those read at `read_at` (no
        other ingest stored newer ones meanwhile). Locks the wallet (PostgreSQL) until the
        transaction ends: call it right before storing the events and the positions."""
        await self._session.execute(
            select(LinkedWalletRow.id)
            .where(LinkedWalletRow.chain == chain.value, LinkedWalletRow.address == owner)
            .with_for_update()
        )
        newest = await self._session.scalar(
            select(func.max(StakingPositionRow.fetched_at)).where(
                StakingPositionRow.chain == chain.value, StakingPositionRow.owner == owner
            )
        )
        return newest == read_at

    async def newest_reading_event(self, chain: Chain, owner: str) -> datetime | None:
        """When the wallet's newest event derived from two readings (no epoch) ended."""
        newest: datetime | None = await self._session.scalar(
            select(func.max(RewardEventRow.occurred_at)).where(
                RewardEventRow.chain == chain.value,
                RewardEventRow.owner == owner,
                RewardEventRow.epoch.is_(None),
            )
        )
        return newest

    async def of_owner(self, chain: Chain, owner: str) -> list[RewardEvent]:
        """A wallet's events in time order (tests, the demo ledger check)."""
        rows = await self._session.scalars(
            select(RewardEventRow)
            .where(RewardEventRow.chain == chain.value, RewardEventRow.owner == owner)
            .order_by(RewardEventRow.occurred_at, RewardEventRow.id)
        )
        return [event_from_row(row) for row in rows]
