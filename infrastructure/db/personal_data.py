"""Everything personal a user owns, in one list, and its deletion in one transaction.

GDPR deletion (`DELETE /api/me`, through `PersonalDataRepository` on the unit of work)
removes exactly what is listed here. A test fails
when a table with a `user_id` column is missing: a new table holding personal
data must be added below.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement

from infrastructure.db.models import (
    AlertConditionRow,
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    ApiKeyRow,
    LinkedWalletRow,
    MagicLinkRow,
    RefreshTokenRow,
    RewardDayRow,
    RewardEventRow,
    StakingPositionRow,
    UserRow,
    UserSubscriptionRow,
    UserWebhookRow,
    WatchedValidatorRow,
)

# (table, the column naming the owner), children before parents
PERSONAL_DATA: tuple[tuple[type, KeyedColumnElement[Any]], ...] = (
    (AlertNotificationRow, AlertNotificationRow.__table__.c.user_id),
    (AlertHistoryRow, AlertHistoryRow.__table__.c.user_id),
    (AlertRow, AlertRow.__table__.c.user_id),
    (UserWebhookRow, UserWebhookRow.__table__.c.user_id),
    (ApiKeyRow, ApiKeyRow.__table__.c.user_id),
    (WatchedValidatorRow, WatchedValidatorRow.__table__.c.user_id),
    (RefreshTokenRow, RefreshTokenRow.__table__.c.user_id),
    (MagicLinkRow, MagicLinkRow.__table__.c.user_id),
    (LinkedWalletRow, LinkedWalletRow.__table__.c.user_id),
    (UserSubscriptionRow, UserSubscriptionRow.__table__.c.user_id),
    (UserRow, UserRow.__table__.c.id),
)


async def delete_personal_data(
    session: AsyncSession, user_id: uuid.UUID, email: str | None
) -> None:
    """Delete the user and all their rows; the caller's transaction commits or rolls back."""
    # positions are keyed by address, not user: those of the user's wallets go too
    wallets = select(LinkedWalletRow.chain, LinkedWalletRow.address).where(
        LinkedWalletRow.user_id == user_id
    )
    for by_wallet in (StakingPositionRow, RewardEventRow, RewardDayRow):
        await session.execute(
            delete(by_wallet).where(tuple_(by_wallet.chain, by_wallet.owner).in_(wallets))
        )
    # an alert's per-validator state is keyed by the alert, not the user
    await session.execute(
        delete(AlertConditionRow).where(
            AlertConditionRow.alert_id.in_(select(AlertRow.id).where(AlertRow.user_id == user_id))
        )
    )
    if email is not None:  # sign-in links sent to the address before it had an account
        await session.execute(
            delete(MagicLinkRow).where(
                or_(MagicLinkRow.user_id == user_id, MagicLinkRow.email == email)
            )
        )
    for table, owner in PERSONAL_DATA:
        await session.execute(delete(table).where(owner == user_id))


class PersonalDataRepository:
    """The unit of work's door to the deletion above (services never see a session)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def delete_user(self, user_id: uuid.UUID, email: str | None) -> None:
        await delete_personal_data(self._session, user_id, email)
