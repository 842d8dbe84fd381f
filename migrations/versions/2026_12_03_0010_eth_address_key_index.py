"""eth_validators: an owner's validators through the withdrawal address's last 8 bytes;
the table unlogged

PostgreSQL indexes `(address key, balance, index)` where the key is the address's last 8
bytes as a BIGINT (as the pubkey index already does): the hourly bulk load rebuilds it in
~1.4 s for 1.1M rows where the 42-character text took 2.7-3.5 s. Queries match the key and
the address. SQLite keeps `(withdrawal_address, balance, index)`. Either way the index is
created here and by the bulk load, outside the model (migrations/env.py).

On PostgreSQL the table becomes UNLOGGED, as the bulk load creates its replacement:
chain data replaced wholesale every hour, re-fetched after a crash (which empties it).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADDRESS_KEY_SQL = "(('x' || substr(withdrawal_address, 27, 16))::bit(64)::bigint)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_eth_validators_withdrawal_address")
        op.execute(
            "CREATE INDEX ix_eth_validators_withdrawal_address "
            f'ON eth_validators ({ADDRESS_KEY_SQL}, balance, "index")'
        )
        op.execute("ALTER TABLE eth_validators SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE eth_validators SET LOGGED")
        op.execute("DROP INDEX ix_eth_validators_withdrawal_address")
        op.execute(
            "CREATE INDEX ix_eth_validators_withdrawal_address "
            'ON eth_validators (withdrawal_address, balance, "index")'
        )
