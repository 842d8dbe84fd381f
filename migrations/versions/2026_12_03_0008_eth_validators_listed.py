"""ETH validators first-class: list indexes on eth_validators, validator_labels,
observed_validators, vrs_latest

eth_validators gets the indexes of the list's keyset orders (status+balance; the rare
statuses' index order)
and of pubkey lookups; the bulk load rebuilds the same ones after
COPY. validator_labels holds operator labels (ETH has no names on chain).
observed_validators is the part of the observed set added by signed-in views. vrs_latest
is the newest score of each validator with the total of every tier view, backfilled here
from vrs_scores (which stays append-only).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RARE_STATUS_SQL = "status NOT IN ('active_ongoing', 'withdrawal_done')"
ACTIVE_SQL = "status = 'active_ongoing'"
WITHDRAWN_SQL = "status = 'withdrawal_done'"
PUBKEY_KEY_SQL = "((('x' || substr(pubkey, 83, 16))::bit(64)::bigint))"
FACTORS = ("uptime", "slashing", "commission", "performance", "decentralization")


def _view_total(row: sa.Row[object], shown: int) -> int | None:
    """domain.vrs.model.total_of over the first `shown` factors (frozen here)."""
    if row.status != "scored":  # type: ignore[attr-defined]
        return None
    counted = []
    for factor in FACTORS[:shown]:
        score = getattr(row, f"{factor}_score")
        weight = Decimal(getattr(row, f"{factor}_weight"))
        if score is not None and weight > 0:
            counted.append((Decimal(score), weight))
    weight_sum = sum((w for _, w in counted), Decimal(0))
    if not counted or weight_sum <= 0:
        return None
    value = sum((s * w for s, w in counted), Decimal(0)) / weight_sum
    value = min(Decimal(100), max(Decimal(0), value))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def upgrade() -> None:
    with op.batch_alter_table("eth_validators", schema=None) as batch_op:
        # an owner's validators in balance order (and its positions: indices_for)
        batch_op.drop_index("ix_eth_validators_withdrawal_address")
        batch_op.create_index(
            "ix_eth_validators_withdrawal_address",
            ["withdrawal_address", "balance", "index"],
            unique=False,
        )
        batch_op.create_index(
            "ix_eth_validators_rare_status",
            ["status", "index"],
            unique=False,
            postgresql_where=sa.text(RARE_STATUS_SQL),
            sqlite_where=sa.text(RARE_STATUS_SQL),
        )
        for name, columns, where in (
            ("ix_eth_validators_active_balance", ["balance", "index"], ACTIVE_SQL),
            ("ix_eth_validators_withdrawn_balance", ["balance", "index"], WITHDRAWN_SQL),
            ("ix_eth_validators_rare_balance", ["status", "balance", "index"], RARE_STATUS_SQL),
        ):
            batch_op.create_index(
                name,
                columns,
                unique=False,
                postgresql_where=sa.text(where),
                sqlite_where=sa.text(where),
            )

    # pubkey lookups (outside the models: migrations/env.py UNMODELLED_INDEXES)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_eth_validators_pubkey ON eth_validators {PUBKEY_KEY_SQL}")
    else:
        op.execute("CREATE INDEX ix_eth_validators_pubkey ON eth_validators (pubkey)")

    op.create_table(
        "validator_labels",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", "address", name=op.f("pk_validator_labels")),
    )
    op.create_table(
        "observed_validators",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", "validator", name=op.f("pk_observed_validators")),
    )
    with op.batch_alter_table("observed_validators", schema=None) as batch_op:
        batch_op.create_index("ix_observed_validators_added_at", ["added_at"], unique=False)
    op.create_table(
        "vrs_latest",
        sa.Column("chain", sa.String(length=8), nullable=False),
        sa.Column("validator", sa.String(length=128), nullable=False),
        sa.Column("calculated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.String(length=8), nullable=False),
        *(sa.Column(f"view_total_{n}", sa.SmallInteger(), nullable=True) for n in range(1, 6)),
        sa.PrimaryKeyConstraint("chain", "validator", name=op.f("pk_vrs_latest")),
    )
    for n in range(1, 6):
        op.create_index(
            f"ix_vrs_latest_view_{n}", "vrs_latest", ["chain", f"view_total_{n}", "validator"]
        )

    # backfill: the newest score of each validator
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT s.* FROM vrs_scores s JOIN ("
            " SELECT chain, validator, MAX(calculated_at) AS at FROM vrs_scores"
            " GROUP BY chain, validator) n"
            " ON s.chain = n.chain AND s.validator = n.validator AND s.calculated_at = n.at"
        )
    ).fetchall()
    values = [
        {
            "chain": row.chain,
            "validator": row.validator,
            "calculated_at": row.calculated_at,
            "status": row.status,
            "confidence": row.confidence,
            **{f"view_total_{n}": _view_total(row, n) for n in range(1, 6)},
        }
        for row in rows
    ]
    columns = ["chain", "validator", "calculated_at", "status", "confidence"] + [
        f"view_total_{n}" for n in range(1, 6)
    ]
    insert = sa.text(
        f"INSERT INTO vrs_latest ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)})"
    )  # the values as read (SQLite's timestamps are text: passed through untouched)
    for start in range(0, len(values), 500):
        connection.execute(insert, values[start : start + 500])


def downgrade() -> None:
    op.drop_table("vrs_latest")
    with op.batch_alter_table("observed_validators", schema=None) as batch_op:
        batch_op.drop_index("ix_observed_validators_added_at")
    op.drop_table("observed_validators")
    op.drop_table("validator_labels")
    op.execute("DROP INDEX ix_eth_validators_pubkey")
    with op.batch_alter_table("eth_validators", schema=None) as batch_op:
        batch_op.drop_index("ix_eth_validators_rare_balance")
        batch_op.drop_index("ix_eth_validators_withdrawn_balance")
        batch_op.drop_index("ix_eth_validators_active_balance")
        batch_op.drop_index("ix_eth_validators_rare_status")
        batch_op.drop_index("ix_eth_validators_withdrawal_address")
        batch_op.create_index(
            "ix_eth_validators_withdrawal_address", ["withdrawal_address"], unique=False
        )
