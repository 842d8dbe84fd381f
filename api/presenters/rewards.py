"""Rewards domain values -> wire models (contract v1): performance blocks, list pages and
their cursors, and the CSV export's bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from api.cursors import CursorSigner
from api.presenters.chain_values import amount, decimal_text, fiat
from api.schemas.common import Fiat
from api.schemas.rewards import (
    ChainPerformanceOut,
    PerformanceWindowOut,
    PortfolioPerformanceOut,
    PortfolioWindowOut,
    PositionPerformanceOut,
    RewardOut,
    RewardsMeta,
    RewardsResponse,
)
from domain.addresses import shorten
from domain.amounts import CURRENCIES, Prices, value
from domain.errors import InvalidCursor
from domain.models import Chain
from domain.portfolio.performance import PortfolioRewards
from domain.rewards.export import ExportRow, header
from domain.rewards.performance import Performance, WindowPerformance
from services.rewards import Granularity, ListedEvent, RewardsPage

CURSOR_KIND = "rewards"
CSV_CHUNK_ROWS = 500  # rows per streamed chunk


def _rate(rate: Decimal | None) -> str | None:
    return None if rate is None else decimal_text(rate)


def window_out(part: WindowPerformance, latest: Prices) -> PerformanceWindowOut:
    chain = part.rewards.chain
    return PerformanceWindowOut(
        window=part.window.value,
        rewards=amount(part.rewards),
        events=part.events,
        estimated_events=part.estimated,
        average_stake=None
        if part.average_stake is None
        else amount(value(chain, part.average_stake, latest)),
        covered_from=part.covered_from,
        covered_to=part.covered_to,
        covered_days=decimal_text(part.covered_days),
        realised_apy=_rate(part.realised_apy),
        confidence=part.confidence.value,
    )


def position_performance_out(value_: Performance, latest: Prices) -> PositionPerformanceOut:
    return PositionPerformanceOut(windows=[window_out(w, latest) for w in value_.windows])


def portfolio_performance_out(rewards: PortfolioRewards, latest: Prices) -> PortfolioPerformanceOut:
    return PortfolioPerformanceOut(
        windows=[
            PortfolioWindowOut(
                window=w.window.value,
                fiat=None if w.fiat is None else fiat(w.fiat),
                events=w.events,
                estimated_events=w.estimated,
                realised_apy=_rate(w.realised_apy),
                confidence=w.confidence.value,
            )
            for w in rewards.windows
        ],
        chains=[
            ChainPerformanceOut(
                chain=c.chain,
                windows=[window_out(w, latest) for w in c.performance.windows],
                nominal_apy=_rate(c.nominal_apy),
                real_yield=_rate(c.real_yield),
            )
            for c in rewards.chains
        ],
        nominal_apy=_rate(rewards.nominal_apy),
        real_yield=_rate(rewards.real_yield),
        since=rewards.since,
    )


# --- the list ------------------------------------------------------------------------


def _day_prices(
    closes: dict[tuple[str, date, str], Decimal], chain: Chain, day: date
) -> dict[tuple[str, str], Decimal]:
    return {
        (chain.value, c): closes[(chain.value, day, c)]
        for c in CURRENCIES
        if (chain.value, day, c) in closes
    }


def _price(prices: dict[tuple[str, str], Decimal], chain: Chain) -> Fiat | None:
    if not prices:
        return None
    return Fiat(
        usd=_opt(prices.get((chain.value, "usd"))), eur=_opt(prices.get((chain.value, "eur")))
    )


def _opt(number: Decimal | None) -> str | None:
    return None if number is None else decimal_text(number)


def reward_out(item: Any, closes: dict[tuple[str, date, str], Decimal]) -> RewardOut:
    if isinstance(item, ListedEvent):
        e = item.stored.event
        day = e.occurred_at.astimezone(UTC).date()
        prices = _day_prices(closes, e.chain, day)
        return RewardOut(
            chain=e.chain,
            wallet_id=item.wallet.id,
            wallet=shorten(e.owner),
            validator_id=f"{e.chain.value}:{e.validator}",
            position=e.position_key,
            day=day,
            occurred_at=e.occurred_at,
            period_start=e.period_start,
            kind=e.kind.value,
            amount=amount(value(e.chain, e.amount, prices)),
            price=_price(prices, e.chain),
            epoch=e.epoch,
            source=e.source,
            period=e.period,
            events=1,
            estimated=e.estimated,
            fetched_at=item.stored.fetched_at,
        )
    row = item.row
    prices = _day_prices(closes, row.chain, row.day)
    return RewardOut(
        chain=row.chain,
        wallet_id=item.wallet.id,
        wallet=shorten(row.owner),
        validator_id=f"{row.chain.value}:{row.validator}",
        position=row.position_key,
        day=row.day,
        occurred_at=None,
        kind=None,
        amount=amount(value(row.chain, row.amount, prices)),
        price=_price(prices, row.chain),
        events=row.events,
        estimated=row.estimated > 0,
        fetched_at=row.fetched_at,
    )


def cursor_of(page: RewardsPage, granularity: Granularity) -> dict[str, Any] | None:
    if not page.has_more or not page.items:
        return None
    last = page.items[-1]
    if isinstance(last, ListedEvent):
        at = last.stored.event.occurred_at.astimezone(UTC).isoformat()
        return {"k": CURSOR_KIND, "g": "epoch", "at": at, "id": last.stored.id}
    row = last.row
    return {
        "k": CURSOR_KIND,
        "g": granularity.value,
        "day": row.day.isoformat(),
        "c": row.chain.value,
        "o": row.owner,
        "p": row.position_key,
    }


def parse_cursor(signer: CursorSigner, cursor: str, granularity: Granularity) -> tuple[Any, ...]:
    """The keyset position of a cursor we issued for this listing (else 400)."""
    values = signer.verify(cursor)
    try:
        if values.get("k") != CURSOR_KIND or values.get("g") != granularity.value:
            raise ValueError("another listing's cursor")
        if granularity is Granularity.EPOCH:
            return (datetime.fromisoformat(values["at"]), int(values["id"]))
        return (
            date.fromisoformat(values["day"]),
            str(values["c"]),
            str(values["o"]),
            str(values["p"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidCursor(details={"field": "cursor"}) from exc


def page_json(
    page: RewardsPage,
    granularity: Granularity,
    limit: int,
    signer: CursorSigner,
    upgrade_url: str,
) -> bytes:
    after = cursor_of(page, granularity)
    meta = RewardsMeta.model_validate(
        {
            "nextCursor": None if after is None else signer.sign(after),
            "limit": limit,
            "granularity": granularity.value,
            "from": page.first,
            "to": page.last,
            "clamped": page.clamped,
            "upgradeUrl": upgrade_url if page.clamped else None,
        }
    )
    body = RewardsResponse(data=[reward_out(i, page.closes) for i in page.items], meta=meta)
    return body.model_dump_json().encode()


# --- the export ------------------------------------------------------------------------


class _Line:
    """A file-like sink for csv.writer: hands back what one row wrote."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def take(self) -> bytes:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text.encode("utf-8")


async def csv_stream(rows: AsyncIterator[ExportRow], currency: str) -> AsyncIterator[bytes]:
    """RFC 4180 (CRLF line ends, quoted as needed), UTF-8, a header row first."""
    sink = _Line()
    writer = csv.writer(sink.buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow(header(currency))
    written = 0
    async for row in rows:
        writer.writerow(row.cells())
        written += 1
        if written % CSV_CHUNK_ROWS == 0:
            yield sink.take()
    yield sink.take()
