"""The portfolio and validator reads over ingested demo-network data: content,
freshness, empty states, caching and invalidation, Redis outage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from domain.models import Chain
from domain.vrs import Factor, ScoreConfidence, VrsConfig, VrsScore, VrsStatus, tier_view
from infrastructure.cache.reads import CachedReads
from infrastructure.cache.redis import RedisCache
from infrastructure.db.models import ChainSyncRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.redis_guard import RedisGuard
from infrastructure.resources import open_redis
from services import vrs
from services.ingest import Ingest
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.tiers_setup import as_pro
from tests.api.wallets import Wallet
from workers.context import JobDeps


def ingest(app: Any) -> Ingest:
    r = app.state.resources
    return JobDeps.from_resources(r).ingest()


@asynccontextmanager
async def _whale(start_app: Any, **settings: Any) -> AsyncIterator[tuple[Any, Any, dict[str, str]]]:
    async with start_app(**settings) as (app, client):
        data = await sign_in(client, Wallet.demo(Chain.ETH, "whale"))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        # three chains: linked as pro, then free again (over the chain limit, shown all the same)
        async with as_pro(app, client, auth):
            for chain in (Chain.SOL, Chain.ATOM):
                wallet = Wallet.demo(chain, "whale")
                body = wallet.proof(await get_nonce(client))
                assert (
                    await client.post(f"/api/me/wallets/{chain.value}", json=body, headers=auth)
                ).status_code == 201
        runner = ingest(app)
        for chain in Chain:
            await runner.run(chain)
        await runner.prices()
        yield app, client, auth


@pytest.fixture
async def whale(start_app: Any) -> AsyncIterator[tuple[Any, Any, dict[str, str]]]:
    """An app whose user owns the demo whale's wallets on all three chains, ingested."""
    async with _whale(start_app) as whale:
        yield whale


async def test_portfolio_across_three_chains(whale: Any) -> None:
    _, client, auth = whale
    response = await client.get("/api/portfolio", headers=auth)
    assert response.status_code == 200
    assert response.json()["meta"] == {}
    data = response.json()["data"]
    assert data["wallets"] == 3 and data["chainCount"] == 3 == len(data["chains"])
    assert {p["chain"] for p in data["positions"]} == {"eth", "sol", "atom"}
    position = data["positions"][0]
    assert set(position) >= {
        "chain",
        "wallet",
        "validator",
        "amount",
        "status",
        "kind",
        "fetchedAt",
        "walletId",
    }
    assert "…" in position["wallet"]
    # contract v1: the position names its linked wallet; every timestamp is UTC with Z
    linked = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
    wallet_ids = {w["chain"]: w["id"] for w in linked}
    assert all(p["walletId"] == wallet_ids[p["chain"]] for p in data["positions"])
    assert all(p["fetchedAt"].endswith("Z") for p in data["positions"])
    assert all(b["fetchedAt"].endswith("Z") for b in data["chains"])
    assert position["amount"]["baseUnits"].isdigit()
    assert position["amount"]["fiat"]["usd"] is not None
    assert position["validator"]["id"] == f"{position['chain']}:{position['validator']['address']}"
    for block in data["chains"]:
        assert block["stale"] is False and block["fetchedAt"] and block["lastError"] is None
        assert int(block["total"]["baseUnits"]) == sum(
            int(p["amount"]["baseUnits"]) for p in data["positions"] if p["chain"] == block["chain"]
        )
    assert data["totalFiat"]["usd"] is not None and float(data["totalFiat"]["usd"]) > 0
    atom = [p for p in data["positions"] if p["chain"] == "atom"]
    assert all(p["validator"]["address"].startswith("cosmosvaloper1") for p in atom)
    assert any(p["validator"]["name"] for p in atom)


async def test_chain_filter(whale: Any) -> None:
    _, client, auth = whale
    data = (await client.get("/api/portfolio?chain=sol", headers=auth)).json()["data"]
    assert {p["chain"] for p in data["positions"]} == {"sol"}
    assert [b["chain"] for b in data["chains"]] == ["sol"]
    bad = await client.get("/api/portfolio?chain=btc", headers=auth)
    assert (bad.status_code, bad.json()["code"]) == (422, "VALIDATION_ERROR")


def _key(position: dict[str, Any]) -> tuple[str, str, str]:
    return position["walletId"], position["validator"]["id"], position["kind"]


async def test_positions_carry_the_score_in_the_tier_view_and_the_real_yield(whale: Any) -> None:
    app, client, auth = whale
    resources = app.state.resources
    first = (await client.get("/api/portfolio", headers=auth)).json()["data"]["positions"]
    pending = {"total": None, "band": None, "confidence": "low", "status": "pending"}
    assert all(p["vrs"] == pending for p in first)  # nothing scored yet

    # the same real yield as GET /api/yield's breakdown of the position, parts as fractions
    breakdowns = {
        _key(y): y["breakdown"]
        for y in (await client.get("/api/yield", headers=auth)).json()["data"]["positions"]
    }
    parts = ["nominalApy", "inflationRate", "validatorFee", "slashingRisk", "realYield"]
    assert all(p["realYield"] is not None for p in first)
    for p in first:
        expected = breakdowns[_key(p)]
        assert p["realYield"] == {k: expected[k] for k in [*parts, "confidence"]}
        assert all(abs(Decimal(p["realYield"][k])) < 1 for k in parts)  # fractions

    # a score for one ATOM validator; the VRS step drops the cached portfolio
    atom = next(p for p in first if p["chain"] == "atom")
    address = atom["validator"]["address"]
    now = datetime.now(UTC)
    points = {"uptime": 90, "slashing": 100, "commission": 60, "performance": 20}
    stored = VrsScore(
        chain=Chain.ATOM,
        validator=address,
        calculated_at=now,
        status=VrsStatus.SCORED,
        total=70,
        scores={**{Factor(k): v for k, v in points.items()}, Factor.DECENTRALIZATION: 10},
        weights=VrsConfig().weights,
        data_days=45,
        confidence=ScoreConfidence.HIGH,
    )
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.vrs_scores.add([stored])
        await uow.commit()
    deps = JobDeps.from_resources(resources)
    hour_before = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    await vrs.score_chain(deps.uow, deps.cache, deps.reads, Chain.ATOM, [hour_before])
    after = (await client.get("/api/portfolio", headers=auth)).json()["data"]["positions"]
    free = tier_view(stored, 3)  # the whale signed up: free tier, three factors
    assert free.total is not None and free.total != tier_view(stored, 5).total
    scored = [p for p in after if p["validator"]["address"] == address]
    assert scored and all(
        p["vrs"]
        == {"total": free.total, "band": free.band, "confidence": "high", "status": "scored"}
        for p in scored
    )
    assert all(p["vrs"] == pending for p in after if p["validator"]["address"] != address)


async def test_empty_states_are_explicit(start_app: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.SOL))
        client.cookies.clear()
        body = (await client.get("/api/portfolio", headers=bearer(data["accessToken"]))).json()[
            "data"
        ]
    assert body["wallets"] == 1 and body["positions"] == []
    assert body["chains"][0]["stale"] is True  # never fetched: no freshness to claim
    assert body["chains"][0]["fetchedAt"] is None and body["chains"][0]["lastError"] is None
    # chainCount counts the chain blocks shown, positions or not
    assert body["chainCount"] == len(body["chains"]) == 1 and body["positionCount"] == 0


async def test_stale_and_failed_chains_still_serve_the_last_data(whale: Any) -> None:
    app, client, auth = whale
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3)
    async with app.state.resources.session_factory() as session, session.begin():
        await session.execute(
            update(ChainSyncRow)
            .where(ChainSyncRow.chain == "atom", ChainSyncRow.step == "positions")
            .values(
                last_success_at=three_hours_ago,
                last_error="ChainUnavailable",
                last_error_at=datetime.now(UTC),
            )
        )
    await app.state.resources.reads.invalidate("staketrack:portfolio:")
    data = (await client.get("/api/portfolio", headers=auth)).json()["data"]
    atom = next(b for b in data["chains"] if b["chain"] == "atom")
    sol = next(b for b in data["chains"] if b["chain"] == "sol")
    assert atom["stale"] is True and atom["lastError"] is not None and atom["positions"] > 0
    assert sol["stale"] is False
    # contract v1: lastError is the error (stable code, message, time), not just a time
    error = atom["lastError"]
    assert set(error) == {"at", "code", "message"} and error["code"] == "CHAIN_UNAVAILABLE"
    assert error["at"].endswith("Z") and error["message"]
    assert atom["fetchedAt"].endswith("Z")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache_settings(request: pytest.FixtureRequest) -> dict[str, str]:
    """Embedded (in-process cache) or production mode (Redis, flushed)."""
    if request.param == "memory":
        return {}
    request.getfixturevalue("redis")
    return {"redis_url": request.getfixturevalue("redis_url")}


@pytest.fixture
async def whale_any_cache(start_app: Any, cache_settings: dict[str, str]) -> AsyncIterator[Any]:
    async with _whale(start_app, **cache_settings) as whale:
        yield whale


async def test_reads_hit_the_cache_and_ingest_invalidates(whale_any_cache: Any) -> None:
    app, client, auth = whale_any_cache
    reads = app.state.resources.reads
    before = reads.counts("portfolio")
    first = await client.get("/api/portfolio", headers=auth)
    second = await client.get("/api/portfolio", headers=auth)
    middle = reads.counts("portfolio")
    await ingest(app).run(Chain.SOL)
    third = await client.get("/api/portfolio", headers=auth)
    after = reads.counts("portfolio")
    assert first.content == second.content
    assert middle["miss"] - before["miss"] == 1 and middle["hit"] - before["hit"] == 1
    assert after["miss"] - middle["miss"] == 1  # the ingest dropped the entry
    assert third.status_code == 200


@pytest.mark.redis
async def test_redis_down_still_answers_from_the_database(start_app: Any, redis_url: str) -> None:
    async with start_app(redis_url=redis_url) as (app, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        dead = open_redis("redis://127.0.0.1:1/0")
        guard = RedisGuard(dead)
        app.state.resources.cache = RedisCache(dead, guard)  # session snapshots and reads alike
        app.state.resources._reads = CachedReads(app.state.resources.cache)
        response = await client.get("/api/portfolio", headers=bearer(data["accessToken"]))
        await guard.aclose()
        await dead.aclose()
    assert response.status_code == 200
    # the outage is a miss, never an error; the first failure opened the breaker, so the
    # rest of the request did not ask Redis again
    assert app.state.resources.reads.counts("portfolio")["miss"] == 1
    assert guard.down
    assert guard.fallback_count("cache", "error") == 1


# --- validators ---------------------------------------------------------------------------


async def test_validator_list_sorts_searches_and_pages(whale: Any) -> None:
    _, client, _ = whale
    first = (await client.get("/api/validators?chain=sol&limit=20")).json()
    assert first["meta"]["stale"] is False and first["meta"]["fetchedAt"]
    items = first["data"]
    stakes = [int(v["stake"]["baseUnits"]) for v in items]
    assert len(items) == 20 and stakes == sorted(stakes, reverse=True)
    second = (
        await client.get(f"/api/validators?chain=sol&limit=20&cursor={first['meta']['nextCursor']}")
    ).json()
    assert not {v["id"] for v in items} & {v["id"] for v in second["data"]}
    assert int(second["data"][0]["stake"]["baseUnits"]) <= stakes[-1]
    by_commission = (
        await client.get("/api/validators?chain=atom&sort=commission&limit=200")
    ).json()
    commissions = [float(v["commission"]) for v in by_commission["data"] if v["commission"]]
    assert commissions == sorted(commissions)
    name = next(v["name"] for v in by_commission["data"] if v["name"])
    found = (
        await client.get("/api/validators", params={"chain": "atom", "q": name[:5].upper()})
    ).json()
    assert any(v["name"] == name for v in found["data"])


async def test_validator_detail_and_errors(whale: Any) -> None:
    _, client, _ = whale
    listed = (await client.get("/api/validators?chain=atom&limit=1")).json()["data"][0]
    detail = await client.get(f"/api/validators/{listed['id']}")
    missing = await client.get("/api/validators/atom:cosmosvaloper1nothing")
    malformed = await client.get("/api/validators/nonsense")
    bad_cursor = await client.get("/api/validators?chain=sol&cursor=%%%")
    assert detail.status_code == 200
    assert detail.json()["data"]["observations"][0]["observedAt"]
    assert missing.status_code == 404 and malformed.status_code == 404
    assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (400, "INVALID_CURSOR")


async def test_cache_counters_are_exported_for_prometheus(start_app: Any) -> None:
    async with _whale(start_app, metrics_token="m" * 32) as (_, client, auth):
        await client.get("/api/portfolio?chain=atom", headers=auth)
        await client.get("/api/portfolio?chain=atom", headers=auth)
        text = (await client.get("/api/metrics", headers=bearer("m" * 32))).text
    assert 'staketrack_cache_lookups_total{entity="portfolio",result="hit"}' in text
    assert 'staketrack_cache_lookups_total{entity="portfolio",result="miss"}' in text
