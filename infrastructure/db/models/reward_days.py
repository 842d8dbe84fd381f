"""The daily rollup of reward events (`reward_days`): per (chain, owner, position, UTC day
of `occurred_at`) the sums the performance block and the list's `day` granularity need,
so they read one row per position and day instead of grouping every hourly event.

Written in the same transaction as the events, only for events actually inserted
(`RewardEventRepository.add_many`), so it always equals the grouping of `reward_events`;
migration 0012 backfilled it from the events stored before. Rows belong to the wallet
address `owner` and are deleted with the account that linked it
(infrastructure/db/personal_data.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, UTCDateTime


class RewardDayRow(Base):
    __tablename__ = "reward_days"
    __table_args__ = (PrimaryKeyConstraint("chain", "owner", "day", "position_key"),)

    chain: Mapped[str] = mapped_column(String(8))
    owner: Mapped[str] = mapped_column(String(128))  # the wallet address
    day: Mapped[date] = mapped_column(Date)  # UTC day of the events' occurred_at
    position_key: Mapped[str] = mapped_column(String(200))
    validator: Mapped[str] = mapped_column(String(128))  # the greatest of the day's events
    amount: Mapped[int] = mapped_column(BigInteger)  # Σ signed base units
    events: Mapped[int] = mapped_column(Integer)
    estimated: Mapped[int] = mapped_column(Integer)  # events marked estimated
    stake_sum: Mapped[int] = mapped_column(BigInteger)  # Σ stake of the events with one
    stake_count: Mapped[int] = mapped_column(Integer)
    first_start: Mapped[datetime] = mapped_column(UTCDateTime())  # min(period_start or end)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())  # max(occurred_at)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())  # max(events' created_at)
