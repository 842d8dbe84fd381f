"""Chain data (DESIGN.md §5): validators, the ETH validator set, observations,
staking positions, watched validators, chain metrics, prices, per-chain sync state.

Natural keys throughout ((chain, address) for validators), so a re-fetch upserts in
place and history never points at a vanished surrogate id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, DecimalText, UTCDateTime, utcnow

# the beacon statuses most validators have (mainnet and demo): not in the status index
COMMON_STATUSES = ("active_ongoing", "withdrawal_done")
RARE_STATUS_SQL = "status NOT IN ('active_ongoing', 'withdrawal_done')"
ACTIVE_SQL = "status = 'active_ongoing'"
WITHDRAWN_SQL = "status = 'withdrawal_done'"

# pubkey lookups: PostgreSQL indexes the pubkey's last 8 bytes as a BIGINT (1.2 s to build
# for 1.1M rows where the 98-character text takes 3.9 s), SQLite the pubkey itself
PUBKEY_INDEX = "ix_eth_validators_pubkey"
PUBKEY_KEY_SQL = "(('x' || substr(pubkey, 83, 16))::bit(64)::bigint)"
# an owner's validators in balance order: likewise PostgreSQL indexes the withdrawal
# address's last 8 bytes as a BIGINT, then (balance, index) — 1.4 s to build for 1.1M rows
# where (withdrawal_address, balance, index) on the 42-character text takes 2.7-3.5 s;
# queries match the key and the address (address_match); SQLite indexes the address itself
ADDRESS_INDEX = "ix_eth_validators_withdrawal_address"
ADDRESS_KEY_SQL = "(('x' || substr(withdrawal_address, 27, 16))::bit(64)::bigint)"


def hex_key(value: str) -> int:
    """The BIGINT the expression indexes hold for a 0x-hex value: its last 8 bytes as a
    signed 64-bit integer (as PostgreSQL's `bit(64)::bigint` reads them)."""
    key = int(value[-16:], 16)
    return key - (1 << 64) if key >= 1 << 63 else key


# SQLite only auto-increments an INTEGER PRIMARY KEY
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class EthValidatorRow(Base):
    """The whole Ethereum validator set (~1.1M rows), replaced wholesale by a bulk
    load on each fetch (see infrastructure/db/eth_validator_set.py)."""

    __tablename__ = "eth_validators"
    # the list's keyset orders (infrastructure/db/repositories/eth_validators.py): balance
    # per status (scanned backwards: largest first); index within the statuses few
    # validators have (a status most have is found by scanning the primary key); pubkey
    # lookups; an owner's validators.
    # The bulk load builds the same ones after COPY (eth_validator_set.INDEXES). Pubkey
    # lookups and an owner's validators have per-dialect indexes outside the model
    # (PUBKEY_INDEX, ADDRESS_INDEX; migrations/env.py).
    __table_args__ = (
        # balance order per status: a partial (balance, index) index for each of the two
        # statuses most validators have, (status, balance, index) for the rare ones —
        # narrower keys than one (status, balance, index) over all rows (1.2 s less to
        # build for 1.1M rows, bench/eth_ingest.py)
        Index(
            "ix_eth_validators_active_balance",
            "balance",
            "index",
            postgresql_where=text(ACTIVE_SQL),
            sqlite_where=text(ACTIVE_SQL),
        ),
        Index(
            "ix_eth_validators_withdrawn_balance",
            "balance",
            "index",
            postgresql_where=text(WITHDRAWN_SQL),
            sqlite_where=text(WITHDRAWN_SQL),
        ),
        Index(
            "ix_eth_validators_rare_balance",
            "status",
            "balance",
            "index",
            postgresql_where=text(RARE_STATUS_SQL),
            sqlite_where=text(RARE_STATUS_SQL),
        ),
        Index(
            "ix_eth_validators_rare_status",
            "status",
            "index",
            postgresql_where=text(RARE_STATUS_SQL),
            sqlite_where=text(RARE_STATUS_SQL),
        ),
    )

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pubkey: Mapped[str] = mapped_column(String(98))
    withdrawal_prefix: Mapped[int] = mapped_column(SmallInteger)
    withdrawal_address: Mapped[str | None] = mapped_column(String(42))
    status: Mapped[str] = mapped_column(String(24))
    slashed: Mapped[bool] = mapped_column(Boolean)
    balance: Mapped[int] = mapped_column(BigInteger)
    effective_balance: Mapped[int] = mapped_column(BigInteger)
    activation_epoch: Mapped[int | None] = mapped_column(BigInteger)
    exit_epoch: Mapped[int | None] = mapped_column(BigInteger)


class ValidatorRow(Base):
    """Validators of every chain: the whole SOL and ATOM sets; ETH validators that
    someone stakes with or watches (the full ETH set lives in eth_validators)."""

    __tablename__ = "validators"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    address: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    stake: Mapped[int] = mapped_column(BigInteger)
    commission: Mapped[Decimal | None] = mapped_column(DecimalText())
    jailed: Mapped[bool] = mapped_column(Boolean, default=False)
    slashed: Mapped[bool] = mapped_column(Boolean, default=False)
    identity: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ValidatorObservationRow(Base):
    """Hourly health samples (kept 90 days): the input of the risk score."""

    __tablename__ = "validator_observations"
    __table_args__ = (UniqueConstraint("chain", "validator", "observed_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    validator: Mapped[str] = mapped_column(String(128))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    stake: Mapped[int | None] = mapped_column(BigInteger)
    commission: Mapped[Decimal | None] = mapped_column(DecimalText())
    jailed: Mapped[bool] = mapped_column(Boolean, default=False)
    slashed: Mapped[bool] = mapped_column(Boolean, default=False)
    tombstoned: Mapped[bool] = mapped_column(Boolean, default=False)
    uptime: Mapped[Decimal | None] = mapped_column(DecimalText())
    performance: Mapped[Decimal | None] = mapped_column(DecimalText())
    skip_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    missed_blocks: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str | None] = mapped_column(String(64))


class StakingPositionRow(Base):
    """A wallet address's stake, as last fetched (replaced per address on each fetch)."""

    __tablename__ = "staking_positions"
    __table_args__ = (Index("ix_staking_positions_chain_validator", "chain", "validator"),)

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    validator: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    rewards: Mapped[int | None] = mapped_column(BigInteger)
    completes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WatchedValidatorRow(Base):
    __tablename__ = "watched_validators"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ObservedValidatorRow(Base):
    """Validators added to the observed set by a signed-in view (the ETH set beyond the
    staked and watched ones): the ingest observes them hourly, the VRS step scores them.
    Growth is capped (domain/observed.py)."""

    __tablename__ = "observed_validators"
    __table_args__ = (Index("ix_observed_validators_added_at", "added_at"),)

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # view
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ValidatorLabelRow(Base):
    """Operator labels of validators without an on-chain name (ETH): shown as the name.
    Seeded on the demo network only; admins edit them (issue 16)."""

    __tablename__ = "validator_labels"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    address: Mapped[str] = mapped_column(String(128), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChainMetricsRow(Base):
    __tablename__ = "chain_metrics"
    __table_args__ = (UniqueConstraint("chain", "observed_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total_staked: Mapped[int] = mapped_column(BigInteger)
    total_supply: Mapped[int | None] = mapped_column(BigInteger)
    validator_count: Mapped[int] = mapped_column(Integer)
    active_validator_count: Mapped[int] = mapped_column(Integer)
    inflation: Mapped[Decimal | None] = mapped_column(DecimalText())
    nominal_apr: Mapped[Decimal | None] = mapped_column(DecimalText())
    bonded_ratio: Mapped[Decimal | None] = mapped_column(DecimalText())
    community_tax: Mapped[Decimal | None] = mapped_column(DecimalText())
    epoch: Mapped[int | None] = mapped_column(BigInteger)
    estimated: Mapped[list[str]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PriceRow(Base):
    __tablename__ = "prices"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    price: Mapped[Decimal] = mapped_column(DecimalText())


class ChainSyncRow(Base):
    """Per chain and step: when it last succeeded, and the last failure with its time."""

    __tablename__ = "chain_sync"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    items: Mapped[int | None] = mapped_column(Integer)


class ErrorLogRow(Base):
    """Final failures for the operator (jobs that failed after all retries)."""

    __tablename__ = "error_log"
    __table_args__ = (Index("ix_error_log_occurred_at", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
