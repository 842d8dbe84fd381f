"""vrs_rollup_spans: per validator and score window, its daily rollups of the window's
whole days merged (refreshed when the day rolls), so the hourly risk score reads one
row per validator and window instead of ~88 daily ones (issue 18). Nothing to backfill:
the scoring step builds them from the daily rollups.

And on PostgreSQL a BRIN index on validator_observations.observed_at (a few pages: rows
are appended hour by hour, so each block range holds a few hours): the hourly step reads
the hours its rollups do not cover (today, the days the windows cut) and counts the
rows of the hours its context memo cannot vouch for, without scanning 90 days of rows.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
OBSERVED_AT_INDEX = "ix_validator_observations_observed_at"  # PostgreSQL only: outside the models


def upgrade() -> None:
    op.create_table(
        "vrs_rollup_spans",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("set_rollups", sa.Integer(), nullable=False),
        sa.Column("set_samples", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "chain", "first_day", "last_day", "validator", name=op.f("pk_vrs_rollup_spans")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX {OBSERVED_AT_INDEX} ON validator_observations USING brin (observed_at)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {OBSERVED_AT_INDEX}")
    op.drop_table("vrs_rollup_spans")
