"""Rate limits that cannot be stretched: an API key shares its owner's allowance, and
failed sign-ins have their own, smaller budget per client IP."""

from __future__ import annotations

from typing import Any

import httpx

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import SIGN_IN_PATHS, Wallet


async def test_an_api_key_shares_its_owners_allowance(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(rate_limit_default="4/minute", **backend) as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        session = bearer(data["accessToken"])
        created = await client.post("/api/me/api-keys", json={"name": "bot"}, headers=session)
        key = bearer(created.json()["data"]["key"])  # the key's creation was request 1
        used = [
            (await client.get("/api/me", headers=headers)).status_code
            for headers in (session, key, key)
        ]
        by_key = await client.get("/api/me", headers=key)
        by_session = await client.get("/api/me", headers=session)
    assert used == [200, 200, 200]
    assert (by_key.status_code, by_key.headers["ratelimit-limit"]) == (429, "4")
    assert by_session.status_code == 429  # one allowance for the user, however they call


async def _failed_sign_in(client: httpx.AsyncClient) -> httpx.Response:
    wallet, impostor = Wallet.new(Chain.SOL), Wallet.new(Chain.SOL)
    body = impostor.sign(wallet.message(await get_nonce(client)))  # signed by another key
    return await client.post("/api/auth/solana", json=body)


async def _sign_in(client: httpx.AsyncClient) -> httpx.Response:
    wallet = Wallet.new(Chain.ETH)
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/auth/{SIGN_IN_PATHS[wallet.chain]}", json=body)


def _from(app: Any, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_failed_sign_ins_are_limited_per_ip(start_app: Any, backend: dict[str, str]) -> None:
    async with (
        start_app(rate_limit_sign_in_failures="3/hour", **backend) as (app, _),
        _from(app, "192.0.2.10") as client,
        _from(app, "192.0.2.11") as other,
    ):
        failures = [await _failed_sign_in(client) for _ in range(4)]
        valid_but_blocked = await _sign_in(client)
        link_blocked = await client.post("/api/auth/email/verify", json={"token": "x" * 43})
        elsewhere = await _sign_in(other)
    assert [(r.status_code, r.json()["code"]) for r in failures] == [
        (401, "INVALID_SIGNATURE"),
        (401, "INVALID_SIGNATURE"),
        (401, "INVALID_SIGNATURE"),
        (429, "RATE_LIMITED"),
    ]
    assert failures[-1].headers["ratelimit-limit"] == "3"
    for blocked in (valid_but_blocked, link_blocked):  # refused before anything is checked
        assert (blocked.status_code, blocked.json()["code"]) == (429, "RATE_LIMITED")
        assert blocked.headers["ratelimit-limit"] == "3"
        assert 1 <= int(blocked.headers["retry-after"]) <= 3600
    assert elsewhere.status_code == 200  # another client IP is not affected


async def test_unknown_email_links_count_as_failed_sign_ins(start_app: Any) -> None:
    async with start_app(rate_limit_sign_in_failures="2/hour") as (_, client):
        statuses = [
            (await client.post("/api/auth/email/verify", json={"token": "y" * 43})).status_code
            for _ in range(3)
        ]
        wallet = await _sign_in(client)
    assert statuses == [401, 401, 429]
    assert wallet.status_code == 429


async def test_successful_sign_ins_do_not_count_as_failures(start_app: Any) -> None:
    async with start_app(rate_limit_sign_in_failures="1/hour") as (_, client):
        statuses = [(await _sign_in(client)).status_code for _ in range(4)]
        failed = await _failed_sign_in(client)
        still = await _sign_in(client)
    assert statuses == [200, 200, 200, 200]
    assert failed.status_code == 401 and still.status_code == 200  # one failure allowed


async def test_a_cached_read_counts_once_against_the_allowance(
    start_app: Any, backend: dict[str, str]
) -> None:
    """The portfolio counts its caller's hit in the round trip that reads the session and
    the cached body (on Redis): once per request, and a refused one is still refused."""
    async with start_app(rate_limit_default="4/minute", **backend) as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        session = bearer(data["accessToken"])
        reads = [(await client.get("/api/portfolio", headers=session)) for _ in range(4)]
        refused = await client.get("/api/portfolio", headers=session)
        by_me = await client.get("/api/me", headers=session)
    assert [r.status_code for r in reads] == [200, 200, 200, 200]
    assert reads[1].content == reads[3].content  # served from the cache
    assert (refused.status_code, refused.headers["ratelimit-limit"]) == (429, "4")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert by_me.status_code == 429  # the same allowance as every other call
