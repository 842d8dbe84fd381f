"""A user's watched validators (`watched_validators`) and what the tier gates count:
the user-row lock that serialises a user's gated writes, the chains of their wallets,
their alerts in order, and the effective tiers of many users at once."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Chain, Tier
from domain.tiers import effective_tier
from infrastructure.db.base import utcnow
from infrastructure.db.models import (
    AlertRow,
    LinkedWalletRow,
    UserRow,
    UserSubscriptionRow,
    ValidatorRow,
    WatchedValidatorRow,
)


@dataclass(frozen=True, slots=True)
class WatchedRow:
    chain: Chain
    validator: str
    name: str | None
    created_at: datetime


class WatchlistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_for_user(self, user_id: uuid.UUID) -> list[WatchedRow]:
        """Oldest first (the first N are within a limit), with the validator's name."""
        w = WatchedValidatorRow
        rows = await self._session.execute(
            select(w.chain, w.validator, ValidatorRow.name, w.created_at)
            .outerjoin(
                ValidatorRow,
                (ValidatorRow.chain == w.chain) & (ValidatorRow.address == w.validator),
            )
            .where(w.user_id == user_id)
            .order_by(w.created_at, w.chain, w.validator)
        )
        return [WatchedRow(Chain(r[0]), r[1], r[2], r[3]) for r in rows]

    async def count(self, user_id: uuid.UUID) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(WatchedValidatorRow)
            .where(WatchedValidatorRow.user_id == user_id)
        )
        return int(count or 0)

    async def has(self, user_id: uuid.UUID, chain: Chain, validator: str) -> bool:
        found = await self._session.get(WatchedValidatorRow, (user_id, chain.value, validator))
        return found is not None

    async def add(self, user_id: uuid.UUID, chain: Chain, validator: str) -> bool:
        """Watch it; False when the user watches it already."""
        row = WatchedValidatorRow(
            user_id=user_id, chain=chain.value, validator=validator, created_at=utcnow()
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            return False
        return True

    async def remove(self, user_id: uuid.UUID, chain: Chain, validator: str) -> bool:
        result = await self._session.execute(
            delete(WatchedValidatorRow).where(
                WatchedValidatorRow.user_id == user_id,
                WatchedValidatorRow.chain == chain.value,
                WatchedValidatorRow.validator == validator,
            )
        )
        return bool(getattr(result, "rowcount", 0))


class TierUsageRepository:
    """What the tier gates count, and the lock that keeps the count from going stale."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_user(self, user_id: uuid.UUID) -> None:
        """Serialise a user's gated writes until commit: PostgreSQL locks the user row;
        SQLite takes the database's write lock (its single writer) before the count."""
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(
                select(UserRow.id).where(UserRow.id == user_id).with_for_update()
            )
        else:
            statement = text("UPDATE users SET role = role WHERE id = :id").bindparams(
                bindparam("id", type_=UserRow.__table__.c.id.type)
            )
            await self._session.execute(statement, {"id": user_id})

    async def wallet_chains(self, user_id: uuid.UUID) -> list[Chain]:
        """The chains of the user's wallets, in the order they were first linked."""
        rows = await self._session.execute(
            select(LinkedWalletRow.chain, func.min(LinkedWalletRow.linked_at))
            .where(LinkedWalletRow.user_id == user_id)
            .group_by(LinkedWalletRow.chain)
        )
        return [Chain(c) for c, _ in sorted(rows, key=lambda r: (r[1], r[0]))]

    async def alert_ids(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Each user's alert ids, oldest first (the first N are within a limit)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(AlertRow.user_id, AlertRow.id)
            .where(AlertRow.user_id.in_(wanted))
            .order_by(AlertRow.user_id, AlertRow.created_at, AlertRow.id)
        )
        out: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for user_id, alert_id in rows:
            out[user_id].append(alert_id)
        return out

    async def tiers(self, user_ids: Iterable[uuid.UUID], now: datetime) -> dict[uuid.UUID, Tier]:
        """The effective tier of each of these users (no subscription row: free)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(
                UserSubscriptionRow.user_id,
                UserSubscriptionRow.tier,
                UserSubscriptionRow.expires_at,
            ).where(UserSubscriptionRow.user_id.in_(wanted))
        )
        out = dict.fromkeys(wanted, Tier.FREE)
        for user_id, tier, expires_at in rows:
            out[user_id] = effective_tier(Tier(tier), expires_at, now)
        return out

    async def expired_unrecorded(
        self, now: datetime, limit: int
    ) -> list[tuple[uuid.UUID, datetime]]:
        """(user id, expiry) of pro subscriptions past their expiry whose expiry is not
        in the audit trail yet, oldest expiry first."""
        s = UserSubscriptionRow
        rows = await self._session.execute(
            select(s.user_id, s.expires_at)
            .where(
                s.tier == Tier.PRO.value,
                s.expires_at.is_not(None),
                s.expires_at <= now,
                s.expiry_recorded_at.is_(None),
            )
            .order_by(s.expires_at, s.user_id)
            .limit(limit)
        )
        return [(r[0], r[1]) for r in rows if r[1] is not None]

    async def claim_expiry(self, user_id: uuid.UUID, expires_at: datetime, at: datetime) -> bool:
        """Mark this expiry recorded; False when another run did (or the subscription
        changed since): only the claimant writes the audit entry."""
        s = UserSubscriptionRow
        result = await self._session.execute(
            update(s)
            .where(
                s.user_id == user_id,
                s.expires_at == expires_at,
                s.tier == Tier.PRO.value,
                s.expiry_recorded_at.is_(None),
            )
            .values(expiry_recorded_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
