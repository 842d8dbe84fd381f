"""Daily closing prices per asset and currency (the rewards' fiat values, the export).

One row per (chain, currency, day): the last price of that UTC day, from the price
API's history (`/coins/{id}/market_chart/range`). A separate table rather than rows in
`prices` (the live quotes, keyed by fetch time): a day's close is looked up by its day
with one indexed read, a backfill upserts it in place, and the live quotes keep their
meaning (the newest one wins). A day without a row has no known price: its fiat values
are null, never guessed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from infrastructure.db.base import Base, DecimalText, UTCDateTime, utcnow


class PriceCloseRow(Base):
    __tablename__ = "price_closes"

    chain: Mapped[str] = mapped_column(String(8), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC
    price: Mapped[Decimal] = mapped_column(DecimalText())  # per whole coin
    # the instant of the price taken as the close (the day's last point)
    priced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
