"""Changes take effect at once (issue 11): linking or unlinking a wallet, deleting the
account and a tier change are seen by the very next request — the user's cached reads
and session snapshots are dropped, never left to expire. Embedded and production."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from domain.models import Chain, Tier
from domain.ports import JobStatus
from infrastructure.db.uow import SqlUnitOfWork
from services import accounts, cache_keys, job_ids
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.test_portfolio import ingest
from tests.api.tiers_setup import set_state
from tests.api.wallets import Wallet
from tests.readiness import eventually
from workers.inprocess import InProcessJobQueue

STAKER_SOL = Wallet.demo(Chain.SOL, "staker")  # holds positions on the demo network


async def _signed_in(app: Any, client: Any) -> tuple[str, dict[str, str]]:
    data = await sign_in(client, Wallet.new(Chain.ETH))
    client.cookies.clear()
    auth = bearer(data["accessToken"])
    await _first_fetch_done(app, client, auth)
    return data["user"]["id"], auth


async def _first_fetch_done(app: Any, client: Any, auth: dict[str, str]) -> None:
    """The sign-in wallet's first positions fetch (a job) drops the user's cached reads when
    it lands; the tests below cache reads themselves, so they wait for it first (in
    production mode no worker runs in these tests: the job stays queued)."""
    queue = app.state.jobs
    if not isinstance(queue, InProcessJobQueue):
        return
    wallets = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
    now = datetime.now(UTC)
    ids = [  # this hour's id, or the last hour's when the sign-in was just before the hour
        job_ids.wallet_positions(wallets[0]["chain"], uuid.UUID(wallets[0]["id"]), at).id
        for at in (now, now - timedelta(hours=1))
    ]

    async def landed() -> bool:
        statuses = [(await queue.info(job_id)).status for job_id in ids]
        return any(s in (JobStatus.COMPLETE, JobStatus.FAILED) for s in statuses)

    await eventually(landed, "the sign-in wallet's first positions fetch")


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> Any:
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)


async def _free_staker_wallet(app: Any) -> None:
    """The shared PostgreSQL outlives each test: no earlier run may still hold it."""
    async with app.state.resources.engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM linked_wallets WHERE chain = 'sol' AND address = :a"),
            {"a": STAKER_SOL.address},
        )


async def _chains_shown(client: Any, auth: dict[str, str]) -> tuple[set[str], set[str]]:
    portfolio = await client.get("/api/portfolio", headers=auth)
    yields = await client.get("/api/yield", headers=auth)
    assert portfolio.status_code == yields.status_code == 200, (portfolio.text, yields.text)
    return (
        {p["chain"] for p in portfolio.json()["data"]["positions"]},
        {p["chain"] for p in yields.json()["data"]["positions"]},
    )


async def _cached_reads(app: Any, user_id: str) -> list[str]:
    cache = app.state.resources.cache
    keys = cache_keys.user_reads(uuid.UUID(user_id))
    return [key for key, value in zip(keys, await cache.get_many(*keys), strict=True) if value]


async def test_an_unlinked_wallets_positions_vanish_from_the_next_read(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        await _free_staker_wallet(app)
        user_id, auth = await _signed_in(app, client)
        await set_state(app, user_id, "pro", email=False)  # a second chain: pro
        linked = await _link(client, auth, STAKER_SOL)
        assert linked.status_code == 201, linked.text
        await ingest(app).run(Chain.SOL)
        before = await _chains_shown(client, auth)
        assert await _cached_reads(app, user_id)  # both reads are cached now
        unlinked = await client.delete(
            f"/api/me/wallets/{linked.json()['data']['id']}", headers=auth
        )
        after = await _chains_shown(client, auth)
    assert before == ({"sol"}, {"sol"})
    assert unlinked.status_code == 200
    assert after == (set(), set())  # not the cached answer of a moment ago


async def test_a_linked_wallet_shows_in_the_next_read(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        user_id, auth = await _signed_in(app, client)
        before = (await client.get("/api/portfolio", headers=auth)).json()["data"]["wallets"]
        await client.get("/api/yield", headers=auth)
        assert await _cached_reads(app, user_id)
        linked = await _link(client, auth, Wallet.new(Chain.ETH))  # free: its one chain
        cached_after_link = await _cached_reads(app, user_id)
        after = (await client.get("/api/portfolio", headers=auth)).json()["data"]["wallets"]
    assert linked.status_code == 201
    assert cached_after_link == []
    assert (before, after) == (1, 2)


async def test_deleting_the_account_drops_its_cached_reads(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        user_id, auth = await _signed_in(app, client)
        await client.get("/api/portfolio", headers=auth)
        await client.get("/api/yield?chain=eth", headers=auth)
        cached_before = await _cached_reads(app, user_id)
        deleted = await client.request(
            "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=auth
        )
        cached_after = await _cached_reads(app, user_id)
        next_read = await client.get("/api/portfolio", headers=auth)
    assert len(cached_before) == 2 and deleted.status_code == 200
    assert cached_after == []
    assert next_read.status_code == 401


async def test_a_tier_change_is_seen_by_the_very_next_request(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        resources = app.state.resources
        user_id, auth = await _signed_in(app, client)
        # a second session of the same user (its own snapshot)
        other = bearer((await sign_in(client, Wallet.new(Chain.SOL)))["accessToken"])
        client.cookies.clear()
        first = (await client.get("/api/me", headers=auth)).json()["data"]["tier"]
        await client.get("/api/portfolio", headers=auth)
        snapshot = cache_keys.principal(uuid.UUID(user_id), _session_id(auth))
        assert await resources.cache.get(snapshot) is not None  # the snapshot is warm
        async with SqlUnitOfWork(resources.session_factory) as uow:
            user = await accounts.set_tier(uow, resources.cache, uuid.UUID(user_id), Tier.PRO)
        now = (await client.get("/api/me", headers=auth)).json()["data"]["tier"]
        cached_after = await _cached_reads(app, user_id)
        async with SqlUnitOfWork(resources.session_factory) as uow:
            await accounts.set_tier(uow, resources.cache, uuid.UUID(user_id), Tier.FREE)
        back = (await client.get("/api/me", headers=auth)).json()["data"]["tier"]
        other_user = (await client.get("/api/me", headers=other)).json()["data"]
    assert (first, user.tier, now, back) == ("free", Tier.PRO, "pro", "free")
    assert cached_after == []
    assert other_user["id"] != user_id and other_user["tier"] == "free"


def _session_id(auth: dict[str, str]) -> str:
    import jwt

    token = auth["Authorization"].removeprefix("Bearer ")
    sid: str = jwt.decode(token, options={"verify_signature": False})["sid"]
    return sid
