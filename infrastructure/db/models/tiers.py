"""Tier limits: editable rows read at run time (DESIGN.md §5, §7)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base


class TierLimitsRow(Base):
    __tablename__ = "tier_limits"

    tier: Mapped[str] = mapped_column(String(8), primary_key=True)
    chains: Mapped[int] = mapped_column(Integer)
    watched_validators: Mapped[int | None] = mapped_column(Integer)  # NULL: unlimited
    vrs_factors: Mapped[int] = mapped_column(Integer)
    alerts: Mapped[int] = mapped_column(Integer)
    history_days: Mapped[int] = mapped_column(Integer)
    reward_days: Mapped[int | None] = mapped_column(Integer)  # NULL: all rewards
    rewards_export: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
