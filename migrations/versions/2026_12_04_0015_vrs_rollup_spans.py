"""vrs_rollup_spans: per validator and score window, its daily rollups of the window's
whole days merged (refreshed when the day rolls), so the hourly risk score reads one
row per validator and window instead of ~88 daily ones (issue 18). Nothing to backfill:
the scoring step builds them from the daily rollups.

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


def downgrade() -> None:
    op.drop_table("vrs_rollup_spans")
