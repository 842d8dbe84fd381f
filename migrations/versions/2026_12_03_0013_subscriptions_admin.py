"""subscriptions, roles and the admin console: user_subscriptions (the tier moves off
users), users.role and users.last_seen_at, admin_audit_log (append-only on PostgreSQL,
except the pseudonymisation of a deleted user's ids), api_errors, config_versions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# append-only, with one exception: a deleted user's ids (actor_id, target_id) may be
# replaced by their pseudonym `deleted:<hmac>` when nothing else in the row changes
AUDIT_FUNCTION = """
CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_type = OLD.actor_type
        AND NEW.action = OLD.action AND NEW.target_type = OLD.target_type
        AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text
        AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text
        AND NEW.reason IS NOT DISTINCT FROM OLD.reason
        AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
        AND (NEW.actor_id = OLD.actor_id OR NEW.actor_id LIKE 'deleted:%')
        AND (NEW.target_id IS NOT DISTINCT FROM OLD.target_id
             OR NEW.target_id LIKE 'deleted:%')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'admin_audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
AUDIT_ROW_TRIGGER = """
CREATE TRIGGER admin_audit_log_append_only
BEFORE UPDATE OR DELETE ON admin_audit_log
FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only()
"""
AUDIT_TRUNCATE_TRIGGER = """
CREATE TRIGGER admin_audit_log_append_only_truncate
BEFORE TRUNCATE ON admin_audit_log
FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "user_subscriptions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("external_customer_id", sa.String(length=64), nullable=True),
        sa.Column("external_subscription_id", sa.String(length=64), nullable=True),
        sa.Column("expiry_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('admin', 'stripe')", name=op.f("ck_user_subscriptions_source")
        ),
        sa.CheckConstraint("tier IN ('free', 'pro')", name=op.f("ck_user_subscriptions_tier")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_subscriptions")),
    )
    # every pro user so far keeps pro, without an end, as if an admin had granted it
    op.execute(
        """
        INSERT INTO user_subscriptions (user_id, tier, started_at, expires_at, source,
            updated_at)
        SELECT id, 'pro', updated_at, NULL, 'admin', updated_at FROM users
        WHERE tier = 'pro'
        """
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=8), server_default="user", nullable=False)
        )
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    if postgres:
        op.create_check_constraint(op.f("ck_users_role"), "users", "role IN ('user', 'admin')")
        op.drop_constraint(op.f("ck_users_tier"), "users", type_="check")
        op.drop_column("users", "tier")
    # SQLite keeps the retired users.tier (dropping it means rebuilding `users`, whose
    # rebuild would cascade-delete every child row); nothing reads it (migrations/env.py)

    op.create_table(
        "admin_audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=8), nullable=False),
        sa.Column("actor_id", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "actor_type IN ('admin', 'system')", name=op.f("ck_admin_audit_log_actor_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit_log")),
    )
    with op.batch_alter_table("admin_audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_admin_audit_log_action", ["action", "id"], unique=False)
        batch_op.create_index("ix_admin_audit_log_actor", ["actor_id", "id"], unique=False)
        batch_op.create_index(
            "ix_admin_audit_log_target", ["target_type", "target_id", "id"], unique=False
        )
    if postgres:
        op.execute(AUDIT_FUNCTION)
        op.execute(AUDIT_ROW_TRIGGER)
        op.execute(AUDIT_TRUNCATE_TRIGGER)

    op.create_table(
        "api_errors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_request_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_errors")),
        sa.UniqueConstraint(
            "method", "route", "status", "code", name=op.f("uq_api_errors_method_route_status_code")
        ),
    )
    with op.batch_alter_table("api_errors", schema=None) as batch_op:
        batch_op.create_index("ix_api_errors_last_seen_at", ["last_seen_at"], unique=False)

    op.create_table(
        "config_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('vrs', 'yield')", name=op.f("ck_config_versions_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_versions")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_config_versions_kind_version")),
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table("config_versions")
    with op.batch_alter_table("api_errors", schema=None) as batch_op:
        batch_op.drop_index("ix_api_errors_last_seen_at")
    op.drop_table("api_errors")
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS admin_audit_log_append_only_truncate ON admin_audit_log")
        op.execute("DROP TRIGGER IF EXISTS admin_audit_log_append_only ON admin_audit_log")
        op.execute("DROP FUNCTION IF EXISTS admin_audit_log_append_only()")
    with op.batch_alter_table("admin_audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_admin_audit_log_target")
        batch_op.drop_index("ix_admin_audit_log_actor")
        batch_op.drop_index("ix_admin_audit_log_action")
    op.drop_table("admin_audit_log")
    if postgres:
        op.add_column(
            "users",
            sa.Column("tier", sa.String(length=8), server_default="free", nullable=False),
        )
        op.create_check_constraint(op.f("ck_users_tier"), "users", "tier IN ('free', 'pro')")
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    op.execute(
        "UPDATE users SET tier = 'pro' WHERE id IN (SELECT user_id FROM user_subscriptions"
        " WHERE tier = 'pro')"
    )
    if postgres:  # SQLite keeps the two columns (a rebuild of users would cascade)
        op.drop_column("users", "last_seen_at")
        op.drop_column("users", "role")
    op.drop_table("user_subscriptions")
