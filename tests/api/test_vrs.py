"""The risk score API: the free view for anonymous and free callers, the full view for
pro, pending and unknown validators, the history capped per tier with its drop flag,
the methodology, the job's cache invalidation and the per-IP limit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from domain.chains import Observation, Validator, ValidatorStatus
from domain.models import Chain, Tier
from domain.vrs import FACTORS, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.config import DEFAULT_WEIGHTS
from domain.vrs.model import total_of
from infrastructure.db.models import TierLimitsRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from workers.context import JobDeps
from workers.jobs.vrs import compute_vrs

VOTE = "Vote111111111111111111111111111111111111111"
NEW = "NewVa1idator1111111111111111111111111111111"
# noon today: "the day before, an hour earlier" stays on the day before
NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def stored(
    factors: Sequence[int | None] = (90, 80, 70, 40, 20),
    *,
    at: datetime = NOW,
    address: str = VOTE,
    status: VrsStatus = VrsStatus.SCORED,
    days: int = 90,
) -> VrsScore:
    scores = dict(zip(FACTORS, factors, strict=True))
    return VrsScore(
        chain=Chain.SOL,
        validator=address,
        calculated_at=at,
        status=status,
        total=None if status is VrsStatus.PENDING else total_of(scores, DEFAULT_WEIGHTS),
        scores=scores,
        weights=dict(DEFAULT_WEIGHTS),
        data_days=days,
        confidence=ScoreConfidence.HIGH if days >= 60 else ScoreConfidence.LOW,
    )


async def setup(app: Any, scores: Sequence[VrsScore], *addresses: str) -> None:
    resources = app.state.resources
    async with resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [
                Validator(Chain.SOL, a, ValidatorStatus.ACTIVE, 10**15, NOW)
                for a in (VOTE, *addresses)
            ]
        )
        await VrsScoreRepository(session).add(scores)


async def make_pro(app: Any, user_id: str) -> None:
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        await uow.users.set_tier(uuid.UUID(user_id), Tier.PRO, NOW)
        await uow.commit()


async def signed_in(app: Any, client: Any, *, pro: bool = False) -> dict[str, str]:
    wallet = Wallet.new(Chain.SOL)
    data = await sign_in(client, wallet)
    if pro:  # a new session reads the user afresh (an admin's tier change drops snapshots)
        await make_pro(app, data["user"]["id"])
        data = await sign_in(client, wallet)
    client.cookies.clear()
    return bearer(data["accessToken"])


def by_name(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in body["data"]["factors"]}


async def test_anonymous_callers_get_the_free_three_factor_view(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored()])
        response = await client.get(f"/api/vrs/sol:{VOTE}")
    assert response.status_code == 200
    body = response.json()
    data = body["data"]
    assert data["validatorId"] == f"sol:{VOTE}" and data["view"] == "basic"
    assert data["status"] == "scored" and data["total"] == 81 and data["band"] == "green"
    assert data["confidence"] == "high" and data["dataDays"] == 90
    assert data["methodologyVersion"] == "2026-11.2" and data["calculatedAt"]
    assert data["calculatedAt"] == NOW.isoformat().replace("+00:00", "Z")  # contract v1: UTC Z
    factors = by_name(body)
    assert list(factors) == [f.value for f in FACTORS]
    assert [factors[f]["weight"] for f in ("uptime", "slashing", "commission")] == [
        0.4,
        0.3333,
        0.2667,
    ]
    for pro in ("performance", "decentralization"):
        assert factors[pro] == {
            "name": pro,
            "score": None,
            "weight": 0.0,
            # contract v1: a fraction of all five configured weights (15 of 100: 0.15)
            "configuredWeight": float(DEFAULT_WEIGHTS[pro] / 100),  # type: ignore[index]
            "band": None,
            "unavailable": False,
            "locked": True,
        }
    assert factors["uptime"]["score"] == 90 and factors["uptime"]["band"] == "green"
    assert body["meta"]["tier"] == "free" and body["meta"]["upgradeUrl"].endswith(
        "/settings/subscription"
    )


async def test_free_users_get_the_free_view_and_pro_users_all_five(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored()])
        free = await client.get(f"/api/vrs/sol:{VOTE}", headers=await signed_in(app, client))
        pro = await client.get(
            f"/api/vrs/sol:{VOTE}", headers=await signed_in(app, client, pro=True)
        )
    assert free.status_code == pro.status_code == 200
    assert free.json()["data"]["total"] == 81 and free.json()["data"]["view"] == "basic"
    data = pro.json()["data"]
    # (30·90 + 25·80 + 20·70 + 15·40 + 10·20) / 100
    assert data["view"] == "full" and data["total"] == 69 and data["band"] == "yellow"
    factors = by_name(pro.json())
    assert [f["score"] for f in factors.values()] == [90, 80, 70, 40, 20]
    assert not any(f["locked"] for f in factors.values())
    assert [f["weight"] for f in factors.values()] == [0.3, 0.25, 0.2, 0.15, 0.1]
    assert [f["configuredWeight"] for f in factors.values()] == [0.3, 0.25, 0.2, 0.15, 0.1]
    # contract v1: typed meta, every key present (no upgrade link for the full view)
    assert pro.json()["meta"] == {"tier": "pro", "factorsShown": 5, "upgradeUrl": None}


async def test_an_unavailable_factor_is_flagged_not_faked(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored((100, 100, None, 90, None))])
        body = (await client.get(f"/api/vrs/sol:{VOTE}")).json()
    commission = by_name(body)["commission"]
    assert commission["unavailable"] and commission["score"] is None and commission["weight"] == 0
    assert body["data"]["total"] == 100  # uptime and slashing, renormalised


async def test_pending_validators_have_no_total(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored(days=3, status=VrsStatus.PENDING, factors=[None] * 5)], NEW)
        short = (await client.get(f"/api/vrs/sol:{VOTE}")).json()["data"]
        never = (await client.get(f"/api/vrs/sol:{NEW}")).json()["data"]
    assert short["status"] == "pending" and short["total"] is None and short["band"] is None
    assert short["dataDays"] == 3 and short["factors"] == [] and short["confidence"] == "low"
    assert never["status"] == "pending" and never["total"] is None
    assert never["dataDays"] == 0 and never["calculatedAt"] is None


async def test_unknown_validators_and_malformed_ids_are_404(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored()])
        unknown = await client.get("/api/vrs/sol:Nobody11111111111111111111111111111111111")
        history = await client.get("/api/vrs/atom:cosmosvaloper1nobody/history")
        malformed = await client.get("/api/vrs/not-an-id")
        # "²" is a digit to str.isdigit() but not to int(): once a 500
        superscript = await client.get("/api/vrs/eth:169¹²³")
    for response in (unknown, history, malformed, superscript):
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND" and response.json()["error"]


async def test_a_bad_token_is_401_not_anonymous(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, [stored()])
        response = await client.get(f"/api/vrs/sol:{VOTE}", headers=bearer("not.a.token"))
    assert response.status_code == 401 and response.json()["code"] == "INVALID_TOKEN"


def drop_history() -> list[VrsScore]:
    """40 days: 90 everywhere, except the last 3 days at 70 (a drop 3 days ago), and an
    earlier score on the latest day that the day's last one replaces."""
    scores = []
    for day in range(40):
        level = 70 if day < 3 else 90
        scores.append(stored([level] * 5, at=NOW - timedelta(days=day)))
    scores.append(stored([10] * 5, at=NOW - timedelta(days=1, hours=1)))
    return scores


async def test_history_is_capped_per_tier_and_flags_drops(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, drop_history())
        anonymous = await client.get(f"/api/vrs/sol:{VOTE}/history?days=30")
        default = await client.get(f"/api/vrs/sol:{VOTE}/history")
        pro_auth = await signed_in(app, client, pro=True)
        pro = await client.get(f"/api/vrs/sol:{VOTE}/history?days=30", headers=pro_auth)
        too_long = await client.get(f"/api/vrs/sol:{VOTE}/history?days=90", headers=pro_auth)
        bad = await client.get(f"/api/vrs/sol:{VOTE}/history?days=0")
    free_body = anonymous.json()
    assert anonymous.status_code == 200
    assert len(free_body["data"]["points"]) == 7
    assert free_body["meta"] == {
        "tier": "free",
        "days": 7,
        "requestedDays": 30,
        "maxDays": 7,
        "clamped": True,
        "upgradeUrl": free_body["meta"]["upgradeUrl"],
    }
    assert len(default.json()["data"]["points"]) == 7 and not default.json()["meta"]["clamped"]
    points = pro.json()["data"]["points"]
    assert len(points) == 30 and pro.json()["meta"]["clamped"] is False
    assert points[-1]["date"] == NOW.date().isoformat()
    assert [p["total"] for p in points[-4:]] == [90, 70, 70, 70]  # the day's last score
    drops = [p for p in points if p["drop"]]
    assert [p["date"] for p in drops] == [
        (NOW - timedelta(days=d)).date().isoformat() for d in (2, 1, 0)
    ]
    assert drops[0]["dropPoints"] == 20
    assert drops[0]["dropSince"] == (NOW - timedelta(days=3)).date().isoformat()
    assert too_long.json()["meta"]["days"] == 30 and too_long.json()["meta"]["clamped"]
    assert len(too_long.json()["data"]["points"]) == 30
    assert pro.json()["data"]["firstScoredAt"].endswith("Z")
    assert all(p["calculatedAt"].endswith("Z") for p in points)
    assert bad.status_code == 422


async def test_tier_limits_are_rows_read_at_run_time(start_app: Any) -> None:
    async with start_app() as (app, client):
        await setup(app, drop_history())
        async with app.state.resources.session_factory() as session, session.begin():
            await session.execute(
                update(TierLimitsRow)
                .where(TierLimitsRow.tier == Tier.FREE.value)
                .values(history_days=3, vrs_factors=5)
            )
        history = (await client.get(f"/api/vrs/sol:{VOTE}/history?days=30")).json()
        score = (await client.get(f"/api/vrs/sol:{VOTE}")).json()
    assert len(history["data"]["points"]) == 3 and history["meta"]["maxDays"] == 3
    assert score["data"]["view"] == "full"  # the edited row grants all five factors
    assert not any(f.get("locked") for f in score["data"]["factors"])


async def test_free_history_totals_are_three_factor_totals(start_app: Any) -> None:
    scores = [stored((90, 80, 70, 40, 20), at=NOW - timedelta(days=d)) for d in range(3)]
    async with start_app() as (app, client):
        await setup(app, scores)
        free = (await client.get(f"/api/vrs/sol:{VOTE}/history")).json()
        pro = (
            await client.get(
                f"/api/vrs/sol:{VOTE}/history", headers=await signed_in(app, client, pro=True)
            )
        ).json()
    assert {p["total"] for p in free["data"]["points"]} == {81}
    assert {p["total"] for p in pro["data"]["points"]} == {69}
    assert free["data"]["view"] == "basic" and pro["data"]["view"] == "full"


async def test_methodology_is_public_and_complete(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.get("/api/vrs/methodology")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["version"] == "2026-11.2"
    assert [c["chain"] for c in data["chains"]] == ["eth", "sol", "atom"]
    for chain in data["chains"]:
        assert [f["name"] for f in chain["factors"]] == [f.value for f in FACTORS]
        assert [f["weight"] for f in chain["factors"]] == [0.3, 0.25, 0.2, 0.15, 0.1]
        assert all(f["definition"] and isinstance(f["inputs"], list) for f in chain["factors"])
    eth_commission = data["chains"][0]["factors"][2]
    assert eth_commission["available"] is False
    assert data["windows"] == [
        {"fromDay": 1, "toDay": 30, "weight": 0.7},
        {"fromDay": 31, "toDay": 90, "weight": 0.3},
    ]
    assert data["pendingDays"] == 7 and data["freeFactors"] == ["uptime", "slashing", "commission"]


def samples(address: str, days: int, end: datetime) -> list[Observation]:
    return [
        Observation(
            chain=Chain.SOL,
            validator=address,
            observed_at=end - timedelta(days=d),
            status=ValidatorStatus.ACTIVE,
            stake=10**15,
            commission=Decimal("0.05"),
            uptime=Decimal(1),
            performance=Decimal(1),
            skip_rate=Decimal("0.01"),
        )
        for d in range(days)
    ]


async def test_the_vrs_step_refreshes_the_cached_read(start_app: Any) -> None:
    async with start_app() as (app, client):
        resources = app.state.resources
        await setup(app, [], NEW)
        first = (await client.get(f"/api/vrs/sol:{NEW}")).json()["data"]  # cached: pending
        async with resources.session_factory() as session, session.begin():
            repo = ChainDataRepository(session)
            for o in samples(NEW, 10, NOW):
                await repo.add_observations([o], o.observed_at)
        await compute_vrs(JobDeps.from_resources(resources), "sol", at=NOW.isoformat())
        second = (await client.get(f"/api/vrs/sol:{NEW}")).json()["data"]
    assert first["status"] == "pending" and first["calculatedAt"] is None
    assert second["status"] == "scored" and second["dataDays"] == 10
    assert second["total"] is not None and second["calculatedAt"] is not None


@pytest.mark.parametrize("path", ["/api/vrs/methodology", f"/api/vrs/sol:{VOTE}"])
async def test_public_reads_are_rate_limited_per_ip(start_app: Any, path: str) -> None:
    async with start_app(rate_limit_default="3/minute") as (app, client):
        await setup(app, [stored()])
        statuses = [(await client.get(path)).status_code for _ in range(4)]
        limited = await client.get(path)
    assert statuses == [200, 200, 200, 429]
    assert limited.headers["Retry-After"]


async def test_the_signed_cron_trigger_runs_the_vrs_step(start_app: Any) -> None:
    from tests.api.test_cron import KEYS, signed

    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    async with start_app(cron_hmac_keys=KEYS) as (app, client):
        await setup(app, [], NEW)
        async with app.state.resources.session_factory() as session, session.begin():
            repo = ChainDataRepository(session)
            for o in samples(NEW, 8, hour):
                await repo.add_observations([o], o.observed_at)
        response = await client.post("/api/cron/vrs", **signed("vrs", {"chain": "sol"}))
        await app.state.jobs.drain()
        data = (await client.get(f"/api/vrs/sol:{NEW}")).json()["data"]
    assert response.status_code == 202
    assert response.json()["data"]["jobIds"][0].startswith("vrs:sol:")
    assert data["status"] == "scored" and data["calculatedAt"].startswith(hour.isoformat()[:13])


async def test_every_vrs_route_declares_typed_data_and_meta(start_app: Any) -> None:
    async with start_app() as (app, _):
        schema = app.openapi()
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    metas = {}
    score, history = "/api/vrs/{validator_id}", "/api/vrs/{validator_id}/history"
    for path in ("/api/vrs/methodology", score, history):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        envelope = resolve(ok["schema"])
        assert resolve(envelope["properties"]["data"])["properties"], path
        metas[path] = resolve(envelope["properties"]["meta"])
    assert {"tier", "factorsShown", "upgradeUrl"} <= set(metas[score]["properties"])
    assert {"tier", "days", "requestedDays", "maxDays", "clamped", "upgradeUrl"} <= set(
        metas[history]["properties"]
    )


async def test_history_explains_the_last_drop_within_the_tiers_factors(start_app: Any) -> None:
    # uptime and the pro-only performance fall 3 days ago; commission rises a little
    scores = [stored((90, 90, 90, 90, 90), at=NOW - timedelta(days=d)) for d in range(4, 10)]
    scores += [stored((40, 90, 95, 20, 90), at=NOW - timedelta(days=d)) for d in range(3)]
    async with start_app() as (app, client):
        await setup(app, scores)
        free = (await client.get(f"/api/vrs/sol:{VOTE}/history")).json()
        pro = (
            await client.get(
                f"/api/vrs/sol:{VOTE}/history", headers=await signed_in(app, client, pro=True)
            )
        ).json()
        calm = await client.get(f"/api/vrs/sol:{VOTE}/history?days=1")
    since = (NOW - timedelta(days=4)).date().isoformat()
    assert pro["data"]["lastDrop"] == {
        "from": since,
        "to": NOW.date().isoformat(),
        "before": 90,
        "after": 66,  # (30·40 + 25·90 + 20·95 + 15·20 + 10·90) / 100 = 65.5
        "fell": 24,
        "causes": [
            {"factor": "performance", "before": 90, "after": 20, "delta": -70},
            {"factor": "uptime", "before": 90, "after": 40, "delta": -50},
            {"factor": "commission", "before": 90, "after": 95, "delta": 5},
        ],
    }
    free_drop = free["data"]["lastDrop"]
    assert [c["factor"] for c in free_drop["causes"]] == ["uptime", "commission"]  # no pro factor
    assert (free_drop["before"], free_drop["after"]) == (90, 71)  # (30·40+25·90+20·95)/75
    # one day shown: today's drop still counts (the days before are looked at)
    assert calm.json()["data"]["lastDrop"]["from"] == since
