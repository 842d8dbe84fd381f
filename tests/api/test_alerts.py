"""/api/alerts (story 5.3): create with validation and the tier limit (atomic under
concurrency), wallet-only users' email alerts wait for a verified email, webhook needs a
verified webhook, list, read, toggle, edit, delete (history kept), history pages,
ownership."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from domain.chains import Validator, ValidatorStatus
from domain.models import Chain, Tier
from infrastructure.db.models import UserRow
from infrastructure.db.models.alerts import AlertHistoryRow, UserWebhookRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet

VOTE = "Vote111111111111111111111111111111111111111"
NOW = datetime.now(UTC).replace(microsecond=0)


async def add_validator(app: Any) -> None:
    async with app.state.resources.session_factory() as session, session.begin():
        await ChainDataRepository(session).upsert_validators(
            [Validator(Chain.SOL, VOTE, ValidatorStatus.ACTIVE, 10**15, NOW)]
        )


async def user(app: Any, client: Any, *, pro: bool = False, email: bool = True) -> dict[str, Any]:
    """A signed-in user (headers, id): with a verified email unless `email` is False."""
    wallet = Wallet.new(Chain.SOL)
    data = await sign_in(client, wallet)
    values: dict[str, Any] = {}
    if pro:
        values["tier"] = Tier.PRO.value
    if email:
        values.update(email=f"{uuid.uuid4().hex}@example.com", email_verified_at=NOW)
    if values:
        await set_user(app, data["user"]["id"], **values)
        data = await sign_in(client, wallet)  # a new session reads the user afresh
    client.cookies.clear()
    return {"headers": bearer(data["accessToken"]), "id": data["user"]["id"], "wallet": wallet}


async def set_user(app: Any, user_id: str, **values: Any) -> None:
    tier = values.pop("tier", None)
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        if tier is not None:
            await uow.users.set_tier(uuid.UUID(user_id), Tier(tier), datetime.now(UTC))
        if values:
            await uow.session.execute(
                update(UserRow).where(UserRow.id == uuid.UUID(user_id)).values(values)
            )
        await uow.commit()


def body(**overrides: Any) -> dict[str, Any]:
    return {"type": "commission_increase", "validatorId": f"sol:{VOTE}", **overrides}


async def test_create_read_list_toggle_edit_delete(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client, pro=True)
        created = await client.post(
            "/api/alerts", json=body(threshold="10", notifyResolved=True), headers=me["headers"]
        )
        assert created.status_code == 201, created.text
        alert = created.json()["data"]
        assert alert["validatorId"] == f"sol:{VOTE}" and alert["chain"] == "sol"
        assert alert["threshold"] == "10" and alert["channels"] == ["email"]
        assert alert["active"] is True and alert["inactiveReason"] is None
        scoped = await client.post(
            "/api/alerts",
            json={"type": "slashing", "validatorId": None, "chain": None},
            headers=me["headers"],
        )
        assert scoped.status_code == 201 and scoped.json()["data"]["chain"] is None
        listed = await client.get("/api/alerts", headers=me["headers"])
        assert [a["id"] for a in listed.json()["data"]] == [
            alert["id"],
            scoped.json()["data"]["id"],
        ]
        assert listed.json()["meta"]["alertLimit"] == 5
        path = f"/api/alerts/{alert['id']}"
        off = await client.patch(
            path, json={"active": False, "threshold": "12.5"}, headers=me["headers"]
        )
        assert off.status_code == 200, off.text
        assert off.json()["data"]["active"] is False
        assert off.json()["data"]["inactiveReason"] == "user"
        assert off.json()["data"]["threshold"] == "12.5"
        cleared = await client.patch(
            path, json={"threshold": None, "active": True}, headers=me["headers"]
        )
        assert cleared.json()["data"]["threshold"] is None and cleared.json()["data"]["active"]
        bad = await client.patch(path, json={"threshold": "150"}, headers=me["headers"])
        assert bad.status_code == 422 and bad.json()["details"]["fields"][0]["field"] == "threshold"
        assert (await client.get(path, headers=me["headers"])).json()["data"]["threshold"] is None
        gone = await client.delete(path, headers=me["headers"])
        assert gone.status_code == 200 and gone.json()["data"] == {
            "id": alert["id"],
            "deleted": True,
        }
        assert (await client.get(path, headers=me["headers"])).status_code == 404


async def test_bad_rules_are_422_naming_the_field(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client, pro=True)
        cases = {
            "threshold": body(type="vrs_drop"),
            "validatorId": body(validatorId="sol:Unknown1111111111111111111111111111111111"),
            "chain": body(chain="atom"),
            "type": body(type="moon"),
        }
        for field, sent in cases.items():
            response = await client.post("/api/alerts", json=sent, headers=me["headers"])
            assert response.status_code == 422, (field, response.text)
            assert field in {f["field"] for f in response.json()["details"]["fields"]}, field
        assert (await client.get("/api/alerts", headers=me["headers"])).json()["data"] == []


async def test_the_free_tier_has_one_alert(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client)
        first = await client.post("/api/alerts", json=body(), headers=me["headers"])
        second = await client.post("/api/alerts", json=body(type="slashing"), headers=me["headers"])
    assert first.status_code == 201
    assert second.status_code == 403
    assert second.json()["code"] == "TIER_LIMIT"
    details = second.json()["details"]
    assert details["limit"] == 1 and details["current"] == 1
    assert details["upgradeUrl"].endswith("/settings/subscription")


async def test_concurrent_creates_at_the_limit_give_one_201_and_one_403(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        await add_validator(app)
        for _ in range(3):  # a few rounds: each a fresh free user, two creates at once
            me = await user(app, client)
            answers = await asyncio.gather(
                *(
                    client.post("/api/alerts", json=body(type=t), headers=me["headers"])
                    for t in ("slashing", "jailed_or_delinquent")
                )
            )
            assert sorted(a.status_code for a in answers) == [201, 403], [a.text for a in answers]
            listed = await client.get("/api/alerts", headers=me["headers"])
            assert len(listed.json()["data"]) == 1


async def test_wallet_only_users_email_alerts_wait_for_a_verified_email(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client, email=False)
        created = await client.post("/api/alerts", json=body(), headers=me["headers"])
        assert created.status_code == 201
        alert = created.json()["data"]
        assert alert["active"] is False and alert["inactiveReason"] == "email_unverified"
        on = await client.patch(
            f"/api/alerts/{alert['id']}", json={"active": True}, headers=me["headers"]
        )
        assert on.status_code == 409 and on.json()["code"] == "EMAIL_NOT_VERIFIED"
        await set_user(app, me["id"], email="w@example.com", email_verified_at=NOW)
        listed = await client.get("/api/alerts", headers=me["headers"])
    assert listed.json()["data"][0]["active"] is True
    assert listed.json()["data"][0]["inactiveReason"] is None


async def test_the_webhook_channel_needs_a_verified_webhook(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client, email=False)
        refused = await client.post(
            "/api/alerts", json=body(channels=["webhook"]), headers=me["headers"]
        )
        assert refused.status_code == 409 and refused.json()["code"] == "WEBHOOK_NOT_VERIFIED"
        async with app.state.resources.session_factory() as session, session.begin():
            session.add(
                UserWebhookRow(
                    user_id=uuid.UUID(me["id"]),
                    url="https://hooks.example.com/x",
                    secret="s" * 32,
                    verified_at=NOW,
                )
            )
        created = await client.post(
            "/api/alerts", json=body(channels=["webhook"]), headers=me["headers"]
        )
    assert created.status_code == 201
    assert created.json()["data"]["active"] is True  # no email needed for a webhook alert


async def test_another_users_alert_is_404_and_ids_are_uuids(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        owner, other = await user(app, client), await user(app, client)
        alert = (await client.post("/api/alerts", json=body(), headers=owner["headers"])).json()
        path = f"/api/alerts/{alert['data']['id']}"
        answers = [
            await client.get(path, headers=other["headers"]),
            await client.patch(path, json={"active": False}, headers=other["headers"]),
            await client.delete(path, headers=other["headers"]),
        ]
        not_uuid = await client.get("/api/alerts/not-a-uuid", headers=owner["headers"])
        anonymous = await client.get("/api/alerts")
        still = await client.get(path, headers=owner["headers"])
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert not_uuid.status_code == 422
    assert anonymous.status_code == 401
    assert still.json()["data"]["active"] is True


async def test_history_pages_newest_first_and_survives_the_alert(start_app: Any) -> None:
    async with start_app() as (app, client):
        await add_validator(app)
        me = await user(app, client)
        other = await user(app, client)
        alert = (await client.post("/api/alerts", json=body(), headers=me["headers"])).json()
        alert_id = uuid.UUID(alert["data"]["id"])
        async with app.state.resources.session_factory() as session, session.begin():
            for n, owner in enumerate([me["id"]] * 3 + [other["id"]]):
                session.add(
                    AlertHistoryRow(
                        alert_id=alert_id if owner == me["id"] else None,
                        user_id=uuid.UUID(owner),
                        type="commission_increase",
                        chain="sol",
                        validator=VOTE,
                        condition="commission_raised",
                        kind="fired",
                        message=f"commission raised {n}",
                        details={"before": {"commission": "5"}, "after": {"commission": "8"}},
                        fired_at=NOW - timedelta(hours=n),
                    )
                )
        first = await client.get("/api/alerts/history?limit=2", headers=me["headers"])
        cursor = first.json()["meta"]["nextCursor"]
        second = await client.get(
            f"/api/alerts/history?limit=2&cursor={cursor}", headers=me["headers"]
        )
        tampered = await client.get(
            f"/api/alerts/history?cursor={cursor[:-2]}xx", headers=me["headers"]
        )
        await client.delete(f"/api/alerts/{alert_id}", headers=me["headers"])
        after_delete = await client.get("/api/alerts/history", headers=me["headers"])
        async with app.state.resources.session_factory() as session:
            kept = (await session.scalars(select(AlertHistoryRow.alert_id))).all()
    messages = [e["message"] for e in first.json()["data"] + second.json()["data"]]
    assert messages == ["commission raised 0", "commission raised 1", "commission raised 2"]
    assert second.json()["meta"]["nextCursor"] is None
    assert first.json()["data"][0]["validatorId"] == f"sol:{VOTE}"
    assert first.json()["data"][0]["after"]["commission"] == "8"
    assert first.json()["data"][0]["before"]["commission"] == "5"
    assert tampered.status_code == 400 and tampered.json()["code"] == "INVALID_CURSOR"
    assert [e["alertId"] for e in after_delete.json()["data"]] == [None, None, None]
    assert len(kept) == 4 and set(kept) == {None}


async def test_an_eth_alert_names_the_index_and_joins_the_observed_set(start_app: Any) -> None:
    from infrastructure.db.models import EthValidatorRow, ObservedValidatorRow

    pubkey = "0x" + "ab" * 48
    async with start_app() as (app, client):
        async with app.state.resources.session_factory() as session, session.begin():
            session.add(
                EthValidatorRow(
                    index=777_001,
                    pubkey=pubkey,
                    withdrawal_prefix=1,
                    withdrawal_address=None,
                    status="active_ongoing",
                    slashed=False,
                    balance=32 * 10**9,
                    effective_balance=32 * 10**9,
                    activation_epoch=1,
                    exit_epoch=None,
                )
            )
        me = await user(app, client)
        created = await client.post(
            "/api/alerts",
            json={"type": "slashing", "validatorId": f"eth:{pubkey}"},
            headers=me["headers"],
        )
        async with app.state.resources.session_factory() as session:
            observed = await session.get(ObservedValidatorRow, ("eth", "777001"))
    assert created.status_code == 201, created.text
    assert created.json()["data"]["validatorId"] == "eth:777001"
    assert observed is not None
