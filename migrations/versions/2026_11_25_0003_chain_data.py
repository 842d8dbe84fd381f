"""chain data

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chain_metrics",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_staked", sa.BigInteger(), nullable=False),
        sa.Column("total_supply", sa.BigInteger(), nullable=True),
        sa.Column("validator_count", sa.Integer(), nullable=False),
        sa.Column("active_validator_count", sa.Integer(), nullable=False),
        sa.Column("inflation", sa.String(length=48), nullable=True),
        sa.Column("nominal_apr", sa.String(length=48), nullable=True),
        sa.Column("bonded_ratio", sa.String(length=48), nullable=True),
        sa.Column("community_tax", sa.String(length=48), nullable=True),
        sa.Column("epoch", sa.BigInteger(), nullable=True),
        sa.Column("estimated", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_metrics")),
        sa.UniqueConstraint(
            "chain", "observed_at", name=op.f("uq_chain_metrics_chain_observed_at")
        ),
    )
    op.create_table(
        "chain_sync",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("items", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("chain", "step", name=op.f("pk_chain_sync")),
    )
    op.create_table(
        "eth_validators",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pubkey", sa.String(length=98), nullable=False),
        sa.Column("withdrawal_prefix", sa.SmallInteger(), nullable=False),
        sa.Column("withdrawal_address", sa.String(length=42), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("slashed", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("effective_balance", sa.BigInteger(), nullable=False),
        sa.Column("activation_epoch", sa.BigInteger(), nullable=True),
        sa.Column("exit_epoch", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_eth_validators")),
    )
    with op.batch_alter_table("eth_validators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eth_validators_withdrawal_address"), ["withdrawal_address"], unique=False
        )

    op.create_table(
        "prices",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price", sa.String(length=48), nullable=False),
        sa.PrimaryKeyConstraint("chain", "currency", "fetched_at", name=op.f("pk_prices")),
    )
    op.create_table(
        "staking_positions",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rewards", sa.BigInteger(), nullable=True),
        sa.Column("completes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", "owner", "key", name=op.f("pk_staking_positions")),
    )
    with op.batch_alter_table("staking_positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_staking_positions_chain_validator", ["chain", "validator"], unique=False
        )

    op.create_table(
        "validator_observations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=True),
        sa.Column("commission", sa.String(length=48), nullable=True),
        sa.Column("jailed", sa.Boolean(), nullable=False),
        sa.Column("slashed", sa.Boolean(), nullable=False),
        sa.Column("tombstoned", sa.Boolean(), nullable=False),
        sa.Column("uptime", sa.String(length=48), nullable=True),
        sa.Column("performance", sa.String(length=48), nullable=True),
        sa.Column("skip_rate", sa.String(length=48), nullable=True),
        sa.Column("missed_blocks", sa.Integer(), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validator_observations")),
        sa.UniqueConstraint(
            "chain",
            "validator",
            "observed_at",
            name=op.f("uq_validator_observations_chain_validator_observed_at"),
        ),
    )
    op.create_table(
        "validators",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.String(length=48), nullable=True),
        sa.Column("jailed", sa.Boolean(), nullable=False),
        sa.Column("slashed", sa.Boolean(), nullable=False),
        sa.Column("identity", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", "address", name=op.f("pk_validators")),
    )
    op.create_table(
        "watched_validators",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_watched_validators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "chain", "validator", name=op.f("pk_watched_validators")
        ),
    )


def downgrade() -> None:
    op.drop_table("watched_validators")
    op.drop_table("validators")
    op.drop_table("validator_observations")
    with op.batch_alter_table("staking_positions", schema=None) as batch_op:
        batch_op.drop_index("ix_staking_positions_chain_validator")

    op.drop_table("staking_positions")
    op.drop_table("prices")
    with op.batch_alter_table("eth_validators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eth_validators_withdrawal_address"))

    op.drop_table("eth_validators")
    op.drop_table("chain_sync")
    op.drop_table("chain_metrics")
