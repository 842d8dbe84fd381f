"""A downgrade never deletes data (issue 16): what is over the limit is kept, listed with
`overLimit: true` and read-only — wallets on chains beyond the limit (the primary
wallet's chain stays), alerts beyond the oldest N (they do not fire and cannot be changed;
deleting is always allowed) — and linking a new chain is refused once the limit is
reached (two links at once at the limit: one 201, one 403)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import update

from domain.models import Chain
from infrastructure.db.models import TierLimitsRow
from infrastructure.db.uow import SqlUnitOfWork
from services import alerts
from tests.api.conftest import get_nonce
from tests.api.tiers_setup import set_state, user_in
from tests.api.wallets import Wallet


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> Any:
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)


async def test_wallets_on_chains_beyond_the_limit_are_kept_and_flagged(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, "pro", chain=Chain.SOL)
        auth = me["headers"]
        atom, eth, sol = Wallet.new(Chain.ATOM), Wallet.new(Chain.ETH), Wallet.new(Chain.SOL)
        for wallet in (atom, eth):
            assert (await _link(client, auth, wallet)).status_code == 201
        await set_state(app, me["id"], "expired_pro", email=False)
        listed = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        refused = await _link(client, auth, Wallet.new(Chain.ETH))  # a chain over the limit
        same_chain = await _link(client, auth, sol)  # the primary wallet's chain: allowed
        over = next(w for w in listed if w["chain"] == "atom")
        unlinked = await client.delete(f"/api/me/wallets/{over['id']}", headers=auth)
        after = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
    assert [(w["chain"], w["isPrimary"], w["overLimit"]) for w in listed] == [
        ("sol", True, False),
        ("atom", False, True),
        ("eth", False, True),
    ]
    assert refused.status_code == 403  # over-limit chains are read-only: no more wallets
    assert refused.json()["details"] == {
        "feature": "chains",
        "limit": 1,
        "current": 3,
        "upgradeUrl": app.state.settings.effective_app_origin + "/settings/subscription",
    }
    assert same_chain.status_code == 201
    assert unlinked.status_code == 200  # removing is always allowed
    assert [(w["chain"], w["overLimit"]) for w in after] == [
        ("sol", False),
        ("eth", True),
        ("sol", False),
    ]


async def test_a_free_user_links_one_chain_and_two_new_chains_at_once_give_one_201(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, "no_row", chain=Chain.SOL)
        refused = await _link(client, me["headers"], Wallet.new(Chain.ATOM))
        same_chain = await _link(client, me["headers"], Wallet.new(Chain.SOL))
        factory = app.state.resources.session_factory
        try:  # free users may have 2 chains: each racer has 1, two new ones race
            await _free_chains(factory, 2)
            rounds = []
            for _ in range(3):
                racer = await user_in(app, client, "no_row", chain=Chain.SOL)
                answers = await asyncio.gather(
                    _link(client, racer["headers"], Wallet.new(Chain.ATOM)),
                    _link(client, racer["headers"], Wallet.new(Chain.ETH)),
                )
                rounds.append(sorted(a.status_code for a in answers))
                listed = (await client.get("/api/me/wallets", headers=racer["headers"])).json()
                assert len({w["chain"] for w in listed["data"]}) == 2
        finally:  # the shared PostgreSQL outlives the test
            await _free_chains(factory, 1)
    assert refused.status_code == 403
    assert refused.json()["details"]["feature"] == "chains"
    assert refused.json()["details"]["limit"] == 1 and refused.json()["details"]["current"] == 1
    assert same_chain.status_code == 201  # more wallets on its one chain are not gated
    assert rounds == [[201, 403]] * 3


async def _free_chains(factory: Any, chains: int) -> None:
    async with factory() as session, session.begin():
        await session.execute(
            update(TierLimitsRow).where(TierLimitsRow.tier == "free").values(chains=chains)
        )


async def test_alerts_beyond_the_limit_are_kept_read_only_and_do_not_fire(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        me = await user_in(app, client, "pro")
        auth = me["headers"]
        ids = []
        for kind in ("slashing", "jailed_or_delinquent", "commission_increase"):
            created = await client.post(
                "/api/alerts", json={"type": kind, "chain": "sol"}, headers=auth
            )
            assert created.status_code == 201, created.text
            ids.append(created.json()["data"]["id"])
        await set_state(app, me["id"], "expired_pro", email=False)
        listed = (await client.get("/api/alerts", headers=auth)).json()["data"]
        one = (await client.get(f"/api/alerts/{ids[2]}", headers=auth)).json()["data"]
        edit_over = await client.patch(
            f"/api/alerts/{ids[1]}", json={"active": False}, headers=auth
        )
        edit_within = await client.patch(
            f"/api/alerts/{ids[0]}", json={"notifyResolved": True}, headers=auth
        )
        async with SqlUnitOfWork(app.state.resources.session_factory) as uow:
            rules = await uow.alerts.active_rules(Chain.SOL)
            mine = [r for r in rules if str(r.user_id) == me["id"]]
            evaluated = await alerts.within_limits(uow, mine)
        deleted = await client.delete(f"/api/alerts/{ids[1]}", headers=auth)
        after = (await client.get("/api/alerts", headers=auth)).json()["data"]
    assert [(a["id"], a["overLimit"], a["active"]) for a in listed] == [
        (ids[0], False, True),
        (ids[1], True, True),
        (ids[2], True, True),
    ]
    assert one["overLimit"] is True
    assert edit_over.status_code == 403 and edit_over.json()["code"] == "TIER_LIMIT"
    assert edit_over.json()["details"]["feature"] == "alerts"
    assert edit_within.status_code == 200
    assert len(mine) == 3 and [str(r.id) for r in evaluated] == [ids[0]]  # the others: silent
    assert deleted.status_code == 200
    assert [(a["id"], a["overLimit"]) for a in after] == [(ids[0], False), (ids[2], True)]
