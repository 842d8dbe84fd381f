"""Reward events: what a position earned, per (position, period), from chain data.

One row per (chain, owner, position_key, period); the unique key makes a re-fetch
idempotent (insert … on conflict do nothing/update). Amounts are signed integers in
the chain's base unit (a penalty is negative). Rows belong to the wallet address
`owner`; they are deleted with the account that linked that wallet
(infrastructure/db/personal_data.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, UTCDateTime, utcnow
from infrastructure.db.models.chain_data import BigIntId


class RewardEventRow(Base):
    __tablename__ = "reward_events"
    __table_args__ = (
        UniqueConstraint("chain", "owner", "position_key", "period"),
        # a wallet's events in time order (the list's keyset and the export)
        Index("ix_reward_events_owner_time", "chain", "owner", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    owner: Mapped[str] = mapped_column(String(128))  # the wallet address
    position_key: Mapped[str] = mapped_column(String(200))  # staking_positions.key
    validator: Mapped[str] = mapped_column(String(128))
    # what makes the event unique within the position, e.g. "epoch:812" (SOL),
    # "ingest:2026-12-03T14:00Z" (ETH balance delta), "withdrawal:123456" (ETH),
    # "accrual:<from>/<to>" (ATOM)
    period: Mapped[str] = mapped_column(String(96))
    kind: Mapped[str] = mapped_column(String(12))  # reward | penalty | commission
    amount: Mapped[int] = mapped_column(BigInteger)  # signed, base units
    stake: Mapped[int | None] = mapped_column(BigInteger)  # the position's stake then
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())  # period end (UTC)
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    epoch: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(128))  # tx hash, slot, epoch …
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
