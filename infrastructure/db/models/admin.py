"""The admin console's tables: the audit log (append-only: PostgreSQL rejects UPDATE and
DELETE by trigger, except the pseudonymisation of a deleted user's id), the API's last
errors (aggregated, no personal data) and the versions of the VRS and yield configs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, UTCDateTime, utcnow
from infrastructure.db.models.chain_data import BigIntId


class AdminAuditLogRow(Base):
    """One admin write or automated change of a user's state. `actor_id` is the admin's
    user id (actor_type `admin`) or the job's name (`system`); `target_id` a user id, a
    tier, a config kind … A deleted user's ids are replaced by a pseudonym
    (`deleted:<hmac>`), the only change the trigger allows."""

    __tablename__ = "admin_audit_log"
    __table_args__ = (
        CheckConstraint("actor_type IN ('admin', 'system')", name="actor_type"),
        Index("ix_admin_audit_log_actor", "actor_id", "id"),
        Index("ix_admin_audit_log_target", "target_type", "target_id", "id"),
        Index("ix_admin_audit_log_action", "action", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(128))


class ApiErrorRow(Base):
    """The API's errors, one row per (method, route template, status, code): how often,
    first and last seen, and the last correlation (request) id. No personal data: the
    route is the template (`/api/alerts/{alert_id}`), never the path."""

    __tablename__ = "api_errors"
    __table_args__ = (
        UniqueConstraint("method", "route", "status", "code"),
        Index("ix_api_errors_last_seen_at", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_request_id: Mapped[str | None] = mapped_column(String(128))


class ConfigVersionRow(Base):
    """A saved version of a tunable config (`vrs` or `yield`): every value as it stood
    after an admin's change, numbered per kind from 1 (the seeded defaults)."""

    __tablename__ = "config_versions"
    __table_args__ = (
        UniqueConstraint("kind", "version"),
        CheckConstraint("kind IN ('vrs', 'yield')", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
