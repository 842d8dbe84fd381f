"""users and linked_wallets (DESIGN.md §5)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from infrastructure.db.base import Base, UTCDateTime, utcnow


class UserRow(Base):
    """A user. The tier is not here: it is the `user_subscriptions` record (no record:
    free), loaded with the user. (SQLite databases keep a retired `tier` column that
    nothing reads: SQLite cannot drop it without rebuilding the table.)"""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('user', 'admin')", name="role"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    role: Mapped[str] = mapped_column(String(8), server_default="user")
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    subscription: Mapped[UserSubscriptionRow | None] = relationship(
        lazy="joined", uselist=False, passive_deletes=True
    )


class UserSubscriptionRow(Base):
    """The user's current subscription: what decides their effective tier
    (domain/tiers.effective_tier). Changes are recorded in admin_audit_log."""

    __tablename__ = "user_subscriptions"
    __table_args__ = (
        CheckConstraint("tier IN ('free', 'pro')", name="tier"),
        CheckConstraint("source IN ('admin', 'stripe')", name="source"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tier: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(8))
    external_customer_id: Mapped[str | None] = mapped_column(String(64))
    external_subscription_id: Mapped[str | None] = mapped_column(String(64))
    # when the expiry was recorded in the audit log (the tier flips without it)
    expiry_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LinkedWalletRow(Base):
    __tablename__ = "linked_wallets"
    __table_args__ = (
        UniqueConstraint("chain", "address"),
        CheckConstraint("chain IN ('eth', 'sol', 'atom')", name="chain"),
        # at most one primary wallet per user
        Index(
            "uq_linked_wallets_primary_per_user",
            "user_id",
            unique=True,
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    chain: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(128))
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
