"""Users and linked wallets: rows in, frozen domain dataclasses out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import EmailAlreadyUsed, WalletAlreadyLinked
from domain.models import Chain, LinkedWallet, Role, Tier, User
from domain.tiers import Subscription, SubscriptionSource, effective_tier
from infrastructure.db.base import utcnow
from infrastructure.db.models import (
    LinkedWalletRow,
    StakingPositionRow,
    UserRow,
    UserSubscriptionRow,
)


def _user(row: UserRow, now: datetime | None = None) -> User:
    """The user with their effective tier as of `now` (default: the clock)."""
    sub = row.subscription
    tier, expires_at = (Tier(sub.tier), sub.expires_at) if sub else (Tier.FREE, None)
    return User(
        id=row.id,
        tier=effective_tier(tier, expires_at, now or datetime.now(UTC)),
        created_at=row.created_at,
        email=row.email,
        email_verified_at=row.email_verified_at,
        role=Role(row.role),
        tier_expires_at=expires_at if tier is Tier.PRO else None,
    )


def subscription_of(row: UserSubscriptionRow) -> Subscription:
    return Subscription(
        tier=Tier(row.tier),
        started_at=row.started_at,
        expires_at=row.expires_at,
        source=SubscriptionSource(row.source),
        external_customer_id=row.external_customer_id,
        external_subscription_id=row.external_subscription_id,
    )


def _wallet(row: LinkedWalletRow) -> LinkedWallet:
    return LinkedWallet(
        id=row.id,
        user_id=row.user_id,
        chain=Chain(row.chain),
        address=row.address,
        is_primary=row.is_primary,
        linked_at=row.linked_at,
    )


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, *, tier: Tier = Tier.FREE, email: str | None = None) -> User:
        row = UserRow(email=email)
        self._session.add(row)
        await self._session.flush()
        if tier is not Tier.FREE:
            await self.set_subscription(
                row.id,
                Subscription(tier, utcnow(), None, SubscriptionSource.ADMIN),
            )
        await self._session.refresh(row)
        return _user(row)

    async def get(self, user_id: uuid.UUID) -> User | None:
        row = await self._session.get(UserRow, user_id)
        return _user(row) if row else None

    async def subscription(self, user_id: uuid.UUID) -> Subscription | None:
        """The user's subscription record as stored (None: none, i.e. free)."""
        row = await self._session.get(UserSubscriptionRow, user_id, populate_existing=True)
        return subscription_of(row) if row else None

    async def set_subscription(self, user_id: uuid.UUID, sub: Subscription) -> None:
        """Replace the user's subscription record (one per user)."""
        row = await self._session.get(UserSubscriptionRow, user_id)
        if row is None:
            row = UserSubscriptionRow(user_id=user_id)
            self._session.add(row)
        row.tier = sub.tier.value
        row.started_at = sub.started_at
        row.expires_at = sub.expires_at
        row.source = sub.source.value
        row.external_customer_id = sub.external_customer_id
        row.external_subscription_id = sub.external_subscription_id
        row.expiry_recorded_at = None
        row.updated_at = utcnow()
        await self._session.flush()
        await self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(updated_at=utcnow())
        )

    async def by_email(self, email: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.email == email))
        return _user(row) if row else None

    async def create_verified(self, email: str, verified_at: datetime) -> User:
        """A new account whose login is this (just proven) email address."""
        row = UserRow(email=email, email_verified_at=verified_at)
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as exc:
            raise EmailAlreadyUsed() from exc
        await self._session.refresh(row)
        return _user(row)

    async def set_tier(self, user_id: uuid.UUID, tier: Tier, at: datetime) -> User | None:
        """Give the user `tier` from `at`, without an end (an admin's grant); the user as
        now stored (None: no such user)."""
        if await self._session.get(UserRow, user_id) is None:
            return None
        await self.set_subscription(user_id, Subscription(tier, at, None, SubscriptionSource.ADMIN))
        row = await self._session.get(UserRow, user_id, populate_existing=True)
        return _user(row) if row else None

    async def touch(self, user_id: uuid.UUID, at: datetime) -> None:
        """Record that the user was seen (sign-in, session refresh)."""
        await self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(last_seen_at=at)
            .execution_options(synchronize_session=False)
        )

    async def set_verified_email(self, user_id: uuid.UUID, email: str, at: datetime) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    update(UserRow)
                    .where(UserRow.id == user_id)
                    .values(email=email, email_verified_at=at, updated_at=at)
                )
        except IntegrityError as exc:
            raise EmailAlreadyUsed() from exc


class WalletRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def link(
        self, user_id: uuid.UUID, chain: Chain, address: str, *, is_primary: bool = False
    ) -> LinkedWallet:
        row = LinkedWalletRow(
            user_id=user_id, chain=chain.value, address=address, is_primary=is_primary
        )
        try:
            async with self._session.begin_nested():  # savepoint: the outer transaction survives
                self._session.add(row)
        except IntegrityError as exc:
            raise WalletAlreadyLinked() from exc
        return _wallet(row)

    async def get(self, wallet_id: uuid.UUID) -> LinkedWallet | None:
        row = await self._session.get(LinkedWalletRow, wallet_id)
        return _wallet(row) if row else None

    async def owner_of(self, chain: Chain, address: str) -> LinkedWallet | None:
        row = await self._session.scalar(
            select(LinkedWalletRow).where(
                LinkedWalletRow.chain == chain.value, LinkedWalletRow.address == address
            )
        )
        return _wallet(row) if row else None

    async def list_for_user(self, user_id: uuid.UUID) -> list[LinkedWallet]:
        rows = await self._session.scalars(
            select(LinkedWalletRow)
            .where(LinkedWalletRow.user_id == user_id)
            .order_by(LinkedWalletRow.linked_at, LinkedWalletRow.id)
        )
        return [_wallet(row) for row in rows]

    async def set_primary(self, user_id: uuid.UUID, wallet_id: uuid.UUID | None) -> None:
        """Make `wallet_id` the user's primary wallet (None: no wallet is primary)."""
        await self._session.execute(
            update(LinkedWalletRow)
            .where(LinkedWalletRow.user_id == user_id, LinkedWalletRow.is_primary)
            .values(is_primary=False)
        )
        if wallet_id is not None:
            await self._session.execute(
                update(LinkedWalletRow)
                .where(LinkedWalletRow.user_id == user_id, LinkedWalletRow.id == wallet_id)
                .values(is_primary=True)
            )

    async def unlink(self, user_id: uuid.UUID, wallet_id: uuid.UUID) -> bool:
        """Remove a wallet of this user, and the positions fetched for its address;
        False when no such wallet belongs to them."""
        row = await self._session.scalar(
            select(LinkedWalletRow).where(
                LinkedWalletRow.id == wallet_id, LinkedWalletRow.user_id == user_id
            )
        )
        if row is None:
            return False
        await self._session.execute(
            delete(StakingPositionRow).where(
                StakingPositionRow.chain == row.chain, StakingPositionRow.owner == row.address
            )
        )
        await self._session.delete(row)
        await self._session.flush()
        return True
