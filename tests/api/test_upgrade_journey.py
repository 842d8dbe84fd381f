"""Issue 16's journey through the API, on the demo network: a free user is refused a
second chain (403 TIER_LIMIT pointing at the subscription page), an admin makes them pro
(the audit log has the change), and the user's very next request links the wallet."""

from __future__ import annotations

from typing import Any

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> Any:
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)


async def test_a_free_user_refused_a_second_chain_links_it_right_after_an_admin_makes_them_pro(
    start_app: Any, backend: dict[str, str]
) -> None:
    admin_wallet = Wallet.new(Chain.ETH)
    async with start_app(admin_wallets=[admin_wallet.address], **backend) as (_, client):
        staker = await sign_in(client, Wallet.demo(Chain.SOL, "staker"))
        client.cookies.clear()
        user = bearer(staker["accessToken"])
        admin_session = await sign_in(client, admin_wallet)
        client.cookies.clear()
        admin = bearer(admin_session["accessToken"])
        atom = Wallet.demo(Chain.ATOM, "staker")

        refused = await _link(client, user, atom)
        assert refused.status_code == 403, refused.text
        error = refused.json()
        assert error["code"] == "TIER_LIMIT"
        assert error["details"]["feature"] == "chains"
        assert (error["details"]["limit"], error["details"]["current"]) == (1, 1)
        assert error["details"]["upgradeUrl"].endswith("/settings/subscription")
        wallets = (await client.get("/api/me/wallets", headers=user)).json()["data"]
        assert [w["chain"] for w in wallets] == ["sol"]  # the refusal changed nothing

        user_id = staker["user"]["id"]
        found = await client.get(f"/api/admin/users?q={user_id[:8]}", headers=admin)
        assert found.status_code == 200, found.text
        assert [row["id"] for row in found.json()["data"]] == [user_id]
        upgraded = await client.put(
            f"/api/admin/users/{user_id}/subscription",
            json={"tier": "pro", "expiresAt": None, "reason": "support ticket 42"},
            headers=admin,
        )
        assert upgraded.status_code == 200, upgraded.text

        audit = await client.get(f"/api/admin/audit-log?target={user_id}", headers=admin)
        assert audit.status_code == 200, audit.text
        [entry] = audit.json()["data"]
        assert entry["reason"] == "support ticket 42"
        assert entry["before"]["tier"] == "free" and entry["after"]["tier"] == "pro"
        assert (entry["actorType"], entry["actorId"]) == ("admin", admin_session["user"]["id"])
        assert entry["action"] == "subscription.set"

        linked = await _link(client, user, atom)  # the very next request of the user
        assert linked.status_code == 201, linked.text
        me = (await client.get("/api/me", headers=user)).json()["data"]
        assert me["tier"] == "pro"
