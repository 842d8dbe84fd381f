"""Reward events (`reward_events`): stored idempotently per (chain, owner, position, period),
and what the ingest needs to derive the next ones (the previous readings of a wallet's
positions, the latest event per position).

Storing events also adds them to their day's row of the daily rollup (`reward_days`), in
the same transaction and only for the events actually inserted: a re-fetch adds nothing
to either table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain
from domain.rewards.derive import Reading, RewardBasis
from domain.rewards.events import RewardEvent, RewardKind
from infrastructure.db.models import (
    LinkedWalletRow,
    RewardDayRow,
    RewardEventRow,
    StakingPositionRow,
)

_KEY = ("chain", "owner", "position_key", "period")
_CHUNK = 500
_DAY_KEY = ("chain", "owner", "day", "position_key")
_ADDED = (
    RewardEventRow.chain,
    RewardEventRow.owner,
    RewardEventRow.position_key,
    RewardEventRow.validator,
    RewardEventRow.amount,
    RewardEventRow.stake,
    RewardEventRow.estimated,
    RewardEventRow.period_start,
    RewardEventRow.occurred_at,
    RewardEventRow.created_at,
)


@dataclass(slots=True)
class _Day:
    """The inserted events of one position and UTC day, summed (a `reward_days` delta)."""

    validator: str
    amount: int = 0
    events: int = 0
    estimated: int = 0
    stake_sum: int = 0
    stake_count: int = 0
    first_start: datetime | None = None
    last_at: datetime | None = None
    fetched_at: datetime | None = None

    def add(self, row: Any) -> None:
        self.validator = max(self.validator, row.validator)
        self.amount += row.amount
        self.events += 1
        self.estimated += 1 if row.estimated else 0
        if row.stake is not None:
            self.stake_sum += row.stake
            self.stake_count += 1
        start = row.period_start if row.period_start is not None else row.occurred_at
        self.first_start = start if self.first_start is None else min(self.first_start, start)
        self.last_at = (
            row.occurred_at if self.last_at is None else max(self.last_at, row.occurred_at)
        )
        self.fetched_at = (
            row.created_at if self.fetched_at is None else max(self.fetched_at, row.created_at)
        )


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of an aware moment (as rewards_read.utc_day in SQL)."""
    return moment.astimezone(UTC).date()


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
        # the scalar greater / lesser of two values
        self._greatest = func.greatest if dialect == "postgresql" else func.max
        self._least = func.least if dialect == "postgresql" else func.min

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
        days: dict[tuple[str, str, date, str], _Day] = {}
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            statement = (
                self._insert(RewardEventRow)
                .values(chunk)
                .on_conflict_do_nothing(index_elements=list(_KEY))
                .returning(*_ADDED)
            )
            for row in await self._session.execute(statement):
                added += 1
                key = (row.chain, row.owner, utc_day(row.occurred_at), row.position_key)
                days.setdefault(key, _Day(row.validator)).add(row)
        await self._add_to_days(days)
        return added

    async def _add_to_days(self, days: dict[tuple[str, str, date, str], _Day]) -> None:
        """Add the inserted events' day sums to `reward_days` (a new row, or the day's row
        grown by them)."""
        rows = [
            {
                "chain": chain,
                "owner": owner,
                "day": day,
                "position_key": key,
                "validator": d.validator,
                "amount": d.amount,
                "events": d.events,
                "estimated": d.estimated,
                "stake_sum": d.stake_sum,
                "stake_count": d.stake_count,
                "first_start": d.first_start,
                "last_at": d.last_at,
                "fetched_at": d.fetched_at,
            }
            for (chain, owner, day, key), d in days.items()
        ]
        t = RewardDayRow.__table__.c
        for start in range(0, len(rows), _CHUNK):
            statement = self._insert(RewardDayRow).values(rows[start : start + _CHUNK])
            new = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=list(_DAY_KEY),
                set_={
                    "validator": self._greatest(t.validator, new.validator),
                    "amount": t.amount + new.amount,
                    "events": t.events + new.events,
                    "estimated": t.estimated + new.estimated,
                    "stake_sum": t.stake_sum + new.stake_sum,
                    "stake_count": t.stake_count + new.stake_count,
                    "first_start": self._least(t.first_start, new.first_start),
                    "last_at": self._greatest(t.last_at, new.last_at),
                    "fetched_at": self._greatest(t.fetched_at, new.fetched_at),
                },
            )
            await self._session.execute(statement)

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
