"""GET /api/subscription (story 6.3): the plan from the server's current record — tier,
since, expiry, source — limits with usage per feature, the comparison table from the
tier_limits rows, the price (display only) and the upgrade contact; session or API key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from domain.models import Chain
from infrastructure.db.models import TierLimitsRow
from infrastructure.db.uow import SqlUnitOfWork
from tests.api.tiers_setup import add_validators, set_state, user_in

COMPARISON = [
    {"feature": "chains", "free": 1, "pro": 3},
    {"feature": "watched_validators", "free": 10, "pro": None},
    {"feature": "vrs_factors", "free": 3, "pro": 5},
    {"feature": "alerts", "free": 1, "pro": 5},
    {"feature": "history_days", "free": 7, "pro": 30},
    {"feature": "reward_days", "free": 30, "pro": None},
    {"feature": "rewards_export", "free": 0, "pro": 1},
]


async def _subscription(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/subscription", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["meta"] == {}
    data: dict[str, Any] = response.json()["data"]
    return data


async def _stored(app: Any, user_id: str) -> Any:
    async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
        return await uow.users.subscription(uuid.UUID(user_id))


@pytest.mark.parametrize("state", ["no_row", "free", "pro", "expired_pro"])
async def test_the_plan_in_each_state(start_app: Any, backend: dict[str, str], state: str) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, state)
        data = await _subscription(client, me["headers"])
        stored = await _stored(app, me["id"])
        account = (await client.get("/api/me", headers=me["headers"])).json()["data"]
    upgrade_url = app.state.settings.effective_app_origin + "/settings/subscription"
    since = datetime.fromisoformat(data["since"].replace("Z", "+00:00"))
    if state == "pro":
        assert (data["tier"], data["source"], data["upgradeUrl"]) == ("pro", "admin", None)
        assert datetime.fromisoformat(data["expiresAt"].replace("Z", "+00:00")) == stored.expires_at
        assert since == stored.started_at
    else:
        assert (data["tier"], data["source"], data["expiresAt"]) == ("free", None, None)
        assert data["upgradeUrl"] == upgrade_url
        expected = {
            "no_row": lambda: datetime.fromisoformat(account["createdAt"].replace("Z", "+00:00")),
            "free": lambda: stored.started_at,
            "expired_pro": lambda: stored.expires_at,  # free since the pro tier ended
        }[state]()
        assert since == expected
    pro = state == "pro"
    assert data["limits"] == [
        {"feature": "chains", "limit": 3 if pro else 1, "current": 1, "overLimit": False},
        {
            "feature": "watched_validators",
            "limit": None if pro else 10,
            "current": 0,
            "overLimit": False,
        },
        {"feature": "alerts", "limit": 5 if pro else 1, "current": 0, "overLimit": False},
    ]
    assert data["comparison"] == COMPARISON
    assert data["price"] == {
        "amount": "19",
        "currency": "USD",
        "period": "month",
        "displayOnly": True,
    }
    assert data["upgrade"] == {
        "email": "upgrade@staketrack.ai",
        "subject": "StakeTrack AI Pro Upgrade",
        "mailto": "mailto:upgrade@staketrack.ai?subject=StakeTrack%20AI%20Pro%20Upgrade",
    }


async def test_usage_over_the_limit_after_a_downgrade_and_an_api_key_reads_it(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        validators = await add_validators(app, 2)
        me = await user_in(app, client, "pro", chain=Chain.SOL)
        for v in validators:
            assert (
                await client.post("/api/watchlist", json={"validatorId": v}, headers=me["headers"])
            ).status_code == 201
        for kind in ("slashing", "jailed_or_delinquent"):
            created = await client.post(
                "/api/alerts", json={"type": kind, "chain": "sol"}, headers=me["headers"]
            )
            assert created.status_code == 201, created.text
        key = await client.post("/api/me/api-keys", json={"name": "bot"}, headers=me["headers"])
        api_key = {"Authorization": f"Bearer {key.json()['data']['key']}"}
        factory = app.state.resources.session_factory
        try:
            async with factory() as session, session.begin():  # an admin edits the free row
                await session.execute(
                    update(TierLimitsRow)
                    .where(TierLimitsRow.tier == "free")
                    .values(watched_validators=1)
                )
            await set_state(app, me["id"], "expired_pro", email=False)
            data = await _subscription(client, api_key)
        finally:
            async with factory() as session, session.begin():
                await session.execute(
                    update(TierLimitsRow)
                    .where(TierLimitsRow.tier == "free")
                    .values(watched_validators=10)
                )
    assert data["tier"] == "free"
    assert {u["feature"]: (u["limit"], u["current"], u["overLimit"]) for u in data["limits"]} == {
        "chains": (1, 1, False),
        "watched_validators": (1, 2, True),
        "alerts": (1, 2, True),
    }
    assert data["comparison"][1] == {"feature": "watched_validators", "free": 1, "pro": None}
