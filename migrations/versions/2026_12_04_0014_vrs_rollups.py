"""vrs_rollups: per-validator daily rollups of the observations, so the hourly risk score
reads ≤ 90 small rows per validator plus the samples since the last rollup (issue 18).
Nothing to backfill: the scoring step builds missing rollups from the observations.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vrs_rollups",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chain", "day", "validator", name=op.f("pk_vrs_rollups")),
    )
    op.create_index("ix_vrs_rollups_day", "vrs_rollups", ["day"])


def downgrade() -> None:
    op.drop_index("ix_vrs_rollups_day", table_name="vrs_rollups")
    op.drop_table("vrs_rollups")
