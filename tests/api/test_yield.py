"""Real yield over the API: the public calculator (network average and one validator,
invalid amounts, unknown chain or validator, no data yet, rate limit) and the signed-in
user's positions with per-chain and overall weighted yields, cached and invalidated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest

from domain.models import Chain
from services import cache_keys
from services.ingest import Ingest
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.tiers_setup import as_pro
from tests.api.wallets import Wallet
from workers.context import JobDeps
from workers.jobs.real_yield import compute_yield

PARTS = ("nominalApy", "inflationRate", "validatorFee", "slashingRisk")


def ingest(app: Any) -> Ingest:
    r = app.state.resources
    return JobDeps.from_resources(r).ingest()


@pytest.fixture
async def whale(start_app: Any) -> AsyncIterator[tuple[Any, Any, dict[str, str]]]:
    """An app whose user owns the demo whale's wallets on all three chains, ingested."""
    async with start_app() as (app, client):
        data = await sign_in(client, Wallet.demo(Chain.ETH, "whale"))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        # three chains: linked as pro, then free again (over the chain limit, shown all the same)
        async with as_pro(app, client, auth):
            for chain in (Chain.SOL, Chain.ATOM):
                wallet = Wallet.demo(chain, "whale")
                body = wallet.proof(await get_nonce(client))
                linked = await client.post(
                    f"/api/me/wallets/{chain.value}", json=body, headers=auth
                )
                assert linked.status_code == 201
        runner = ingest(app)
        for chain in Chain:
            await runner.run(chain)
        await runner.prices()
        yield app, client, auth


def adds_up(data: dict[str, Any]) -> bool:
    nominal, inflation, fee, risk = (Decimal(data[p]) for p in PARTS)
    return Decimal(data["realYield"]) == nominal - inflation - fee - risk


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "code", "details"} and body["code"] == code
    return body


async def test_calculator_for_the_network_and_for_a_validator(whale: Any) -> None:
    _, client, _ = whale
    network = await client.post("/api/yield/calculate", json={"chain": "atom", "amount": "100"})
    assert network.status_code == 200, network.text
    data = network.json()["data"]
    assert data["chain"] == "atom" and data["validatorId"] is None
    assert adds_up(data) and data["confidence"] == "exact" and data["fallbackInputs"] == []
    assert Decimal(data["nominalApy"]) > Decimal(data["realYield"])
    fee = Decimal(data["nominalApy"]) * Decimal(data["commission"])
    assert Decimal(data["validatorFee"]) == fee.quantize(Decimal("1e-18"))
    assert data["fetchedAt"].endswith("Z") and "compounded" in data["formula"]
    assert network.json()["meta"] == {}
    assert data["amount"]["display"] == "100" and data["amount"]["baseUnits"] == "100000000"
    yearly = data["yearly"]
    assert int(yearly["real"]["baseUnits"]) == int(yearly["nominal"]["baseUnits"]) - sum(
        int(yearly[p]["baseUnits"]) for p in ("validatorFee", "slashingRisk", "inflation")
    )
    gross = Decimal(data["nominalApy"]) * 100_000_000  # uatom, rounded half to even
    assert int(yearly["nominal"]["baseUnits"]) == gross.to_integral_value(ROUND_HALF_EVEN)
    assert yearly["real"]["fiat"]["usd"] is not None and yearly["real"]["fiat"]["eur"] is not None

    listed = (await client.get("/api/validators?chain=atom&limit=1")).json()["data"][0]
    one = await client.post(
        "/api/yield/calculate", json={"chain": "atom", "amount": 100, "validatorId": listed["id"]}
    )
    assert one.status_code == 200, one.text
    mine = one.json()["data"]
    assert mine["validatorId"] == listed["id"] and adds_up(mine)
    assert mine["commission"] == listed["commission"]
    bare = await client.post(
        "/api/yield/calculate",
        json={"chain": "atom", "amount": "100", "validatorId": listed["address"]},
    )
    assert bare.json()["data"] == mine  # the same validator

    sol = (await client.post("/api/yield/calculate", json={"chain": "sol", "amount": 1.5})).json()
    assert sol["data"]["amount"]["baseUnits"] == "1500000000" and adds_up(sol["data"])
    eth = (await client.post("/api/yield/calculate", json={"chain": "eth", "amount": "32"})).json()
    assert "executionRewards" in eth["data"]["estimatedInputs"]


async def test_a_negative_real_yield_is_negative(whale: Any) -> None:
    app, client, _ = whale
    async with app.state.resources.session_factory() as session, session.begin():
        from sqlalchemy import update

        from infrastructure.db.models import YieldConfigRow

        # a chain where inflation outruns rewards: every event costs the whole stake yearly
        await session.execute(
            update(YieldConfigRow)
            .where(YieldConfigRow.chain == "atom", YieldConfigRow.name.like("double_sign.%"))
            .values(value=Decimal(1))
        )
    response = await client.post("/api/yield/calculate", json={"chain": "atom", "amount": "10"})
    data = response.json()["data"]
    assert Decimal(data["slashingRisk"]) == Decimal(1) + Decimal("0.000005")
    assert Decimal(data["realYield"]) < 0 and adds_up(data)
    assert int(data["yearly"]["real"]["baseUnits"]) < 0
    assert data["yearly"]["real"]["fiat"]["usd"].startswith("-")


@pytest.mark.parametrize(
    "amount", [0, -1, "0", "-1", "abc", "NaN", "nan", "Infinity", "-inf", "", True, None, [1]]
)
async def test_amounts_that_are_not_positive_numbers_are_refused(
    start_app: Any, amount: Any
) -> None:
    async with start_app() as (_, client):
        response = await client.post(
            "/api/yield/calculate", json={"chain": "sol", "amount": amount}
        )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["error"] == "amount must be greater than 0"
    assert [f["field"] for f in body["details"]["fields"]] == ["amount"]


async def test_a_nan_json_number_is_refused_too(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.post(
            "/api/yield/calculate",
            content=b'{"chain": "eth", "amount": NaN}',
            headers={"content-type": "application/json"},
        )
        huge = await client.post("/api/yield/calculate", json={"chain": "eth", "amount": "1e40"})
        missing = await client.post("/api/yield/calculate", json={"chain": "eth"})
    assert assert_error(response, 422, "VALIDATION_ERROR")["error"] == (
        "amount must be greater than 0"
    )
    [field] = assert_error(huge, 422, "VALIDATION_ERROR")["details"]["fields"]
    assert (field["field"], field["type"]) == ("amount", "invalid_input")
    assert [
        d["field"] for d in assert_error(missing, 422, "VALIDATION_ERROR")["details"]["fields"]
    ] == ["amount"]


async def test_unknown_chain_and_unknown_validator_are_404(whale: Any) -> None:
    _, client, _ = whale
    chain = await client.post("/api/yield/calculate", json={"chain": "btc", "amount": "1"})
    assert assert_error(chain, 404, "NOT_FOUND")["details"] == {"field": "chain"}
    for validator_id in (
        "sol:NoSuchVoteAccount1111111111111111111111",
        "NoSuchVoteAccount",
        "atom:x",
    ):
        unknown = await client.post(
            "/api/yield/calculate",
            json={"chain": "sol", "amount": "1", "validatorId": validator_id},
        )
        assert assert_error(unknown, 404, "NOT_FOUND")["details"] == {"field": "validatorId"}


async def test_a_chain_never_fetched_answers_503(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.post("/api/yield/calculate", json={"chain": "sol", "amount": "5"})
    body = assert_error(response, 503, "YIELD_DATA_UNAVAILABLE")
    assert body["details"]["chain"] == "sol"


async def test_the_calculator_is_rate_limited_per_ip(start_app: Any) -> None:
    async with start_app(rate_limit_default="2/minute") as (_, client):
        statuses = [
            (
                await client.post("/api/yield/calculate", json={"chain": "sol", "amount": 0})
            ).status_code
            for _ in range(2)
        ]
        refused = await client.post("/api/yield/calculate", json={"chain": "sol", "amount": 1})
    assert statuses == [422, 422]  # bad input counts too
    assert_error(refused, 429, "RATE_LIMITED")
    assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_the_signed_in_users_positions_with_weighted_yields(whale: Any) -> None:
    _, client, auth = whale
    assert (await client.get("/api/yield")).status_code == 401
    response = await client.get("/api/yield", headers=auth)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    portfolio = (await client.get("/api/portfolio", headers=auth)).json()["data"]
    assert len(data["positions"]) == portfolio["positionCount"] > 0
    assert {p["chain"] for p in data["positions"]} == {"eth", "sol", "atom"}
    wallet_ids = {(p["chain"], p["wallet"]): p["walletId"] for p in portfolio["positions"]}
    for position in data["positions"]:
        breakdown = position["breakdown"]
        assert breakdown["validatorId"] == position["validator"]["id"] and adds_up(breakdown)
        assert "…" in position["wallet"]
        assert position["walletId"] == wallet_ids[(position["chain"], position["wallet"])]
        assert breakdown["fetchedAt"].endswith("Z")
        if position["kind"] != "stake" or position["status"] not in {"active", "deactivating"}:
            assert breakdown["earning"] is False and breakdown["nominalApy"] == "0"
    for block in data["chains"]:
        mine = [p for p in data["positions"] if p["chain"] == block["chain"]]
        weights = [Decimal(p["amount"]["baseUnits"]) for p in mine]
        expected = sum(
            w * Decimal(p["breakdown"]["realYieldCompounded"])
            for w, p in zip(weights, mine, strict=True)
        ) / sum(weights)
        average = block["average"]
        assert abs(Decimal(average["realYieldCompounded"]) - expected) < Decimal("1e-17")
        assert block["weighting"] == "native" and adds_up(average)
    reals = [Decimal(b["average"]["realYield"]) for b in data["chains"]]
    assert data["overallWeighting"] == "usd"
    assert min(reals) <= Decimal(data["overall"]["realYield"]) <= max(reals)

    only_sol = (await client.get("/api/yield?chain=sol", headers=auth)).json()["data"]
    assert {p["chain"] for p in only_sol["positions"]} == {"sol"}
    assert [b["chain"] for b in only_sol["chains"]] == ["sol"]
    assert only_sol["overall"]["realYield"] == only_sol["chains"][0]["average"]["realYield"]


async def test_yield_reads_are_cached_and_the_yield_step_invalidates(whale: Any) -> None:
    app, client, auth = whale
    reads = app.state.resources.reads
    before = reads.counts("yield")
    first = await client.get("/api/yield", headers=auth)
    second = await client.get("/api/yield", headers=auth)
    middle = reads.counts("yield")
    await compute_yield(JobDeps.from_resources(app.state.resources), chain="sol")
    third = await client.get("/api/yield", headers=auth)
    after = reads.counts("yield")
    assert first.content == second.content and third.status_code == 200
    assert middle["miss"] - before["miss"] == 1 and middle["hit"] - before["hit"] == 1
    assert after["miss"] - middle["miss"] == 1  # the yield step dropped the entry
    await ingest(app).wallet_positions(Chain.SOL, Wallet.demo(Chain.SOL, "whale").address)
    await client.get("/api/yield", headers=auth)
    assert reads.counts("yield")["miss"] - after["miss"] == 1  # so did the positions ingest


async def test_the_calculator_caches_one_breakdown_per_validator_for_any_amount(
    whale: Any,
) -> None:
    app, client, _ = whale
    reads = app.state.resources.reads
    before = reads.counts("yield")
    ten = (await client.post("/api/yield/calculate", json={"chain": "sol", "amount": "10"})).json()
    two = (await client.post("/api/yield/calculate", json={"chain": "sol", "amount": 2})).json()
    middle = reads.counts("yield")
    assert middle["miss"] - before["miss"] == 1 and middle["hit"] - before["hit"] == 1
    rates = ("nominalApy", "realYield", "realYieldCompounded", "fetchedAt", "confidence")
    assert {r: ten["data"][r] for r in rates} == {r: two["data"][r] for r in rates}
    assert ten["data"]["amount"]["baseUnits"] == "10000000000"
    assert two["data"]["amount"]["baseUnits"] == "2000000000"
    # an entry left in another format (e.g. by the previous release) is rebuilt, not a 500
    key = cache_keys.yield_calculation("sol", None)
    await app.state.resources.cache.set(key, b'{"chain": "sol", "nominalApy": "0.07"}', 60)
    again = await client.post("/api/yield/calculate", json={"chain": "sol", "amount": "10"})
    assert again.status_code == 200 and again.json()["data"] == ten["data"]
