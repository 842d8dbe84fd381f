"""Deterministic job ids: one id per (step, chain, period), so a duplicate trigger is a no-op."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


_FORMATS = {Period.HOUR: "%Y-%m-%dT%H", Period.DAY: "%Y-%m-%d", Period.MONTH: "%Y-%m"}


def job_id(step: str, chain: str | None, at: datetime, period: Period = Period.HOUR) -> str:
    if at.tzinfo is None:
        raise ValueError("job_id needs an aware datetime")
    stamp = at.astimezone(UTC).strftime(_FORMATS[period])
    return f"{step}:{chain or 'all'}:{stamp}"
