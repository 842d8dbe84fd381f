"""Users' alert webhooks (user_webhooks): one URL and HMAC secret per user."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.delivery import UserWebhook
from infrastructure.db.models import UserWebhookRow


def webhook_of(row: UserWebhookRow) -> UserWebhook:
    return UserWebhook(
        user_id=row.user_id,
        url=row.url,
        secret=row.secret,
        verified_at=row.verified_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: uuid.UUID) -> UserWebhook | None:
        row = await self._session.get(UserWebhookRow, user_id)
        return webhook_of(row) if row else None

    async def put(self, user_id: uuid.UUID, url: str, secret: str, at: datetime) -> UserWebhook:
        """Set the URL and a new secret; a changed URL is unverified until its ping."""
        row = await self._session.get(UserWebhookRow, user_id, with_for_update=True)
        if row is None:
            row = UserWebhookRow(user_id=user_id, created_at=at)
            self._session.add(row)
        if row.url != url:
            row.verified_at = None  # a new URL is verified by its own ping
        row.url = url
        row.secret = secret
        row.updated_at = at
        await self._session.flush()
        return webhook_of(row)

    async def delete(self, user_id: uuid.UUID) -> bool:
        result = await self._session.execute(
            delete(UserWebhookRow).where(UserWebhookRow.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def mark_verified(self, user_id: uuid.UUID, url: str, at: datetime) -> bool:
        """Verified — only if the URL is still the one pinged (a PUT in between wins)."""
        result = await self._session.execute(
            update(UserWebhookRow)
            .where(UserWebhookRow.user_id == user_id, UserWebhookRow.url == url)
            .values(verified_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
