"""/api/watchlist (issue 16): watch validators of any chain (404 unknown, idempotent 200
for a duplicate), entries with the validator's name, latest VRS in the tier view and
`overLimit`; the free limit, a downgrade that keeps every entry, an edited tier_limits
row obeyed on the next request, two watches at once at the limit; and watched ETH
validators join the observed set (observed and scored hourly)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update

from domain.models import Chain
from domain.vrs import DEFAULT_WEIGHTS, FACTORS, ScoreConfidence, VrsScore, VrsStatus
from domain.vrs.model import total_of
from infrastructure.db.models import TierLimitsRow, ValidatorRow, WatchedValidatorRow
from infrastructure.db.repositories.vrs import VrsScoreRepository
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.test_eth_validators import EthSet, app_client, eth_set  # noqa: F401
from tests.api.tiers_setup import add_validators, set_state, user_in


async def _watch(client: Any, auth: dict[str, str], validator_id: str) -> Any:
    return await client.post("/api/watchlist", json={"validatorId": validator_id}, headers=auth)


async def _listed(client: Any, auth: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/watchlist", headers=auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _prefill(app: Any, user_id: str, validator_ids: list[str]) -> None:
    """Watched rows, oldest first (one second apart, so the order is certain)."""
    base = datetime.now(UTC).timestamp() - len(validator_ids)
    async with app.state.resources.session_factory() as session, session.begin():
        await session.execute(
            insert(WatchedValidatorRow),
            [
                {
                    "user_id": uuid.UUID(user_id),
                    "chain": v.split(":", 1)[0],
                    "validator": v.split(":", 1)[1],
                    "created_at": datetime.fromtimestamp(base + i, UTC),
                }
                for i, v in enumerate(validator_ids)
            ],
        )


async def test_watch_list_and_unwatch(start_app: Any, backend: dict[str, str]) -> None:
    async with start_app(**backend) as (app, client):
        scored, plain = await add_validators(app, 2)
        address = scored.split(":", 1)[1]
        async with app.state.resources.session_factory() as session, session.begin():
            await session.execute(
                update(ValidatorRow).where(ValidatorRow.address == address).values(name="Alpha")
            )
        factors = dict(zip(FACTORS, (90, 80, 70, 60, 50), strict=True))
        now = datetime.now(UTC).replace(microsecond=0)
        async with app.state.resources.session_factory() as session, session.begin():
            await VrsScoreRepository(session).add(
                [
                    VrsScore(
                        chain=Chain.SOL,
                        validator=address,
                        calculated_at=now,
                        status=VrsStatus.SCORED,
                        total=total_of(factors, DEFAULT_WEIGHTS),
                        scores=factors,
                        weights=dict(DEFAULT_WEIGHTS),
                        data_days=90,
                        confidence=ScoreConfidence.HIGH,
                    )
                ]
            )
        me = await user_in(app, client, "no_row")
        auth = me["headers"]
        created = await _watch(client, auth, scored)
        again = await _watch(client, auth, scored)
        second = await _watch(client, auth, plain)
        unknown = await _watch(client, auth, "sol:Unknown111111111111111111111111111111111")
        malformed = await _watch(client, auth, "btc:whatever")
        listed = await _listed(client, auth)
        removed = await client.delete(f"/api/watchlist/{plain}", headers=auth)
        removed_again = await client.delete(f"/api/watchlist/{plain}", headers=auth)
        after = await _listed(client, auth)
        anonymous = await client.get("/api/watchlist")
    assert (created.status_code, again.status_code, second.status_code) == (201, 200, 201)
    assert created.json()["data"] == again.json()["data"]
    entry = created.json()["data"]
    assert entry["validatorId"] == scored and entry["chain"] == "sol"
    assert entry["name"] == "Alpha" and entry["overLimit"] is False
    # the free view: three factors, renormalised (uptime 90, slashing 80, commission 70)
    assert entry["vrs"]["factorsShown"] == 3 and entry["vrs"]["status"] == "scored"
    assert entry["vrs"]["total"] == total_of(factors, DEFAULT_WEIGHTS, FACTORS[:3])
    assert second.json()["data"]["vrs"] is None and second.json()["data"]["name"] is None
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    assert malformed.status_code == 404
    assert [e["validatorId"] for e in listed["data"]] == [scored, plain]
    assert listed["meta"]["watchLimit"] == 10 and listed["meta"]["upgradeUrl"] is None
    assert removed.status_code == 200 and removed.json()["data"]["validatorId"] == plain
    assert removed_again.status_code == 404
    assert [e["validatorId"] for e in after["data"]] == [scored]
    assert anonymous.status_code == 401


async def test_the_free_limit_then_a_downgrade_keeps_every_entry(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        validators = await add_validators(app, 13)
        me = await user_in(app, client, "pro")
        auth = me["headers"]
        await _prefill(app, me["id"], validators[:11])
        pro_watch = await _watch(client, auth, validators[11])  # the 12th: pro is unlimited
        await set_state(app, me["id"], "expired_pro", email=False)
        listed = await _listed(client, auth)
        refused = await _watch(client, auth, validators[12])
        already = await _watch(client, auth, validators[0])  # idempotent, even over the limit
        unwatch_over = await client.delete(f"/api/watchlist/{validators[11]}", headers=auth)
        left = await _listed(client, auth)
    assert pro_watch.status_code == 201
    assert [e["overLimit"] for e in listed["data"]] == [False] * 10 + [True] * 2
    assert [e["validatorId"] for e in listed["data"]] == validators[:12]  # nothing deleted
    assert listed["meta"]["watchLimit"] == 10 and listed["meta"]["upgradeUrl"]
    assert refused.status_code == 403
    assert refused.json()["details"] == {
        "feature": "watched_validators",
        "limit": 10,
        "current": 12,
        "upgradeUrl": app.state.settings.effective_app_origin + "/settings/subscription",
    }
    assert already.status_code == 200
    assert unwatch_over.status_code == 200
    assert [e["overLimit"] for e in left["data"]] == [False] * 10 + [True]


async def test_an_edited_limit_row_decides_the_next_request(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        validators = await add_validators(app, 3)
        me = await user_in(app, client, "free")
        auth = me["headers"]
        factory = app.state.resources.session_factory
        try:
            async with factory() as session, session.begin():
                await session.execute(
                    update(TierLimitsRow)
                    .where(TierLimitsRow.tier == "free")
                    .values(watched_validators=1)
                )
            first = await _watch(client, auth, validators[0])
            second = await _watch(client, auth, validators[1])
            async with factory() as session, session.begin():
                await session.execute(
                    update(TierLimitsRow)
                    .where(TierLimitsRow.tier == "free")
                    .values(watched_validators=2)
                )
            third = await _watch(client, auth, validators[1])
        finally:  # the shared PostgreSQL outlives the test
            async with factory() as session, session.begin():
                await session.execute(
                    update(TierLimitsRow)
                    .where(TierLimitsRow.tier == "free")
                    .values(watched_validators=10)
                )
    assert first.status_code == 201
    assert second.status_code == 403 and second.json()["details"]["limit"] == 1
    assert third.status_code == 201


async def test_two_watches_at_once_at_the_limit_give_one_201_and_one_403(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        for _ in range(3):  # a few rounds: each a fresh free user with 9 watched
            validators = await add_validators(app, 11)
            me = await user_in(app, client, "no_row")
            await _prefill(app, me["id"], validators[:9])
            answers = await asyncio.gather(
                *(_watch(client, me["headers"], v) for v in validators[9:])
            )
            assert sorted(a.status_code for a in answers) == [201, 403], [a.text for a in answers]
            assert len((await _listed(client, me["headers"]))["data"]) == 10


async def test_a_watched_eth_validator_joins_the_observed_set(
    app_client: Any,  # noqa: F811
    eth_set: EthSet,  # noqa: F811
) -> None:
    app, client = app_client
    index = eth_set.index(2)
    me = await user_in(app, client, "no_row")
    before = (await client.get(f"/api/vrs/eth:{index}")).json()["data"]
    watched = await _watch(client, me["headers"], f"eth:{eth_set.pubkey(2)}")  # by pubkey
    after = (await client.get(f"/api/vrs/eth:{index}")).json()["data"]
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        observed = await uow.chain_data.watched_ids(Chain.ETH)  # what the ingest observes
        is_observed = await uow.observed.is_observed(Chain.ETH, str(index))
    removed = await client.delete(f"/api/watchlist/eth:{eth_set.pubkey(2)}", headers=me["headers"])
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        still = await uow.chain_data.watched_ids(Chain.ETH)
    assert before["pendingReason"] == "not_observed"
    assert watched.status_code == 201 and watched.json()["data"]["validatorId"] == f"eth:{index}"
    assert str(index) in observed and is_observed
    # the cached "not observed" answer was dropped: it is collecting history now
    assert after["pendingReason"] == "collecting_history"
    assert removed.status_code == 200 and str(index) not in still
