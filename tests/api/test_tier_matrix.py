"""Every gated feature × every subscription state (free, pro, expired pro, no
subscription row), through the API, on SQLite and on PostgreSQL: the tier every decision
uses is the server's current record, and every gate refuses alike (403 TIER_LIMIT with
`upgradeUrl` = APP_ORIGIN + /settings/subscription)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from domain.models import Chain
from infrastructure.db.models import WatchedValidatorRow
from tests.api.conftest import get_nonce
from tests.api.tiers_setup import STATES, add_validators, user_in
from tests.api.wallets import Wallet

PRO = {
    "chains": 201,
    "watched_validators": 201,
    "alerts": 201,
    "vrs_factors": 5,
    "history_days": 30,
    "reward_days": False,  # not clamped
    "rewards_export": 200,
}
FREE = {
    "chains": ("TIER_LIMIT", "chains", 1, 1),
    "watched_validators": ("TIER_LIMIT", "watched_validators", 10, 10),
    "alerts": ("TIER_LIMIT", "alerts", 1, 1),
    "vrs_factors": 3,
    "history_days": 7,
    "reward_days": True,  # clamped to 30 days
    "rewards_export": ("TIER_LIMIT", "rewards_export", 0, 0),
}
EXPECTED = {"pro": PRO, "free": FREE, "expired_pro": FREE, "no_row": FREE}


def _outcome(response: Any, app: Any) -> Any:
    """201/200, or (code, feature, limit, current) of a refusal (upgradeUrl checked)."""
    if response.status_code != 403:
        return response.status_code
    body = response.json()
    details = body["details"]
    origin = app.state.settings.effective_app_origin
    assert details["upgradeUrl"] == origin + "/settings/subscription", details
    return (body["code"], details["feature"], details.get("limit"), details.get("current"))


async def _outcomes(app: Any, client: Any, state: str) -> dict[str, Any]:
    validators = await add_validators(app, 12)
    me = await user_in(app, client, state)
    auth = me["headers"]
    out: dict[str, Any] = {}

    atom = Wallet.new(Chain.ATOM)
    linked = await client.post(
        "/api/me/wallets/atom", json=atom.proof(await get_nonce(client)), headers=auth
    )
    out["chains"] = _outcome(linked, app)

    now = datetime.now(UTC)
    async with app.state.resources.session_factory() as session, session.begin():
        await session.execute(
            insert(WatchedValidatorRow),
            [
                {
                    "user_id": uuid.UUID(me["id"]),
                    "chain": "sol",
                    "validator": v.split(":", 1)[1],
                    "created_at": now,
                }
                for v in validators[:10]
            ],
        )
    watched = await client.post(
        "/api/watchlist", json={"validatorId": validators[10]}, headers=auth
    )
    out["watched_validators"] = _outcome(watched, app)

    alert = {"type": "commission_increase", "validatorId": validators[11]}
    first = await client.post("/api/alerts", json=alert, headers=auth)
    assert first.status_code == 201, first.text
    second = await client.post("/api/alerts", json={**alert, "type": "slashing"}, headers=auth)
    out["alerts"] = _outcome(second, app)

    score = await client.get(f"/api/vrs/{validators[0]}", headers=auth)
    assert score.status_code == 200, score.text
    out["vrs_factors"] = score.json()["meta"]["factorsShown"]
    history = await client.get(f"/api/vrs/{validators[0]}/history?days=30", headers=auth)
    out["history_days"] = history.json()["meta"]["days"]

    rewards = await client.get("/api/rewards", headers=auth)
    assert rewards.status_code == 200, rewards.text
    out["reward_days"] = rewards.json()["meta"]["clamped"]
    export = await client.get("/api/rewards/export", params={"year": now.year}, headers=auth)
    out["rewards_export"] = _outcome(export, app)
    return out


@pytest.mark.parametrize("state", STATES)
async def test_every_gated_feature_in_every_state(
    start_app: Any, backend: dict[str, str], state: str
) -> None:
    async with start_app(**backend) as (app, client):
        outcomes = await _outcomes(app, client, state)
    assert outcomes == EXPECTED[state]
