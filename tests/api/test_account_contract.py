"""Contract v1 on the account routes: lists are `{data, meta: {nextCursor, limit}}`,
timestamps are ISO 8601 UTC with `Z`, single resources carry an empty typed `meta`."""

from __future__ import annotations

import re
from typing import Any

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet

UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def test_account_lists_and_timestamps_follow_contract_v1(start_app: Any) -> None:
    async with start_app() as (_, client):
        signed_in = (
            await client.post(
                "/api/auth/siwe", json=Wallet.new(Chain.ETH).proof(await get_nonce(client))
            )
        ).json()
        client.cookies.clear()
        auth = bearer(signed_in["data"]["accessToken"])
        nonce = (await client.get("/api/auth/nonce")).json()
        me = (await client.get("/api/me", headers=auth)).json()
        created = (await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)).json()
        wallets = (await client.get("/api/me/wallets", headers=auth)).json()
        keys = (await client.get("/api/me/api-keys", headers=auth)).json()
        no_keys = await client.delete(f"/api/me/api-keys/{created['data']['id']}", headers=auth)
        empty = (await client.get("/api/me/api-keys", headers=auth)).json()
    assert wallets["meta"] == {"nextCursor": None, "limit": 1} and len(wallets["data"]) == 1
    assert keys["meta"] == {"nextCursor": None, "limit": 1} and len(keys["data"]) == 1
    assert no_keys.status_code == 200 and empty == {
        "data": [],
        "meta": {"nextCursor": None, "limit": 0},
    }
    assert signed_in["meta"] == me["meta"] == created["meta"] == {}
    for stamp in (
        signed_in["data"]["expiresAt"],
        signed_in["data"]["user"]["createdAt"],
        nonce["data"]["expiresAt"],
        me["data"]["createdAt"],
        wallets["data"][0]["linkedAt"],
        keys["data"][0]["createdAt"],
        created["data"]["createdAt"],
    ):
        assert UTC_Z.match(stamp), stamp
    assert "tier" in me["data"] and me["data"]["tier"] == "free"


async def test_logout_answers_a_typed_body(start_app: Any) -> None:
    async with start_app() as (_, client):
        await sign_in(client, Wallet.new(Chain.SOL))
        csrf = client.cookies.get("st_csrf")
        response = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf or ""})
    assert response.status_code == 200
    assert response.json() == {"data": {"loggedOut": True}, "meta": {}}
