"""Validator Risk Score: its tunable numbers (`vrs_config`, editable rows read at run
time) and the scores (`vrs_scores`, immutable: PostgreSQL rejects UPDATE, DELETE and
TRUNCATE by trigger; the repository offers no update or delete)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, DecimalText, UTCDateTime, utcnow
from infrastructure.db.models.chain_data import BigIntId


class VrsConfigRow(Base):
    """One number of domain/vrs/config.py: `weight.<factor>`, `window.*`, `pending_days` …"""

    __tablename__ = "vrs_config"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(48))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VrsScoreRow(Base):
    """A validator's score as of `calculated_at` (the pipeline's hour: one row per
    validator and hour). Factor columns NULL: unavailable (or pending)."""

    __tablename__ = "vrs_scores"
    __table_args__ = (
        UniqueConstraint("chain", "validator", "calculated_at"),  # also the lookup index
        Index("ix_vrs_scores_chain_calculated_at", "chain", "calculated_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    validator: Mapped[str] = mapped_column(String(128))
    calculated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(8))  # scored | pending
    total: Mapped[int | None] = mapped_column(SmallInteger)
    uptime_score: Mapped[int | None] = mapped_column(SmallInteger)
    slashing_score: Mapped[int | None] = mapped_column(SmallInteger)
    commission_score: Mapped[int | None] = mapped_column(SmallInteger)
    performance_score: Mapped[int | None] = mapped_column(SmallInteger)
    decentralization_score: Mapped[int | None] = mapped_column(SmallInteger)
    uptime_weight: Mapped[Decimal] = mapped_column(DecimalText())
    slashing_weight: Mapped[Decimal] = mapped_column(DecimalText())
    commission_weight: Mapped[Decimal] = mapped_column(DecimalText())
    performance_weight: Mapped[Decimal] = mapped_column(DecimalText())
    decentralization_weight: Mapped[Decimal] = mapped_column(DecimalText())
    data_days: Mapped[int] = mapped_column(SmallInteger)
    confidence: Mapped[str] = mapped_column(String(8))  # high | medium | low
    methodology_version: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


VIEW_TOTALS = 5  # view_total_1 .. view_total_5: the total a tier showing n factors sees


class VrsLatestRow(Base):
    """The newest score of each validator (a denormalised copy of its newest vrs_scores
    row, upserted with it): what the list rows show and sort by without reading the
    append-only history. `view_total_n` is the total of the view showing the first n
    factors (domain/vrs/tiers.py), so any tier's view sorts in SQL."""

    __tablename__ = "vrs_latest"
    # the list's vrs order of each view (scanned backwards: highest total first)
    __table_args__ = tuple(
        Index(f"ix_vrs_latest_view_{n}", "chain", f"view_total_{n}", "validator")
        for n in range(1, 6)
    )

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    calculated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[str] = mapped_column(String(8))
    view_total_1: Mapped[int | None] = mapped_column(SmallInteger)
    view_total_2: Mapped[int | None] = mapped_column(SmallInteger)
    view_total_3: Mapped[int | None] = mapped_column(SmallInteger)
    view_total_4: Mapped[int | None] = mapped_column(SmallInteger)
    view_total_5: Mapped[int | None] = mapped_column(SmallInteger)


class VrsRollupRow(Base):
    """One validator's observations of one UTC day, rolled up for the risk score
    (domain/vrs/rollup.py): `data` holds the rollup as JSON (decimals as text: exact).
    Pruned with the observations; rebuilt from them when missing."""

    __tablename__ = "vrs_rollups"
    __table_args__ = (Index("ix_vrs_rollups_day", "day"),)

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    samples: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)


class VrsRollupSpanRow(Base):
    """One validator's daily rollups of consecutive days inside one score window, merged
    (domain/vrs/rollup.py `merge`): the older part of a window changes once a day, so an
    hourly run reads one row per validator and window instead of ~88 daily ones.
    `set_rollups`/`set_samples`: the chain's daily rollup rows of [first_day, last_day]
    and their samples when the set was built — it is used only while they still match
    (a day rolled up anew after a late write, or pruned, invalidates it)."""

    __tablename__ = "vrs_rollup_spans"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_day: Mapped[date] = mapped_column(Date, primary_key=True)
    validator: Mapped[str] = mapped_column(String(128), primary_key=True)
    set_rollups: Mapped[int] = mapped_column(Integer)
    set_samples: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[str] = mapped_column(Text)
