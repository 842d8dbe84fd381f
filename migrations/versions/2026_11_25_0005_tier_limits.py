"""tier limits (editable rows, seeded with the documented defaults)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "tier_limits",
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("watched_validators", sa.Integer(), nullable=True),
        sa.Column("vrs_factors", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("history_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tier", name=op.f("pk_tier_limits")),
    )
    op.bulk_insert(
        table,
        [
            {
                "tier": "free",
                "chains": 1,
                "watched_validators": 10,
                "vrs_factors": 3,
                "alerts": 1,
                "history_days": 7,
            },
            {
                "tier": "pro",
                "chains": 3,
                "watched_validators": None,
                "vrs_factors": 5,
                "alerts": 5,
                "history_days": 30,
            },
        ],
    )


def downgrade() -> None:
    op.drop_table("tier_limits")
