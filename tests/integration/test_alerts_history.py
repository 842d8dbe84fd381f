"""Alert history: removed after 90 days by the monthly job (with its outbox rows), kept
(alert id NULL) when the alert is deleted, on both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.alerts.model import AlertChannel, AlertType
from infrastructure.db.models.alerts import AlertHistoryRow, AlertNotificationRow, AlertRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from workers.context import JobDeps
from workers.jobs import JOBS


async def test_old_history_goes_monthly_and_a_deleted_alerts_history_stays(
    resources: Resources,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.create()
        stored = await uow.alerts.add(
            user.id,
            AlertType.SLASHING,
            None,
            None,
            None,
            False,
            [AlertChannel.WEBHOOK],
            active=True,
            deactivated_reason=None,
        )
        await uow.commit()
    alert_id = stored.rule.id
    async with resources.session_factory() as session, session.begin():
        for days in (91, 89):
            row = AlertHistoryRow(
                alert_id=alert_id,
                user_id=user.id,
                type="slashing",
                chain="eth",
                validator="42",
                condition="slashed",
                kind="fired",
                message=f"{days} days ago",
                details={},
                fired_at=now - timedelta(days=days),
            )
            session.add(row)
            await session.flush()
            session.add(
                AlertNotificationRow(
                    history_id=row.id,
                    user_id=user.id,
                    channel="webhook",
                    idempotency_key=f"{row.id}:webhook",
                    payload={},
                )
            )
    deps = JobDeps.from_resources(resources)
    pruned = await JOBS["prune_alert_history"](deps)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        assert await uow.alerts.delete(user.id, alert_id)
        await uow.commit()
    async with resources.session_factory() as session:
        left = (
            await session.execute(
                select(AlertHistoryRow.message, AlertHistoryRow.alert_id).where(
                    AlertHistoryRow.user_id == user.id
                )
            )
        ).all()
        outbox = (
            await session.scalars(
                select(AlertNotificationRow.idempotency_key).where(
                    AlertNotificationRow.user_id == user.id
                )
            )
        ).all()
        alert = await session.get(AlertRow, alert_id)
    assert pruned >= 1
    assert left == [("89 days ago", None)]
    assert len(outbox) == 1
    assert alert is None
    assert uuid.UUID(str(user.id))
