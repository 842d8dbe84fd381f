"""validator risk score: vrs_config, vrs_scores

vrs_config holds the score's tunable numbers (seeded with the documented defaults of
domain/vrs/config.py); vrs_scores is immutable: on PostgreSQL a trigger rejects every
UPDATE, DELETE and TRUNCATE (SQLite: the repository has no such path).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULTS = {
    "weight.uptime": "30",
    "weight.slashing": "25",
    "weight.commission": "20",
    "weight.performance": "15",
    "weight.decentralization": "10",
    "window.recent_days": "30",
    "window.recent_weight": "0.7",
    "window.horizon_days": "90",
    "window.older_weight": "0.3",
    "pending_days": "7",
    "confidence.high_days": "60",
    "confidence.medium_days": "30",
}

IMMUTABLE_FUNCTION = """
CREATE FUNCTION vrs_scores_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vrs_scores is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
IMMUTABLE_ROW_TRIGGER = """
CREATE TRIGGER vrs_scores_immutable
BEFORE UPDATE OR DELETE ON vrs_scores
FOR EACH ROW EXECUTE FUNCTION vrs_scores_immutable()
"""
IMMUTABLE_TRUNCATE_TRIGGER = """
CREATE TRIGGER vrs_scores_immutable_truncate
BEFORE TRUNCATE ON vrs_scores
FOR EACH STATEMENT EXECUTE FUNCTION vrs_scores_immutable()
"""


def upgrade() -> None:
    config = op.create_table(
        "vrs_config",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=48), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_vrs_config")),
    )
    seeded_at = datetime(2026, 11, 25, tzinfo=UTC)
    op.bulk_insert(
        config,
        [
            {"name": name, "value": value, "updated_at": seeded_at}
            for name, value in DEFAULTS.items()
        ],
    )
    op.create_table(
        "vrs_scores",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("calculated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("total", sa.SmallInteger(), nullable=True),
        sa.Column("uptime_score", sa.SmallInteger(), nullable=True),
        sa.Column("slashing_score", sa.SmallInteger(), nullable=True),
        sa.Column("commission_score", sa.SmallInteger(), nullable=True),
        sa.Column("performance_score", sa.SmallInteger(), nullable=True),
        sa.Column("decentralization_score", sa.SmallInteger(), nullable=True),
        sa.Column("uptime_weight", sa.String(length=48), nullable=False),
        sa.Column("slashing_weight", sa.String(length=48), nullable=False),
        sa.Column("commission_weight", sa.String(length=48), nullable=False),
        sa.Column("performance_weight", sa.String(length=48), nullable=False),
        sa.Column("decentralization_weight", sa.String(length=48), nullable=False),
        sa.Column("data_days", sa.SmallInteger(), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        sa.Column("methodology_version", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vrs_scores")),
        sa.UniqueConstraint(
            "chain",
            "validator",
            "calculated_at",
            name=op.f("uq_vrs_scores_chain_validator_calculated_at"),
        ),
    )
    with op.batch_alter_table("vrs_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vrs_scores_chain_calculated_at", ["chain", "calculated_at"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(IMMUTABLE_FUNCTION)
        op.execute(IMMUTABLE_ROW_TRIGGER)
        op.execute(IMMUTABLE_TRUNCATE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS vrs_scores_immutable_truncate ON vrs_scores")
        op.execute("DROP TRIGGER IF EXISTS vrs_scores_immutable ON vrs_scores")
        op.execute("DROP FUNCTION IF EXISTS vrs_scores_immutable()")
    with op.batch_alter_table("vrs_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_vrs_scores_chain_calculated_at")
    op.drop_table("vrs_scores")
    op.drop_table("vrs_config")
