"""error log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "error_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_log")),
    )
    with op.batch_alter_table("error_log", schema=None) as batch_op:
        batch_op.create_index("ix_error_log_occurred_at", ["occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("error_log", schema=None) as batch_op:
        batch_op.drop_index("ix_error_log_occurred_at")

    op.drop_table("error_log")
