"""Alerts (DESIGN.md §5, §7; epic 5): rules, their per-subject state, the history of
firings, the delivery outbox and the users' webhooks.

- `alerts`: a user's rule; deleted with the account.
- `alert_conditions`: per (alert, validator, condition) whether it holds now and when it
  was last notified (one notification per condition per 24 h; "resolved" when it clears).
- `alert_history`: every firing and resolution; kept when the alert is deleted
  (alert_id set NULL), removed after 90 days and with the account.
- `alert_notifications`: the outbox, written in the transaction that records the firing
  and drained by a job; `idempotency_key` is unique so a retried drain never sends twice.
- `user_webhooks`: one signed-webhook URL per user.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, DecimalText, UTCDateTime, utcnow
from infrastructure.db.models.chain_data import BigIntId


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_user_id", "user_id"),
        Index("ix_alerts_active_type", "active", "type"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    # vrs_drop | vrs_below | commission_increase | slashing | jailed_or_delinquent
    type: Mapped[str] = mapped_column(String(24))
    chain: Mapped[str | None] = mapped_column(String(8))  # NULL: all chains
    validator: Mapped[str | None] = mapped_column(String(128))  # NULL: all my positions
    threshold: Mapped[Decimal | None] = mapped_column(DecimalText())
    notify_resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # email | webhook
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(32))  # unsubscribed …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AlertConditionRow(Base):
    __tablename__ = "alert_conditions"

    alert_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    condition: Mapped[str] = mapped_column(String(48), primary_key=True)
    holding: Mapped[bool] = mapped_column(Boolean, default=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlertHistoryRow(Base):
    __tablename__ = "alert_history"
    __table_args__ = (
        Index("ix_alert_history_user_time", "user_id", "fired_at", "id"),
        Index("ix_alert_history_fired_at", "fired_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    alert_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("alerts.id", ondelete="SET NULL")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(24))
    chain: Mapped[str] = mapped_column(String(8))
    validator: Mapped[str] = mapped_column(String(128))
    condition: Mapped[str] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(8))  # fired | resolved
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertNotificationRow(Base):
    __tablename__ = "alert_notifications"
    __table_args__ = (
        Index("ix_alert_notifications_due", "status", "next_attempt_at"),
        Index("ix_alert_notifications_user_id", "user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    history_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("alert_history.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # email | webhook
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(96), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_error: Mapped[str | None] = mapped_column(String(200))  # a code, never a secret
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserWebhookRow(Base):
    __tablename__ = "user_webhooks"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(128))  # the HMAC key shown once to the user
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
