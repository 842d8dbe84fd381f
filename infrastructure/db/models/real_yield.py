"""Real yield: its parameters (`yield_config`, editable rows read at run time) and the
daily snapshots (`yield_snapshots`, immutable: PostgreSQL rejects UPDATE and DELETE by
trigger; the repository offers neither)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, DecimalText, UTCDateTime, utcnow
from infrastructure.db.models.chain_data import BigIntId


class YieldConfigRow(Base):
    """One parameter of the calculation (see domain/real_yield/parameters.py)."""

    __tablename__ = "yield_config"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)  # eth|sol|atom|all
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Decimal] = mapped_column(DecimalText())
    description: Mapped[str] = mapped_column(Text)


class YieldSnapshotRow(Base):
    """A validator's (or, with validator "_network", the chain's average) real yield on
    one day; the first computation of the day is kept."""

    __tablename__ = "yield_snapshots"
    __table_args__ = (UniqueConstraint("chain", "validator", "snapshot_date"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(8))
    validator: Mapped[str] = mapped_column(String(128))
    snapshot_date: Mapped[date] = mapped_column(Date)
    nominal_apy: Mapped[Decimal] = mapped_column(DecimalText())
    inflation_rate: Mapped[Decimal] = mapped_column(DecimalText())
    validator_fee: Mapped[Decimal] = mapped_column(DecimalText())
    slashing_risk: Mapped[Decimal] = mapped_column(DecimalText())
    real_yield: Mapped[Decimal] = mapped_column(DecimalText())
    real_yield_compounded: Mapped[Decimal] = mapped_column(DecimalText())
    commission: Mapped[Decimal] = mapped_column(DecimalText())
    slashing_factor: Mapped[Decimal] = mapped_column(DecimalText())
    performance: Mapped[Decimal | None] = mapped_column(DecimalText())
    earning: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[str] = mapped_column(String(8))  # exact | fallback
    fallback_inputs: Mapped[list[str]] = mapped_column(JSON, default=list)
    estimated_inputs: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the chain figures' time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
