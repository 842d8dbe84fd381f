"""The alert outbox (alert_notifications) as delivery drains it, and the one-click
unsubscribe's alert switch.

Claiming takes due `pending` rows with `FOR UPDATE SKIP LOCKED` (PostgreSQL: concurrent
drains never take the same row; SQLite has a single writer), counts the attempt and
leases them (`next_attempt_at` moves past the lease) in the caller's transaction. The
caller commits the claim before sending, then records each outcome in its own commit:
a drain that dies mid-batch leaves its rows to be claimed again once the lease ends,
and rows already marked `sent` are never claimed again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.delivery import OutboxItem, Recipient
from domain.alerts.model import AlertChannel
from infrastructure.db.models import AlertNotificationRow, AlertRow, UserRow, UserWebhookRow
from infrastructure.db.repositories.webhooks import webhook_of

_ERROR_LENGTH = 200


class AlertOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxItem]:
        rows = list(
            await self._session.scalars(
                select(AlertNotificationRow)
                .where(
                    AlertNotificationRow.status == "pending",
                    AlertNotificationRow.next_attempt_at <= now,
                )
                .order_by(AlertNotificationRow.next_attempt_at, AlertNotificationRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return []
        ids = [row.id for row in rows]
        await self._session.execute(
            update(AlertNotificationRow)
            .where(AlertNotificationRow.id.in_(ids))
            .values(attempts=AlertNotificationRow.attempts + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        return [
            OutboxItem(
                id=row.id,
                user_id=row.user_id,
                channel=AlertChannel(row.channel),
                idempotency_key=row.idempotency_key,
                payload=dict(row.payload or {}),
                attempts=row.attempts + 1,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def pending_count(self) -> int:
        rows = await self._session.scalars(
            select(AlertNotificationRow.id).where(AlertNotificationRow.status == "pending")
        )
        return len(list(rows))

    async def recipients(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Recipient]:
        ids = list(set(user_ids))
        if not ids:
            return {}
        result = await self._session.execute(
            select(UserRow.id, UserRow.email, UserRow.email_verified_at, UserWebhookRow)
            .outerjoin(UserWebhookRow, UserWebhookRow.user_id == UserRow.id)
            .where(UserRow.id.in_(ids))
        )
        return {
            user_id: Recipient(
                user_id=user_id,
                email=email if email and verified_at is not None else None,
                webhook=webhook_of(hook) if hook is not None else None,
            )
            for user_id, email, verified_at, hook in result
        }

    async def inactive_alerts(self, alert_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Of `alert_ids`, those switched off or deleted since they fired."""
        ids = set(alert_ids)
        if not ids:
            return set()
        active = await self._session.scalars(
            select(AlertRow.id).where(AlertRow.id.in_(ids), AlertRow.active.is_(True))
        )
        return ids - set(active)

    async def _set(self, item_id: uuid.UUID, **values: object) -> bool:
        result = await self._session.execute(
            update(AlertNotificationRow)
            .where(AlertNotificationRow.id == item_id, AlertNotificationRow.status == "pending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def mark_sent(self, item_id: uuid.UUID, at: datetime) -> bool:
        return await self._set(item_id, status="sent", sent_at=at, last_error=None)

    async def mark_retry(self, item_id: uuid.UUID, at: datetime, error: str) -> bool:
        return await self._set(item_id, next_attempt_at=at, last_error=error[:_ERROR_LENGTH])

    async def mark_failed(self, item_id: uuid.UUID, error: str) -> bool:
        return await self._set(item_id, status="failed", last_error=error[:_ERROR_LENGTH])

    # -- one-click unsubscribe ---------------------------------------------------------

    async def alert_state(self, alert_id: uuid.UUID, user_id: uuid.UUID) -> tuple[str, bool] | None:
        """(type, active) of the user's alert, or None (deleted, or not theirs)."""
        row = (
            await self._session.execute(
                select(AlertRow.type, AlertRow.active).where(
                    AlertRow.id == alert_id, AlertRow.user_id == user_id
                )
            )
        ).first()
        return (row[0], bool(row[1])) if row else None

    async def unsubscribe(self, alert_id: uuid.UUID, user_id: uuid.UUID, at: datetime) -> bool:
        """Switch the alert off as `unsubscribed` (one UPDATE); False when it is gone.
        An alert already off keeps its reason."""
        result = await self._session.execute(
            update(AlertRow)
            .where(AlertRow.id == alert_id, AlertRow.user_id == user_id, AlertRow.active.is_(True))
            .values(active=False, deactivated_reason="unsubscribed", updated_at=at)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0):
            return True
        return await self.alert_state(alert_id, user_id) is not None
