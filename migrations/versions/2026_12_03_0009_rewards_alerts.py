"""Rewards and alerts: reward_events; alerts, alert_conditions, alert_history,
alert_notifications (the outbox), user_webhooks; tier_limits.reward_days and
tier_limits.rewards_export (free: 30 days, no export; pro: all, export)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reward_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("position_key", sa.String(length=200), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("period", sa.String(length=96), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("epoch", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=128), nullable=True),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_events")),
        sa.UniqueConstraint(
            "chain",
            "owner",
            "position_key",
            "period",
            name=op.f("uq_reward_events_chain_owner_position_key_period"),
        ),
    )
    op.create_index(
        "ix_reward_events_owner_time",
        "reward_events",
        ["chain", "owner", "occurred_at", "id"],
        unique=False,
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=True),
        sa.Column("validator", sa.String(length=128), nullable=True),
        sa.Column("threshold", sa.String(length=48), nullable=True),
        sa.Column("notify_resolved", sa.Boolean(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alerts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_alerts_active_type", "alerts", ["active", "type"], unique=False)
    op.create_index("ix_alerts_user_id", "alerts", ["user_id"], unique=False)
    op.create_table(
        "user_webhooks",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_webhooks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_webhooks")),
    )
    op.create_table(
        "alert_conditions",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("condition", sa.String(length=48), nullable=False),
        sa.Column("holding", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_conditions_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "alert_id", "chain", "validator", "condition", name=op.f("pk_alert_conditions")
        ),
    )
    op.create_table(
        "alert_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("alert_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("condition", sa.String(length=48), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_history_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_alert_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_history")),
    )
    op.create_index("ix_alert_history_fired_at", "alert_history", ["fired_at"], unique=False)
    op.create_index(
        "ix_alert_history_user_time", "alert_history", ["user_id", "fired_at", "id"], unique=False
    )
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "history_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=96), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["history_id"],
            ["alert_history.id"],
            name=op.f("fk_alert_notifications_history_id_alert_history"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_alert_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_alert_notifications_idempotency_key")),
    )
    op.create_index(
        "ix_alert_notifications_due",
        "alert_notifications",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        "ix_alert_notifications_user_id", "alert_notifications", ["user_id"], unique=False
    )
    op.add_column("tier_limits", sa.Column("reward_days", sa.Integer(), nullable=True))
    op.add_column(
        "tier_limits",
        sa.Column("rewards_export", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    tiers = sa.table(
        "tier_limits",
        sa.column("tier", sa.String),
        sa.column("reward_days", sa.Integer),
        sa.column("rewards_export", sa.Boolean),
    )
    op.execute(
        tiers.update().where(tiers.c.tier == "free").values(reward_days=30, rewards_export=False)
    )
    op.execute(
        tiers.update().where(tiers.c.tier == "pro").values(reward_days=None, rewards_export=True)
    )


def downgrade() -> None:
    op.drop_column("tier_limits", "rewards_export")
    op.drop_column("tier_limits", "reward_days")
    op.drop_index("ix_alert_notifications_user_id", table_name="alert_notifications")
    op.drop_index("ix_alert_notifications_due", table_name="alert_notifications")
    op.drop_table("alert_notifications")
    op.drop_index("ix_alert_history_user_time", table_name="alert_history")
    op.drop_index("ix_alert_history_fired_at", table_name="alert_history")
    op.drop_table("alert_history")
    op.drop_table("alert_conditions")
    op.drop_table("user_webhooks")
    op.drop_index("ix_alerts_user_id", table_name="alerts")
    op.drop_index("ix_alerts_active_type", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_reward_events_owner_time", table_name="reward_events")
    op.drop_table("reward_events")
