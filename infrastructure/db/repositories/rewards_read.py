"""Reads of `reward_events` (written by the rewards ingest) for performance, the list and
the export, and the daily closes (`price_closes`) that value them.

Per-day sums come from the daily rollup `reward_days` (written with the events, see
`RewardEventRepository.add_many`): one row per position and day instead of every hourly
event. Only the few days a window edge cuts through are grouped from the events.

Every read names the wallets it may see as (chain, address) pairs: a caller never reads
another user's events. Days are UTC (`utc_day`: the same on PostgreSQL and SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, and_, case, func, or_, select, tuple_, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from domain.models import Chain
from domain.rewards.daily_prices import DailyClose
from domain.rewards.events import RewardEvent
from domain.rewards.performance import DayTotal
from domain.rewards.windows import Windows
from infrastructure.db.models import PriceCloseRow, RewardDayRow, RewardEventRow
from infrastructure.db.repositories.reward_events import event_from_row

WalletKey = tuple[str, str]  # (chain, address)
_CHUNK = 500


class utc_day(FunctionElement[date]):
    """The UTC calendar day of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(utc_day)
def _utc_day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:  # stored naive UTC
    return f"date({compiler.process(element.clauses, **kw)})"


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    event: RewardEvent
    fetched_at: datetime  # when it was stored


@dataclass(frozen=True, slots=True)
class DayRow:
    """One position's events of one UTC day, summed (the list's `day` granularity)."""

    day: date
    chain: Chain
    owner: str
    position_key: str
    validator: str
    amount: int
    events: int
    estimated: int
    fetched_at: datetime  # the newest of the events' storage times


def _event(row: RewardEventRow) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        event=event_from_row(row),
        fetched_at=row.created_at,
    )


def _owned(wallets: Sequence[WalletKey], table: Any = RewardEventRow) -> Any:
    return tuple_(table.chain, table.owner).in_(list(wallets))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _whole_day(moment: datetime | None, name: str) -> date | None:
    """The day starting at `moment` (a UTC midnight: the per-day reads read whole days)."""
    if moment is None:
        return None
    day = moment.astimezone(UTC).date()
    if _midnight(day) != moment:
        raise ValueError(f"{name} is not a UTC midnight")
    return day


def _span(start: datetime | None, end: datetime | None) -> list[Any]:
    clauses = []
    if start is not None:
        clauses.append(RewardEventRow.occurred_at >= start)
    if end is not None:
        clauses.append(RewardEventRow.occurred_at < end)
    return clauses


class RewardsReadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        dialect = session.get_bind().dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def day_totals(self, wallets: Sequence[WalletKey], windows: Windows) -> list[DayTotal]:
        """Every event of the wallets the windows show, summed per (position, UTC day,
        bucket): whatever the number of positions and days, two statements. A day no
        window edge (`since`, a bucket start, `now`) cuts through lies in one bucket and
        is read whole from the rollup; the few days an edge cuts through are grouped from
        the events themselves."""
        if not wallets:
            return []
        edges = [windows.now, *windows.bucket_starts]
        if windows.since is not None:
            edges.append(windows.since)
        cut = {e.astimezone(UTC).date() for e in edges}
        today = windows.now.astimezone(UTC).date()
        first = None if windows.since is None else windows.since.astimezone(UTC).date()
        d = RewardDayRow
        clauses = [_owned(wallets, d), d.day < today, d.day.not_in(sorted(cut))]
        if first is not None:
            clauses.append(d.day > first)
        statement = select(
            d.chain,
            d.owner,
            d.position_key,
            d.day,
            d.amount,
            d.events,
            d.estimated,
            d.stake_sum,
            d.stake_count,
            # the driver's timestamps as they come (`_utc` below): one row per position
            # and day adds up over a long history
            type_coerce(d.first_start, DateTime(timezone=True)),
            type_coerce(d.last_at, DateTime(timezone=True)),
        ).where(*clauses)
        buckets: dict[date, int] = {}
        chains = {c.value: c for c in Chain}
        out = []
        connection = await self._session.connection()  # plain rows, no ORM layer
        for row in (await connection.execute(statement)).all():  # fetched at once
            chain, owner, key, stored_day, amount, n, est, stake_sum, stake_n, start, end = row
            day = _as_date(stored_day)
            bucket = buckets.get(day)
            if bucket is None:  # the whole day is in one bucket: that of its start
                bucket = buckets[day] = windows.bucket(_midnight(day))
            out.append(
                DayTotal(
                    chain=chains[chain],
                    owner=owner,
                    position_key=key,
                    day=day,
                    bucket=bucket,
                    amount=int(amount),
                    events=int(n),
                    estimated=int(est),
                    stake_sum=int(stake_sum),
                    stake_count=int(stake_n),
                    start=_utc(start),
                    end=_utc(end),
                )
            )
        out.extend(await self._cut_day_totals(wallets, windows, sorted(cut)))
        return out

    async def _cut_day_totals(
        self, wallets: Sequence[WalletKey], windows: Windows, days: Sequence[date]
    ) -> list[DayTotal]:
        """`day_totals` of the given days, grouped from the events."""
        t = RewardEventRow
        # one index range (chain, owner, occurred_at) per wallet and run of adjacent days
        runs: list[list[date]] = []
        for day in sorted(days):
            if runs and runs[-1][1] + timedelta(days=1) == day:
                runs[-1][1] = day
            else:
                runs.append([day, day])
        on_days = or_(
            *(
                and_(
                    t.chain == chain,
                    t.owner == owner,
                    t.occurred_at >= _midnight(first),
                    t.occurred_at < _midnight(last + timedelta(days=1)),
                )
                for chain, owner in wallets
                for first, last in runs
            )
        )
        b0, b1, b2 = windows.bucket_starts
        each = (
            select(
                t.chain,
                t.owner,
                t.position_key,
                utc_day(t.occurred_at).label("day"),
                case(
                    (t.occurred_at >= b0, 0),
                    (t.occurred_at >= b1, 1),
                    (t.occurred_at >= b2, 2),
                    else_=3,
                ).label("bucket"),
                t.amount,
                case((t.estimated.is_(True), 1), else_=0).label("estimated"),
                t.stake,
                func.coalesce(t.period_start, t.occurred_at).label("start"),
                t.occurred_at,
            )
            .where(
                on_days,
                *_span(windows.since, None),
                t.occurred_at <= windows.now,
            )
            .subquery()
        )
        e = each.c
        statement = select(
            e.chain,
            e.owner,
            e.position_key,
            e.day,
            e.bucket,
            func.sum(e.amount),
            func.count(),
            func.sum(e.estimated),
            func.sum(e.stake),
            func.count(e.stake),
            func.min(e.start),
            func.max(e.occurred_at),
        ).group_by(e.chain, e.owner, e.position_key, e.day, e.bucket)
        out = []
        for (
            chain,
            owner,
            key,
            d,
            b,
            amount,
            n,
            est,
            stake_sum,
            stake_n,
            start,
            end,
        ) in await self._session.execute(statement):
            out.append(
                DayTotal(
                    chain=Chain(chain),
                    owner=owner,
                    position_key=key,
                    day=_as_date(d),
                    bucket=int(b),
                    amount=int(amount),
                    events=int(n),
                    estimated=int(est or 0),
                    stake_sum=int(stake_sum or 0),
                    stake_count=int(stake_n),
                    start=_utc(start),
                    end=_utc(end),
                )
            )
        return out

    async def events_page(
        self,
        wallets: Sequence[WalletKey],
        start: datetime | None,
        end: datetime | None,
        limit: int,
        after: tuple[datetime, int] | None = None,
        *,
        newest_first: bool = True,
    ) -> list[StoredEvent]:
        """Up to `limit` events of the wallets in [start, end), by (time, id), after the
        keyset position `after` (the previous page's last row)."""
        if not wallets:
            return []
        t = RewardEventRow
        clauses = [_owned(wallets), *_span(start, end)]
        if after is not None:
            at, ident = after
            if newest_first:
                clauses.append(or_(t.occurred_at < at, and_(t.occurred_at == at, t.id < ident)))
            else:
                clauses.append(or_(t.occurred_at > at, and_(t.occurred_at == at, t.id > ident)))
        order = (t.occurred_at.desc(), t.id.desc()) if newest_first else (t.occurred_at, t.id)
        rows = await self._session.scalars(select(t).where(*clauses).order_by(*order).limit(limit))
        return [_event(r) for r in rows]

    async def days_page(
        self,
        wallets: Sequence[WalletKey],
        start: datetime | None,
        end: datetime | None,
        limit: int,
        after: tuple[date, str, str, str] | None = None,
    ) -> list[DayRow]:
        """Up to `limit` (day, position) sums, newest day first, then by chain, wallet and
        position; after the keyset position `after` (day, chain, owner, position key).
        `start` and `end` are UTC midnights (whole days: read from the rollup)."""
        if not wallets:
            return []
        first, stop = _whole_day(start, "start"), _whole_day(end, "end")
        d = RewardDayRow
        clauses = [_owned(wallets, d)]
        if first is not None:
            clauses.append(d.day >= first)
        if stop is not None:
            clauses.append(d.day < stop)
        grouped = (
            select(
                d.day,
                d.chain,
                d.owner,
                d.position_key,
                d.validator,
                d.amount,
                d.events,
                d.estimated,
                d.fetched_at,
            )
            .where(*clauses)
            .subquery()
        )
        g = grouped.c
        statement = select(grouped)
        if after is not None:
            at_day, chain, owner, key = after
            statement = statement.where(
                or_(
                    g.day < at_day,
                    and_(
                        g.day == at_day,
                        or_(
                            g.chain > chain,
                            and_(g.chain == chain, g.owner > owner),
                            and_(g.chain == chain, g.owner == owner, g.position_key > key),
                        ),
                    ),
                )
            )
        statement = statement.order_by(g.day.desc(), g.chain, g.owner, g.position_key).limit(limit)
        return [
            DayRow(
                day=_as_date(r.day),
                chain=Chain(r.chain),
                owner=r.owner,
                position_key=r.position_key,
                validator=r.validator,
                amount=int(r.amount),
                events=int(r.events),
                estimated=int(r.estimated or 0),
                fetched_at=_utc(r.fetched_at),
            )
            for r in await self._session.execute(statement)
        ]

    async def event_span(self) -> tuple[datetime, datetime] | None:
        """The first and last event time of all stored events (the closes they need)."""
        first, last = (
            await self._session.execute(
                select(func.min(RewardEventRow.occurred_at), func.max(RewardEventRow.occurred_at))
            )
        ).one()
        if first is None or last is None:
            return None
        return _utc(first), _utc(last)

    # --- daily closes ------------------------------------------------------------------

    async def closes(
        self, chains: Sequence[Chain], first: date, last: date
    ) -> dict[tuple[str, date, str], Decimal]:
        """(chain, day, currency) -> the close, for the days first..last."""
        if not chains:
            return {}
        p = PriceCloseRow
        rows = await self._session.execute(
            select(p.chain, p.day, p.currency, p.price).where(
                p.chain.in_([c.value for c in chains]), p.day >= first, p.day <= last
            )
        )
        return {(chain, _as_date(day), currency): price for chain, day, currency, price in rows}

    async def close_days(self, chain: Chain, currency: str, first: date, last: date) -> set[date]:
        p = PriceCloseRow
        rows = await self._session.scalars(
            select(p.day).where(
                p.chain == chain.value, p.currency == currency, p.day >= first, p.day <= last
            )
        )
        return {_as_date(d) for d in rows}

    async def store_closes(self, closes: Sequence[DailyClose], fetched_at: datetime) -> None:
        rows = [
            {
                "chain": c.chain.value,
                "currency": c.currency,
                "day": c.day,
                "price": c.price,
                "priced_at": c.priced_at,
                "fetched_at": fetched_at,
            }
            for c in closes
        ]
        if not rows:
            return
        statement = self._insert(PriceCloseRow)
        statement = statement.on_conflict_do_update(
            index_elements=("chain", "currency", "day"),
            set_={k: statement.excluded[k] for k in ("price", "priced_at", "fetched_at")},
        )
        for start in range(0, len(rows), _CHUNK):
            await self._session.execute(statement, rows[start : start + _CHUNK])


def _utc(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is UTC:
        return value
    moment: datetime = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
