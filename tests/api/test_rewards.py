"""GET /api/rewards and /api/rewards/export, and the portfolio's performance block, over
reward events stored directly (as the rewards ingest would) and daily closes backfilled
from the demo network's price history: listing, cursors, bad input, other users'
wallets, tiers, API keys, the CSV's totals against the API's, and cell injection."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from domain.models import Chain, Tier
from infrastructure.db.models import TierLimitsRow
from infrastructure.db.uow import SqlUnitOfWork
from services import price_closes
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.rewards_events import event_row, forget_rewards, store_events
from tests.api.test_vrs import make_pro
from tests.api.tiers_setup import as_pro
from tests.api.wallets import Wallet

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)  # set again per test
GWEI, LAMPORTS = 10**9, 10**9


@pytest.fixture(autouse=True)
async def _this_hour() -> None:
    """NOW is the hour each test runs in, not the hour the module was imported in: the app
    reads the real clock, so a run that crossed an hour after collection moved the 24 h
    window's edge past the oldest seeded hour. In an hour's last two minutes it waits
    for the next hour, so no test straddles one."""
    global NOW
    now = datetime.now(UTC)
    if now.minute >= 58:
        await asyncio.sleep(60 * (60 - now.minute) - now.second + 1)
        now = datetime.now(UTC)
    NOW = now.replace(minute=0, second=0, microsecond=0)


@dataclass
class Rewarded:
    app: Any
    client: Any
    auth: dict[str, str]
    user_id: str
    sol: Wallet
    eth: Wallet
    wallet_ids: dict[str, str]
    other_wallet_id: str


def events_for(sol: str, eth: str) -> list[Any]:
    """SOL: 20 epochs (2 days each) on 100 SOL, the oldest 40 days ago; ETH: hourly
    rewards over the last 3 days on 32 ETH, one penalty, and one event 50 days ago."""
    rows = [
        event_row(
            Chain.SOL,
            sol,
            "stake-1",
            NOW - timedelta(days=2 * n, hours=1),
            27_000_000 + n,
            validator="vote-1",
            hours=48,
            stake=100 * LAMPORTS,
            epoch=800 - n,
            source=f"epoch:{800 - n}",
        )
        for n in range(20)
    ]
    rows += [
        event_row(
            Chain.ETH,
            eth,
            "4242",
            NOW - timedelta(hours=h),
            110_000 + h,
            validator="4242",
            stake=32 * GWEI,
        )
        for h in range(1, 72)
    ]
    rows.append(event_row(Chain.ETH, eth, "4242", NOW - timedelta(hours=80), -5_000))
    rows.append(
        event_row(
            Chain.ETH,
            eth,
            "4242",
            NOW - timedelta(days=50),
            2_000_000,
            validator="=1+2",
            stake=32 * GWEI,
        )
    )
    return rows


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> None:
    body = wallet.proof(await get_nonce(client))
    response = await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)
    assert response.status_code == 201, response.text


@pytest.fixture
async def rewarded(start_app: Any, backend: dict[str, str]) -> AsyncIterator[Rewarded]:
    async with start_app(**backend) as (app, client):
        sol, eth = Wallet.new(Chain.SOL), Wallet.new(Chain.ETH)
        data = await sign_in(client, sol)
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        async with as_pro(app, client, auth):  # two chains: linked as pro, then free again
            await _link(client, auth, eth)
        other = Wallet.new(Chain.SOL)
        other_data = await sign_in(client, other)
        client.cookies.clear()
        other_wallets = await client.get(
            "/api/me/wallets", headers=bearer(other_data["accessToken"])
        )
        resources = app.state.resources
        await forget_rewards(resources, [sol.address, eth.address, other.address])
        await store_events(resources, events_for(sol.address, eth.address))
        await store_events(
            resources, [event_row(Chain.SOL, other.address, "x", NOW - timedelta(hours=3), 999)]
        )

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(resources.session_factory)

        await price_closes.backfill(
            uow, resources.chains().prices, (NOW - timedelta(days=60)).date(), NOW.date(), NOW
        )
        linked = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        yield Rewarded(
            app=app,
            client=client,
            auth=auth,
            user_id=data["user"]["id"],
            sol=sol,
            eth=eth,
            wallet_ids={w["chain"]: w["id"] for w in linked},
            other_wallet_id=other_wallets.json()["data"][0]["id"],
        )
        await forget_rewards(resources, [sol.address, eth.address, other.address])


async def _pro(r: Rewarded) -> dict[str, str]:
    await make_pro(r.app, r.user_id)
    data = await sign_in(r.client, r.sol)  # a new session reads the tier afresh
    r.client.cookies.clear()
    return bearer(data["accessToken"])


async def _all(client: Any, auth: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/rewards", params=query, headers=auth)
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["data"]
        cursor = body["meta"]["nextCursor"]
        if cursor is None:
            return rows


async def test_the_list_pages_through_the_callers_events_only(rewarded: Rewarded) -> None:
    r = rewarded
    auth = await _pro(r)
    rows = await _all(r.client, auth, limit=7)
    assert len(rows) == 20 + 71 + 1 + 1  # all of the caller's, none of the other user's
    times = [row["occurredAt"] for row in rows]
    assert times == sorted(times, reverse=True)  # newest first, no repeats across pages
    assert len({(row["position"], row["occurredAt"]) for row in rows}) == len(rows)
    first = rows[0]
    assert first["walletId"] in r.wallet_ids.values() and "…" in first["wallet"]
    assert first["amount"]["baseUnits"].lstrip("-").isdigit() and first["fetchedAt"].endswith("Z")
    assert first["amount"]["fiat"]["usd"] is not None and first["price"]["usd"] is not None
    penalty = next(row for row in rows if row["kind"] == "penalty")
    assert penalty["amount"]["baseUnits"] == "-5000" and penalty["amount"]["display"] == "-0.000005"
    sol = [row for row in rows if row["chain"] == "sol"]
    assert sol[0]["epoch"] == 800 and sol[0]["source"] == "epoch:800"
    # filters: chain, wallet, days
    only_sol = await _all(r.client, auth, chain="sol", limit=500)
    assert {row["chain"] for row in only_sol} == {"sol"} and len(only_sol) == 20
    by_wallet = await _all(r.client, auth, walletId=r.wallet_ids["eth"])
    assert {row["chain"] for row in by_wallet} == {"eth"} and len(by_wallet) == 73
    day = (NOW - timedelta(days=1)).date().isoformat()
    one_day = await _all(r.client, auth, **{"from": day, "to": day})
    assert one_day and all(row["day"] == day for row in one_day)
    # day granularity: the same sums, per position and day
    days = await _all(r.client, auth, granularity="day", limit=3)
    assert sum(int(d["amount"]["baseUnits"]) for d in days) == sum(
        int(e["amount"]["baseUnits"]) for e in rows
    )
    assert sum(d["events"] for d in days) == len(rows)
    assert [d["day"] for d in days] == sorted((d["day"] for d in days), reverse=True)


async def test_bad_input_and_other_users_wallets_are_refused(rewarded: Rewarded) -> None:
    r = rewarded
    get = r.client.get
    other = await get("/api/rewards", params={"walletId": r.other_wallet_id}, headers=r.auth)
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
    unknown = await get("/api/rewards", params={"walletId": str(uuid.uuid4())}, headers=r.auth)
    assert unknown.status_code == 404
    for params in (
        {"chain": "doge"},
        {"granularity": "hour"},
        {"from": "2026-13-01"},
        {"from": "2026-12-02", "to": "2026-12-01"},
        {"limit": 0},
        {"walletId": "not-a-uuid"},
        {"walletId": r.wallet_ids["eth"], "chain": "sol"},
    ):
        response = await get("/api/rewards", params=params, headers=r.auth)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["code"] == "VALIDATION_ERROR"
    page = await get("/api/rewards", params={"limit": 1}, headers=r.auth)
    cursor = page.json()["meta"]["nextCursor"]
    assert cursor
    tampered = await get("/api/rewards", params={"cursor": cursor[:-2] + "xx"}, headers=r.auth)
    assert tampered.status_code == 400 and tampered.json()["code"] == "INVALID_CURSOR"
    wrong_kind = await get(
        "/api/rewards", params={"cursor": cursor, "granularity": "day"}, headers=r.auth
    )
    assert wrong_kind.status_code == 400
    assert (await get("/api/rewards")).status_code == 401
    assert (await get("/api/rewards/export", params={"year": 2026})).status_code == 401


async def test_free_sees_30_days_and_cannot_export(rewarded: Rewarded) -> None:
    r = rewarded
    response = await r.client.get("/api/rewards", params={"limit": 500}, headers=r.auth)
    body = response.json()
    oldest = min(row["day"] for row in body["data"])
    assert oldest >= (NOW - timedelta(days=29)).date().isoformat()
    assert len(body["data"]) == 20 - 5 + 71 + 1  # no SOL epoch beyond 30 days, no 50-day ETH
    assert body["meta"]["clamped"] is True and body["meta"]["upgradeUrl"].endswith(
        "/settings/subscription"
    )
    export = await r.client.get("/api/rewards/export", params={"year": NOW.year}, headers=r.auth)
    assert export.status_code == 403
    assert export.json()["code"] == "TIER_LIMIT"
    assert export.json()["details"]["upgradeUrl"].endswith("/settings/subscription")
    portfolio = (await r.client.get("/api/portfolio", headers=r.auth)).json()["data"]
    assert portfolio["performance"]["since"] is not None
    # the limits are rows read at run time: a free tier with export allowed exports
    async with r.app.state.resources.session_factory() as session, session.begin():
        await session.execute(
            update(TierLimitsRow)
            .where(TierLimitsRow.tier == Tier.FREE.value)
            .values(rewards_export=True, reward_days=None)
        )
    try:
        allowed = await r.client.get(
            "/api/rewards/export", params={"year": NOW.year}, headers=r.auth
        )
        assert allowed.status_code == 200
        listed = await r.client.get("/api/rewards", params={"limit": 500}, headers=r.auth)
        assert listed.json()["meta"]["clamped"] is False and len(listed.json()["data"]) == 93
    finally:
        async with r.app.state.resources.session_factory() as session, session.begin():
            await session.execute(
                update(TierLimitsRow)
                .where(TierLimitsRow.tier == Tier.FREE.value)
                .values(rewards_export=False, reward_days=30)
            )


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_the_csv_totals_equal_the_apis_performance_totals(rewarded: Rewarded) -> None:
    r = rewarded
    auth = await _pro(r)
    response = await r.client.get(
        "/api/rewards/export", params={"year": NOW.year, "currency": "usd"}, headers=auth
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="staketrack-rewards-' in response.headers["content-disposition"]
    raw = response.content
    assert b"\r\n" in raw and raw.decode("utf-8")
    rows = _parse(raw.decode("utf-8"))
    stored = events_for(r.sol.address, r.eth.address)
    assert len(rows) == len([e for e in stored if e.occurred_at.year == NOW.year])
    for year in sorted({e.occurred_at.year for e in stored} - {NOW.year}):  # early January
        earlier = await r.client.get("/api/rewards/export", params={"year": year}, headers=auth)
        rows += _parse(earlier.text)
    assert len(rows) == len(stored)
    assert {row["wallet"] for row in rows} == {r.sol.address, r.eth.address}  # full addresses
    # injection: a validator named "=1+2" is text, a penalty stays a negative number
    assert any(row["validator"] == "'=1+2" for row in rows)
    penalty = next(row for row in rows if row["kind"] == "penalty")
    assert penalty["amount"] == "-0.000005" and penalty["amount_base_units"] == "-5000"

    performance = (await r.client.get("/api/portfolio", headers=auth)).json()["data"]["performance"]
    assert performance["since"] is None  # pro: everything
    for chain in ("eth", "sol"):
        block = next(c for c in performance["chains"] if c["chain"] == chain)
        everything = next(w for w in block["windows"] if w["window"] == "all")
        mine = [row for row in rows if row["chain"] == chain]
        assert sum(int(row["amount_base_units"]) for row in mine) == int(
            everything["rewards"]["baseUnits"]
        )
        assert sum(Decimal(row["amount"]) for row in mine) == Decimal(
            everything["rewards"]["display"]
        )
        value = sum(Decimal(row["value_usd"]) for row in mine)
        assert value.quantize(Decimal("0.01")) == Decimal(everything["rewards"]["fiat"]["usd"])
        assert everything["realisedApy"] is not None
    total = next(w for w in performance["windows"] if w["window"] == "all")
    csv_usd = sum(Decimal(row["value_usd"]) for row in rows)
    assert abs(csv_usd - Decimal(total["fiat"]["usd"])) <= Decimal("0.01")
    # a year without events: the header alone
    empty = await r.client.get("/api/rewards/export", params={"year": 2019}, headers=auth)
    assert _parse(empty.text) == [] and empty.text.startswith("date_utc,chain,wallet")
    for bad in (
        {"year": 1999},
        {"year": 2026, "format": "xlsx"},
        {"year": 2026, "currency": "gbp"},
    ):
        refused = await r.client.get("/api/rewards/export", params=bad, headers=auth)
        assert refused.status_code == 422


async def test_the_portfolio_shows_performance_per_chain_and_realised_apy(
    rewarded: Rewarded,
) -> None:
    r = rewarded
    auth = await _pro(r)
    data = (await r.client.get("/api/portfolio", headers=auth)).json()["data"]
    performance = data["performance"]
    assert [w["window"] for w in performance["windows"]] == ["24h", "7d", "30d", "all"]
    sol = next(c for c in performance["chains"] if c["chain"] == "sol")
    month = next(w for w in sol["windows"] if w["window"] == "30d")
    # 15 epochs of ~0.027 SOL on 100 SOL, covering 30 days: ~4.9 % a year
    assert month["events"] == 15 and month["confidence"] == "high"
    assert Decimal("0.045") < Decimal(month["realisedApy"]) < Decimal("0.055")
    assert month["averageStake"]["baseUnits"] == str(100 * LAMPORTS)
    eth = next(c for c in performance["chains"] if c["chain"] == "eth")
    day = next(w for w in eth["windows"] if w["window"] == "24h")
    assert day["confidence"] == "low" and day["events"] == 23


async def test_an_api_key_reads_and_exports_rewards(rewarded: Rewarded) -> None:
    r = rewarded
    auth = await _pro(r)
    created = await r.client.post("/api/me/api-keys", json={"name": "taxes"}, headers=auth)
    key = bearer(created.json()["data"]["key"])
    assert (await r.client.get("/api/rewards", headers=key)).status_code == 200
    export = await r.client.get("/api/rewards/export", params={"year": NOW.year}, headers=key)
    assert export.status_code == 200 and _parse(export.text)
