"""reward_days: the daily rollup of reward_events (the performance block and the list's
day granularity read it instead of grouping every event), backfilled from the events

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the UTC day of a stored timestamp: as infrastructure/db/repositories/rewards_read.utc_day
_DAY = {
    "postgresql": "CAST(timezone('UTC', occurred_at) AS DATE)",
    "sqlite": "date(occurred_at)",
}


def upgrade() -> None:
    op.create_table(
        "reward_days",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position_key", sa.String(length=200), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Integer(), nullable=False),
        sa.Column("stake_sum", sa.BigInteger(), nullable=False),
        sa.Column("stake_count", sa.Integer(), nullable=False),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "chain", "owner", "day", "position_key", name=op.f("pk_reward_days")
        ),
    )
    op.execute(backfill(op.get_bind().dialect.name))


def backfill(dialect: str) -> str:
    """The rollup of every stored event (tests/integration/test_reward_rollup.py runs it
    too: it must equal what the write path adds up)."""
    day = _DAY[dialect]
    return f"""
        INSERT INTO reward_days (chain, owner, day, position_key, validator, amount, events,
            estimated, stake_sum, stake_count, first_start, last_at, fetched_at)
        SELECT chain, owner, {day}, position_key, max(validator), sum(amount), count(*),
            sum(CASE WHEN estimated THEN 1 ELSE 0 END), coalesce(sum(stake), 0),
            count(stake), min(coalesce(period_start, occurred_at)), max(occurred_at),
            max(created_at)
        FROM reward_events
        GROUP BY chain, owner, {day}, position_key
        """


def downgrade() -> None:
    op.drop_table("reward_days")
