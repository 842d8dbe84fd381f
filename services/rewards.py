"""Rewards use cases (issue 14): the portfolio's performance block, the rewards list
(`GET /api/rewards`) and the yearly export (`GET /api/rewards/export`).

Reads only: the events are stored by the rewards ingest; their fiat values use the daily
closes (services/price_closes.py). Only the caller's own linked wallets are ever read.
The tier's `reward_days` (tier_limits, read per call) bounds how far back anything is
shown; `rewards_export` decides whether the export is allowed (else 403 TIER_LIMIT).

Called by: services/portfolio.py (`scored`), api/routers/rewards.py."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.errors import InvalidInput, NotFound
from domain.models import Chain, LinkedWallet, Tier
from domain.portfolio import Portfolio
from domain.portfolio.performance import PortfolioRewards, portfolio_rewards
from domain.real_yield import RealYield
from domain.rewards.daily_prices import day_start
from domain.rewards.export import ExportRow, export_row
from domain.rewards.windows import Windows, tier_first_day, tier_since
from domain.tiers import Feature, check
from infrastructure.db.uow import SqlUnitOfWork
from services import tiers

if TYPE_CHECKING:  # the repository's row types (it imports the ORM models on first use)
    from infrastructure.db.repositories.rewards_read import DayRow, StoredEvent, WalletKey

EXPORT_BATCH = 1000  # events read per statement while streaming the export


class Granularity(StrEnum):
    DAY = "day"  # one row per position and UTC day
    EPOCH = "epoch"  # one row per stored event (a SOL epoch, an ETH ingest, an ATOM accrual)


def _keys(wallets: Sequence[LinkedWallet]) -> list[WalletKey]:
    return [(w.chain.value, w.address) for w in wallets]


async def performance(
    uow: SqlUnitOfWork,
    portfolio: Portfolio,
    wallets: Sequence[LinkedWallet],
    reward_days: int | None,
    yields: Sequence[RealYield | None],
    now: datetime,
) -> PortfolioRewards:
    """The portfolio's performance block: the day totals of all its wallets (the daily
    rollup, and the events of the days a window edge cuts; whatever the number of
    positions) and one read of the closes of the days they fall on."""
    since = tier_since(now, reward_days)
    totals = await uow.rewards_read.day_totals(_keys(wallets), Windows(now=now, since=since))
    closes = {}
    if totals:
        chains = sorted({t.chain for t in totals})
        first, last = min(t.day for t in totals), max(t.day for t in totals)
        closes = await uow.rewards_read.closes(chains, first, last)
    return portfolio_rewards(portfolio, totals, closes, yields, since)


# --- the list ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RewardsQuery:
    chain: Chain | None
    wallet_id: uuid.UUID | None
    first: date | None  # inclusive UTC days
    last: date | None
    granularity: Granularity
    limit: int


@dataclass(frozen=True, slots=True)
class ListedEvent:
    stored: StoredEvent
    wallet: LinkedWallet


@dataclass(frozen=True, slots=True)
class ListedDay:
    row: DayRow
    wallet: LinkedWallet


@dataclass(frozen=True, slots=True)
class RewardsPage:
    items: tuple[ListedEvent | ListedDay, ...]
    closes: dict[tuple[str, date, str], Decimal]
    has_more: bool
    first: date | None  # the days shown, after the tier's clamp
    last: date
    clamped: bool  # the tier cut the span short (free: 30 days)


async def _wallets(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, wallet_id: uuid.UUID | None
) -> list[LinkedWallet]:
    mine = await uow.wallets.list_for_user(user_id)
    if wallet_id is not None:
        found = [w for w in mine if w.id == wallet_id]
        if not found:  # another user's wallet or none at all: the same answer
            raise NotFound("No such linked wallet.", details={"field": "walletId"})
        if chain is not None and found[0].chain is not chain:
            raise InvalidInput("The wallet is on another chain.", details={"field": "walletId"})
        return found
    return [w for w in mine if chain is None or w.chain is chain]


def _span(first: date | None, last: date) -> tuple[datetime | None, datetime]:
    return (None if first is None else day_start(first)), day_start(last) + timedelta(days=1)


async def list_rewards(
    uow: SqlUnitOfWork,
    user_id: uuid.UUID,
    tier: Tier,
    query: RewardsQuery,
    today: date,
    after: tuple[object, ...] | None = None,
) -> RewardsPage:
    """A page of the caller's rewards, newest first. `after`: the keyset position from
    the previous page's cursor ((time, id) per event, (day, chain, owner, key) per day)."""
    if query.first is not None and query.last is not None and query.first > query.last:
        raise InvalidInput("`from` is after `to`.", details={"field": "from"})
    wallets = await _wallets(uow, user_id, query.chain, query.wallet_id)
    limits = await tiers.limits_for(uow, tier)
    earliest = tier_first_day(today, limits.reward_days)
    first = query.first
    clamped = earliest is not None and (first is None or first < earliest)
    if clamped:
        first = earliest
    last = min(query.last or today, today)
    by_key = {(w.chain.value, w.address): w for w in wallets}
    items: list[ListedEvent | ListedDay] = []
    has_more = False
    if (first is None or first <= last) and wallets:
        start, end = _span(first, last)
        reads = uow.rewards_read
        if query.granularity is Granularity.EPOCH:
            position = None if after is None else (after[0], after[1])
            events = await reads.events_page(
                list(by_key),
                start,
                end,
                query.limit + 1,
                position,  # type: ignore[arg-type]
            )
            has_more = len(events) > query.limit
            items = [
                ListedEvent(e, by_key[(e.event.chain.value, e.event.owner)])
                for e in events[: query.limit]
            ]
        else:
            days = await reads.days_page(
                list(by_key),
                start,
                end,
                query.limit + 1,
                after,  # type: ignore[arg-type]
            )
            has_more = len(days) > query.limit
            items = [ListedDay(d, by_key[(d.chain.value, d.owner)]) for d in days[: query.limit]]
    closes = {}
    if items:
        chains = sorted({_chain(i) for i in items})
        day_list = [_day(i) for i in items]
        closes = await uow.rewards_read.closes(chains, min(day_list), max(day_list))
    return RewardsPage(
        items=tuple(items),
        closes=closes,
        has_more=has_more,
        first=first,
        last=last,
        clamped=clamped,
    )


def _chain(item: ListedEvent | ListedDay) -> Chain:
    return item.stored.event.chain if isinstance(item, ListedEvent) else item.row.chain


def _day(item: ListedEvent | ListedDay) -> date:
    if isinstance(item, ListedEvent):
        return item.stored.event.occurred_at.astimezone(UTC).date()
    return item.row.day


# --- the export ------------------------------------------------------------------------


async def check_export(uow: SqlUnitOfWork, tier: Tier, upgrade_url: str) -> None:
    """403 TIER_LIMIT (with the upgrade link) unless the tier may export (the one gate:
    domain.tiers.check of `rewards_export`)."""
    check(await tiers.limits_for(uow, tier), Feature.REWARDS_EXPORT, 0, upgrade_url)


async def export_rows(
    uow_factory: Callable[[], SqlUnitOfWork],
    user_id: uuid.UUID,
    year: int,
    currency: str,
) -> AsyncIterator[ExportRow]:
    """Every event of the user's wallets in `year` (UTC), oldest first, as export rows;
    read in batches, each in its own short unit of work (the response is streamed)."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    async with uow_factory() as uow:
        wallets = await uow.wallets.list_for_user(user_id)
    keys = _keys(wallets)
    after: tuple[datetime, int] | None = None
    while keys:
        async with uow_factory() as uow:
            batch = await uow.rewards_read.events_page(
                keys, start, end, EXPORT_BATCH, after, newest_first=False
            )
            if not batch:
                return
            days = [e.event.occurred_at.astimezone(UTC).date() for e in batch]
            chains = sorted({e.event.chain for e in batch})
            closes = await uow.rewards_read.closes(chains, min(days), max(days))
        for stored in batch:
            yield export_row(stored.event, closes, currency)
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1]
        after = (last.event.occurred_at, last.id)
