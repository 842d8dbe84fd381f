"""GET /api/yield/history on SQLite and PostgreSQL (with Redis): a validator's and a
chain's daily snapshots with every part and its confidence, capped per tier like the VRS
history, clear errors, cached until the next yield step — and on the demo network the
pipeline's own snapshots come back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.chains import Validator, ValidatorStatus
from domain.models import Chain, Tier
from domain.real_yield import Confidence, RealYield
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.real_yield import YieldSnapshotRepository
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from workers.context import JobDeps
from workers.jobs.pipeline import run_pipeline
from workers.jobs.real_yield import compute_yield

TODAY = datetime.now(UTC).date()
PARTS = ("nominalApy", "inflationRate", "validatorFee", "slashingRisk", "realYield")


def snapshot(address: str, day: date) -> RealYield:
    """A day's breakdown whose nominal APY says which day it is (0.07 + day/10,000)."""
    age = (TODAY - day).days
    nominal = Decimal("0.07") + Decimal(age) / 10_000
    fee, inflation, risk = nominal / 10, Decimal("0.05"), Decimal("0.0002")
    return RealYield(
        chain=Chain.SOL,
        validator=address,
        nominal_apy=nominal,
        inflation_rate=inflation,
        validator_fee=fee,
        slashing_risk=risk,
        real_yield=nominal - inflation - fee - risk,
        real_yield_compounded=(1 + nominal - fee - risk) / (1 + inflation) - 1,
        commission=Decimal("0.1"),
        slashing_factor=Decimal(1),
        earning=True,
        confidence=Confidence.FALLBACK if age % 2 else Confidence.EXACT,
        fallback=("performance",) if age % 2 else (),
        estimated=(),
        fetched_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=1),
        performance=Decimal("0.98"),
    )


async def seed(app: Any, days: int = 40) -> str:
    """A SOL validator of its own with `days` daily snapshots up to today."""
    address = f"Vote{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    async with app.state.resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [Validator(Chain.SOL, address, ValidatorStatus.ACTIVE, 10**15, now)]
        )
        repository = YieldSnapshotRepository(session)
        for age in range(days):
            day = TODAY - timedelta(days=age)
            await repository.add([snapshot(address, day)], day)
    return address


async def pro(app: Any, client: Any) -> dict[str, str]:
    wallet = Wallet.new(Chain.SOL)
    data = await sign_in(client, wallet)
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        await uow.users.set_tier(uuid.UUID(data["user"]["id"]), Tier.PRO, datetime.now(UTC))
        await uow.commit()
    data = await sign_in(client, wallet)  # a new session reads the tier afresh
    client.cookies.clear()
    return bearer(data["accessToken"])


async def test_a_validators_history_is_capped_per_tier(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        address = await seed(app)
        vid = f"sol:{address}"
        free = await client.get("/api/yield/history", params={"validatorId": vid})
        asked = await client.get("/api/yield/history", params={"validatorId": vid, "days": 30})
        short = await client.get(
            "/api/yield/history", params={"chain": "sol", "validatorId": address, "days": 3}
        )
        auth = await pro(app, client)
        full = await client.get(
            "/api/yield/history", params={"validatorId": vid, "days": 30}, headers=auth
        )
        capped = await client.get(
            "/api/yield/history", params={"validatorId": vid, "days": 90}, headers=auth
        )
    assert free.status_code == 200
    body = free.json()
    assert body["meta"] == {
        "tier": "free",
        "days": 7,
        "requestedDays": None,
        "maxDays": 7,
        "clamped": False,
        "upgradeUrl": None,
    }
    assert body["data"]["chain"] == "sol" and body["data"]["validatorId"] == vid
    points = body["data"]["points"]
    assert [p["date"] for p in points] == [
        (TODAY - timedelta(days=age)).isoformat() for age in range(6, -1, -1)
    ]  # oldest first, up to today
    for point in points:
        expected = snapshot(address, date.fromisoformat(point["date"]))
        assert Decimal(point["nominalApy"]) == expected.nominal_apy
        assert (
            Decimal(point["realYield"])
            == expected.real_yield
            == sum((Decimal(point[k]) for k in PARTS[:1]), Decimal(0))
            - sum((Decimal(point[k]) for k in PARTS[1:4]), Decimal(0))
        )
        assert Decimal(point["realYieldCompounded"]) == expected.real_yield_compounded
        assert point["confidence"] == expected.confidence.value
        assert point["fallbackInputs"] == list(expected.fallback)
        assert point["slashingFactor"] == "1" and point["earning"] is True
        assert point["fetchedAt"].endswith("Z")
    clamped = asked.json()["meta"]
    assert clamped["days"] == 7 and clamped["requestedDays"] == 30 and clamped["clamped"]
    assert (
        clamped["upgradeUrl"].endswith("/settings/subscription")
        and len(asked.json()["data"]["points"]) == 7
    )
    assert len(short.json()["data"]["points"]) == 3
    assert full.json()["meta"]["tier"] == "pro" and not full.json()["meta"]["clamped"]
    assert len(full.json()["data"]["points"]) == 30
    assert capped.json()["meta"]["days"] == 30 and capped.json()["meta"]["clamped"] is True
    assert len(capped.json()["data"]["points"]) == 30


async def test_bad_input_is_a_clear_4xx(start_app: Any, backend: dict[str, str]) -> None:
    async with start_app(**backend) as (app, client):
        address = await seed(app, days=1)

        async def get(**params: Any) -> tuple[int, str, Any]:
            response = await client.get("/api/yield/history", params=params)
            body = response.json()
            return response.status_code, body.get("code"), body.get("details")

        nothing = await get()
        bare = await get(validatorId=address)
        unknown_chain = await get(chain="btc")
        unknown_id_chain = await get(validatorId=f"btc:{address}")
        unknown = await get(chain="sol", validatorId="sol:NoSuchVote")
        mismatch = await get(chain="atom", validatorId=f"sol:{address}")
        empty_address = await get(validatorId="sol:")
        zero = await get(chain="sol", days=0)
        too_many = await get(chain="sol", days=10_000)
        fine = await get(chain="SOL", validatorId=address)
    assert nothing[:2] == (422, "VALIDATION_ERROR")
    assert nothing[2]["fields"][0]["field"] == "chain"
    assert bare[:2] == (422, "VALIDATION_ERROR")
    assert unknown_chain[:2] == (404, "NOT_FOUND") == unknown_id_chain[:2]
    assert unknown[:2] == (404, "NOT_FOUND") == empty_address[:2]
    assert mismatch[:2] == (422, "VALIDATION_ERROR")
    assert mismatch[2]["fields"][0]["field"] == "validatorId"
    assert zero[0] == too_many[0] == 422
    assert fine[0] == 200


async def test_the_network_history_from_the_pipelines_snapshots_cached_until_the_next_step(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        resources = app.state.resources
        deps = JobDeps.from_resources(resources)
        await run_pipeline(deps, "atom")
        reads = resources.reads
        before = reads.counts("yield")
        first = await client.get("/api/yield/history?chain=atom")
        again = await client.get("/api/yield/history?chain=atom")
        middle = reads.counts("yield")
        await compute_yield(deps, chain="atom")
        after_step = await client.get("/api/yield/history?chain=atom")
        after = reads.counts("yield")
        listed = (await client.get("/api/validators?chain=atom&limit=20")).json()["data"]
        validator = next(v["id"] for v in listed if v["status"] == "active")
        one = await client.get("/api/yield/history", params={"validatorId": validator})
    assert first.status_code == 200 and first.content == again.content
    assert middle["hit"] - before["hit"] == 1 and middle["miss"] - before["miss"] == 1
    assert after["miss"] - middle["miss"] == 1  # the yield step dropped the entry
    assert after_step.status_code == 200
    body = first.json()["data"]
    assert body["validatorId"] is None and body["chain"] == "atom"
    today = body["points"][-1]
    assert today["date"] == TODAY.isoformat()
    assert Decimal(today["realYield"]) == Decimal(today["nominalApy"]) - sum(
        (Decimal(today[k]) for k in PARTS[1:4]), Decimal(0)
    )
    assert today["confidence"] in {"exact", "fallback"} and today["slashingFactor"] == "1"
    assert one.status_code == 200
    assert one.json()["data"]["points"][-1]["date"] == TODAY.isoformat()
