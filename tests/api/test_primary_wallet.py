"""PATCH /api/me/wallets/{id} with {"primary": true}: the user chooses their primary wallet
(story 1.5). Only their own wallet (404 otherwise), only a wallet within the tier's chains
(403 TIER_LIMIT for one over the limit after a downgrade), a strict body (422)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.models import Chain
from tests.api.conftest import get_nonce
from tests.api.tiers_setup import set_state, user_in
from tests.api.wallets import Wallet


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> Any:
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)


async def _wallets(client: Any, auth: dict[str, str]) -> list[dict[str, Any]]:
    return (await client.get("/api/me/wallets", headers=auth)).json()["data"]  # type: ignore[no-any-return]


async def _make_primary(client: Any, auth: dict[str, str], wallet_id: str, body: Any = None) -> Any:
    return await client.patch(
        f"/api/me/wallets/{wallet_id}",
        json={"primary": True} if body is None else body,
        headers=auth,
    )


async def test_make_another_wallet_primary(start_app: Any, backend: dict[str, str]) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, "free", chain=Chain.ETH)
        auth = me["headers"]
        second = Wallet.new(Chain.ETH)
        assert (await _link(client, auth, second)).status_code == 201
        first_id, second_id = (w["id"] for w in await _wallets(client, auth))
        made = await _make_primary(client, auth, second_id)
        listed = await _wallets(client, auth)
        again = await _make_primary(client, auth, second_id)  # idempotent
        after_again = await _wallets(client, auth)
        me_view = (await client.get("/api/me", headers=auth)).json()["data"]
    assert made.status_code == 200
    assert made.json()["data"]["id"] == second_id and made.json()["data"]["isPrimary"] is True
    # exactly one primary, and the list order (oldest first) does not change
    assert [(w["id"], w["isPrimary"]) for w in listed] == [(first_id, False), (second_id, True)]
    assert again.status_code == 200 and after_again == listed
    assert me_view["primaryLogin"] == "wallet"


async def test_a_wallet_becomes_primary_again_after_email_took_over(start_app: Any) -> None:
    async with start_app() as (app, client):
        me = await user_in(app, client, "free", chain=Chain.SOL)  # with a verified email
        auth = me["headers"]
        second = Wallet.new(Chain.SOL)
        assert (await _link(client, auth, second)).status_code == 201
        first, other = await _wallets(client, auth)
        # removing the primary wallet with a verified email makes the email primary
        assert (await client.delete(f"/api/me/wallets/{first['id']}", headers=auth)).is_success
        before = (await client.get("/api/me", headers=auth)).json()["data"]["primaryLogin"]
        made = await _make_primary(client, auth, other["id"])
        after = (await client.get("/api/me", headers=auth)).json()["data"]["primaryLogin"]
    assert (before, made.status_code, after) == ("email", 200, "wallet")


async def test_another_users_wallet_is_not_found(start_app: Any) -> None:
    async with start_app() as (app, client):
        alice = await user_in(app, client, "free")
        mallory = await user_in(app, client, "free")
        [alice_wallet] = await _wallets(client, alice["headers"])
        stolen = await _make_primary(client, mallory["headers"], alice_wallet["id"])
        unknown = await _make_primary(client, mallory["headers"], str(uuid.uuid4()))
        alice_after = await _wallets(client, alice["headers"])
        [mallory_wallet] = await _wallets(client, mallory["headers"])
    assert (stolen.status_code, stolen.json()["code"]) == (404, "NOT_FOUND")
    assert unknown.status_code == 404
    assert alice_after == [alice_wallet] and mallory_wallet["isPrimary"] is True


@pytest.mark.parametrize(
    "body",
    [{"primary": False}, {}, {"primary": "yes"}, {"primary": True, "chain": "eth"}, []],
)
async def test_the_body_must_be_primary_true(start_app: Any, body: Any) -> None:
    async with start_app() as (app, client):
        me = await user_in(app, client, "free")
        [wallet] = await _wallets(client, me["headers"])
        response = await _make_primary(client, me["headers"], wallet["id"], body)
        not_uuid = await _make_primary(client, me["headers"], "1")
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")
    assert not_uuid.status_code == 422


async def test_a_wallet_over_the_chain_limit_cannot_become_primary(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, "pro", chain=Chain.SOL)
        auth = me["headers"]
        assert (await _link(client, auth, Wallet.new(Chain.ATOM))).status_code == 201
        await set_state(app, me["id"], "expired_pro", email=False)  # 1 chain now
        sol, atom = await _wallets(client, auth)
        refused = await _make_primary(client, auth, atom["id"])
        after = await _wallets(client, auth)
        within = await _make_primary(client, auth, sol["id"])
    assert atom["overLimit"] is True
    assert (refused.status_code, refused.json()["code"]) == (403, "TIER_LIMIT")
    assert refused.json()["details"] == {
        "feature": "chains",
        "limit": 1,
        "current": 2,
        "upgradeUrl": app.state.settings.effective_app_origin + "/settings/subscription",
    }
    # nothing moved: the limit stays on the primary wallet's chain
    assert [(w["chain"], w["isPrimary"], w["overLimit"]) for w in after] == [
        ("sol", True, False),
        ("atom", False, True),
    ]
    assert within.status_code == 200


async def test_an_api_key_cannot_change_the_primary_wallet(start_app: Any) -> None:
    async with start_app() as (app, client):
        me = await user_in(app, client, "free")
        [wallet] = await _wallets(client, me["headers"])
        created = await client.post("/api/me/api-keys", json={"name": "bot"}, headers=me["headers"])
        key = created.json()["data"]["key"]
        response = await _make_primary(client, {"Authorization": f"Bearer {key}"}, wallet["id"])
    assert (response.status_code, response.json()["code"]) == (403, "API_KEY_READ_ONLY")
