"""Daily closes: the demo network's `/coins/{id}/market_chart/range` in CoinGecko's wire
shape, the adapter picking each UTC day's last point, the backfill storing them once
(SQLite and PostgreSQL), and the refresh covering the reward events' span."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx

from domain.models import Chain
from infrastructure.chains.demo.prices import PricesDemo
from infrastructure.chains.demo.transport import DEMO_PRICE_API_URL
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import price_closes
from tests.api.rewards_events import event_row, forget_rewards, store_events

NOW = datetime(2026, 12, 3, 12, 30, tzinfo=UTC)


async def range_answer(coin: str, start: datetime, end: datetime, now: datetime) -> httpx.Response:
    url = f"{DEMO_PRICE_API_URL}/coins/{coin}/market_chart/range"
    params = {"vs_currency": "usd", "from": int(start.timestamp()), "to": int(end.timestamp())}
    return await PricesDemo(seed=42)(httpx.Request("GET", url, params=params), now)


async def test_the_demo_answers_market_chart_range_in_coingeckos_shape() -> None:
    response = await range_answer("solana", NOW - timedelta(days=2), NOW + timedelta(days=1), NOW)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"prices", "market_caps", "total_volumes"}
    stamps = [ms for ms, _ in body["prices"]]
    assert all(isinstance(ms, int) and isinstance(p, float) for ms, p in body["prices"])
    assert [ms for ms, _ in body["market_caps"]] == stamps == [m for m, _ in body["total_volumes"]]
    assert {b - a for a, b in itertools.pairwise(stamps)} == {3_600_000}  # hourly
    assert stamps[-1] <= NOW.timestamp() * 1000  # nothing after "now"
    long = (await range_answer("cosmos", NOW - timedelta(days=200), NOW, NOW)).json()["prices"]
    assert {ms % 86_400_000 for ms, _ in long} == {0}  # daily, at 00:00 UTC, beyond 90 days
    short = (await range_answer("ethereum", NOW - timedelta(hours=6), NOW, NOW)).json()["prices"]
    assert short[1][0] - short[0][0] == 300_000  # 5-minutely within a day
    assert (await range_answer("dogecoin", NOW - timedelta(days=1), NOW, NOW)).status_code == 404


async def test_backfill_stores_each_days_last_point_once(resources: Resources) -> None:
    await forget_rewards(resources, [])
    source = resources.chains().prices
    first, last = date(2026, 11, 20), date(2026, 11, 24)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(resources.session_factory)

    stored = await price_closes.backfill(uow, source, first, last, NOW)
    assert stored == 3 * 2 * 5  # chains × currencies × days
    async with uow() as work:
        closes = await work.rewards_read.closes(list(Chain), first, last)
    assert len(closes) == 30
    # the close is the day's last hourly point (23:00 UTC) of the demo's history
    late = datetime(2026, 11, 22, 23, tzinfo=UTC)
    end = late + timedelta(minutes=59)
    answer = (await range_answer("solana", late - timedelta(days=3), end, NOW)).json()
    expected = Decimal(str(answer["prices"][-1][1]))
    assert closes[("sol", date(2026, 11, 22), "usd")] == expected
    assert closes[("sol", date(2026, 11, 22), "eur")] < expected  # EUR is its own series
    # stored once: a second run reads nothing new
    assert await price_closes.backfill(uow, source, first, last, NOW) == 0


async def test_refresh_covers_the_span_of_the_stored_events(resources: Resources) -> None:
    owner = "rewards-closes-test"
    await forget_rewards(resources, [owner])
    early = datetime(2026, 10, 1, 8, tzinfo=UTC)
    await store_events(
        resources,
        [
            event_row(Chain.ATOM, owner, "k", early, 10),
            event_row(Chain.ATOM, owner, "k", early + timedelta(days=2), 10),
        ],
    )

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(resources.session_factory)

    now = datetime.now(UTC)
    await price_closes.refresh(uow, resources.chains().prices, now)
    async with uow() as work:
        closes = await work.rewards_read.closes([Chain.ATOM], early.date(), now.date())
    days = {d for (_, d, c) in closes if c == "usd"}
    assert {early.date(), (early + timedelta(days=1)).date(), now.date()} <= days
    assert (now - timedelta(days=1)).date() in days
    await forget_rewards(resources, [owner])
