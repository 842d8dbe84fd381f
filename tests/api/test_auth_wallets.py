"""Wallet sign-in over HTTP with real keys: every chain, and every way a proof fails."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.models import Chain
from tests.api.conftest import Logs, bearer, get_nonce, sign_in
from tests.api.wallets import SIGN_IN_PATHS, Wallet

CHAINS = [Chain.ETH, Chain.SOL, Chain.ATOM]


@pytest.mark.parametrize("chain", CHAINS)
async def test_first_sign_in_creates_a_free_account_with_the_wallet_primary(
    start_app: Any, chain: Chain
) -> None:
    wallet = Wallet.new(chain)
    async with start_app() as (_, client):
        data = await sign_in(client, wallet)
        assert set(client.cookies.keys()) == {"st_access", "st_refresh", "st_csrf"}
        client.cookies.clear()
        me = await client.get("/api/me", headers=bearer(data["accessToken"]))
        wallets = await client.get("/api/me/wallets", headers=bearer(data["accessToken"]))
        again = await sign_in(client, wallet)
    user = data["user"]
    assert (user["tier"], user["primaryLogin"], user["isAdmin"], user["email"]) == (
        "free",
        "wallet",
        False,
        None,
    )
    assert me.json()["data"] == user
    [linked] = wallets.json()["data"]
    assert (linked["chain"], linked["address"], linked["isPrimary"]) == (
        chain.value,
        wallet.address,
        True,
    )
    assert "…" in linked["shortAddress"]
    assert again["user"]["id"] == user["id"]  # the same account on the next sign-in
    assert datetime.fromisoformat(data["expiresAt"]) > datetime.now(UTC) + timedelta(minutes=14)


async def test_nonce_is_alphanumeric_long_and_expires_in_ten_minutes(start_app: Any) -> None:
    async with start_app() as (_, client):
        body = (await client.get("/api/auth/nonce")).json()["data"]
        other = await get_nonce(client)
    assert body["nonce"].isalnum() and len(body["nonce"]) >= 17  # ≥ 96 bits of base62
    assert body["nonce"] != other
    remaining = datetime.fromisoformat(body["expiresAt"]) - datetime.now(UTC)
    assert timedelta(minutes=9) < remaining <= timedelta(minutes=10)


@pytest.mark.parametrize("chain", CHAINS)
async def test_a_message_built_from_the_nonce_answer_alone_signs_in(
    start_app: Any, chain: Chain
) -> None:
    """The SPA builds the message from GET /api/auth/nonce: domain, URI and chain ids come
    from the server's settings, so a browser on another host name still signs what we check."""
    wallet = Wallet.new(chain)
    async with start_app(app_domain="app.example.org", siwe_chain_ids=[1, 10]) as (_, client):
        told = (await client.get("/api/auth/nonce")).json()["data"]
        assert (told["domain"], told["uri"]) == ("app.example.org", "https://app.example.org")
        assert told["chainIds"] == {"eth": ["1", "10"], "sol": ["mainnet"], "atom": ["cosmoshub-4"]}
        text = wallet.message(
            told["nonce"],
            domain=told["domain"],
            uri=told["uri"],
            statement=told["statement"],
            chain_id=told["chainIds"][chain.value][-1],
        )
        accepted = await _attempt(client, wallet, wallet.sign(text))
        default_domain = wallet.proof(await get_nonce(client))  # localhost:5173: not ours now
        refused = await _attempt(client, wallet, default_domain)
    assert accepted.status_code == 200, accepted.text
    assert (refused.status_code, refused.json()["code"]) == (401, "DOMAIN_MISMATCH")


async def _attempt(client: Any, wallet: Wallet, body: dict[str, Any]) -> Any:
    return await client.post(f"/api/auth/{SIGN_IN_PATHS[wallet.chain]}", json=body)


@pytest.mark.parametrize("chain", CHAINS)
async def test_a_nonce_works_once(start_app: Any, chain: Chain) -> None:
    wallet = Wallet.new(chain)
    async with start_app() as (_, client):
        body = wallet.proof(await get_nonce(client))
        first = await _attempt(client, wallet, body)
        replay = await _attempt(client, wallet, body)
    assert first.status_code == 200
    assert (replay.status_code, replay.json()["code"]) == (401, "NONCE_REUSED")


async def test_an_unknown_or_expired_nonce_is_refused(start_app: Any) -> None:
    wallet = Wallet.new(Chain.ETH)
    async with start_app() as (_, client):
        response = await _attempt(client, wallet, wallet.proof("NeverIssued1234567890"))
    assert (response.status_code, response.json()["code"]) == (401, "NONCE_EXPIRED")


async def test_twenty_concurrent_sign_ins_with_one_nonce_give_one_success(start_app: Any) -> None:
    wallet = Wallet.new(Chain.SOL)
    async with start_app(rate_limit_auth="100/minute") as (_, client):
        body = wallet.proof(await get_nonce(client))
        responses = await asyncio.gather(*(_attempt(client, wallet, body) for _ in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [401] * 19
    assert {r.json()["code"] for r in responses if r.status_code == 401} == {"NONCE_REUSED"}


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"domain": "evil.example"}, "DOMAIN_MISMATCH"),
        ({"domain": "localhost:5174"}, "DOMAIN_MISMATCH"),
        ({"uri": "https://evil.example/login"}, "URI_MISMATCH"),
        ({"chain_id": "5"}, "CHAIN_ID_MISMATCH"),
        ({"expiration_time": datetime.now(UTC) - timedelta(minutes=5)}, "MESSAGE_EXPIRED"),
        ({"issued_at": datetime.now(UTC) - timedelta(minutes=30)}, "MESSAGE_EXPIRED"),
        ({"issued_at": datetime.now(UTC) + timedelta(minutes=5)}, "MESSAGE_NOT_YET_VALID"),
        ({"not_before": datetime.now(UTC) + timedelta(minutes=5)}, "MESSAGE_NOT_YET_VALID"),
    ],
)
async def test_messages_not_for_us_or_not_now_are_refused(
    start_app: Any, overrides: dict[str, Any], code: str
) -> None:
    wallet = Wallet.new(Chain.ETH)
    async with start_app() as (_, client):
        nonce = await get_nonce(client)
        response = await _attempt(client, wallet, wallet.proof(nonce, **overrides))
        retry = await _attempt(client, wallet, wallet.proof(nonce))  # the nonce survived
    assert (response.status_code, response.json()["code"]) == (401, code)
    assert retry.status_code == 200


async def test_optional_fields_in_order_and_no_statement_are_accepted(start_app: Any) -> None:
    wallet = Wallet.new(Chain.ETH)
    now = datetime.now(UTC)
    async with start_app() as (_, client):
        body = wallet.proof(
            await get_nonce(client),
            statement=None,
            expiration_time=now + timedelta(minutes=5),
            not_before=now - timedelta(seconds=30),
            request_id="req-42",
            resources=["https://localhost:5173/terms"],
        )
        response = await _attempt(client, wallet, body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("chain", CHAINS)
async def test_tampered_message_and_foreign_signatures_are_refused(
    start_app: Any, chain: Chain
) -> None:
    wallet, other = Wallet.new(chain), Wallet.new(chain)
    async with start_app() as (_, client):
        nonce = await get_nonce(client)
        body = wallet.proof(nonce)
        tampered = dict(body, message=body["message"].replace("Read-only", "Read-only!"))
        by_other = other.sign(wallet.message(nonce))
        responses = [await _attempt(client, wallet, b) for b in (tampered, by_other)]
    for response in responses:
        assert (response.status_code, response.json()["code"]) == (401, "INVALID_SIGNATURE")


async def test_ethereum_address_must_be_checksummed(start_app: Any) -> None:
    wallet = Wallet.new(Chain.ETH)
    async with start_app() as (_, client):
        nonce = await get_nonce(client)
        body = wallet.sign(wallet.message(nonce, address=wallet.address.lower()))
        response = await _attempt(client, wallet, body)
    assert (response.status_code, response.json()["code"]) == (401, "ADDRESS_NOT_CHECKSUMMED")


@pytest.mark.parametrize(
    ("chain", "body", "status", "code"),
    [
        (Chain.ETH, {}, 422, "VALIDATION_ERROR"),
        (Chain.ETH, {"message": "hi"}, 422, "VALIDATION_ERROR"),
        (Chain.ETH, {"message": 5, "signature": "0x00"}, 422, "VALIDATION_ERROR"),
        (Chain.ETH, {"message": "x" * 5000, "signature": "0x00"}, 422, "VALIDATION_ERROR"),
        (Chain.ETH, {"message": "not eip-4361", "signature": "0x00"}, 401, "MALFORMED_MESSAGE"),
        (Chain.ETH, {"message": "OK", "signature": "z" * 300}, 422, "VALIDATION_ERROR"),
        (Chain.ATOM, {"message": "m", "signature": "s", "pubKey": "p"}, 422, "VALIDATION_ERROR"),
        (Chain.SOL, {"message": ["a"], "signature": "s"}, 422, "VALIDATION_ERROR"),
    ],
)
async def test_malformed_input_is_a_clear_error(
    start_app: Any, chain: Chain, body: dict[str, Any], status: int, code: str
) -> None:
    async with start_app() as (_, client):
        response = await client.post(f"/api/auth/{SIGN_IN_PATHS[chain]}", json=body)
    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    ("chain", "field", "value"),
    [
        (Chain.ETH, "signature", "0xnothex"),
        (Chain.ETH, "signature", "0x" + "00" * 65),
        (Chain.SOL, "signature", "0OIl"),
        (Chain.SOL, "signature", "1" * 88),
        (Chain.ATOM, "signature", "!!notbase64"),
        (Chain.ATOM, "pubKey", "AAAA"),
        (Chain.ATOM, "signer", "cosmos1qqqq"),
    ],
)
async def test_garbage_signatures_and_keys_are_401_not_500(
    start_app: Any, chain: Chain, field: str, value: str
) -> None:
    wallet = Wallet.new(chain)
    async with start_app() as (_, client):
        body = wallet.proof(await get_nonce(client)) | {field: value}
        response = await _attempt(client, wallet, body)
    assert response.status_code == 401
    assert response.json()["code"] in {"INVALID_SIGNATURE", "MALFORMED_MESSAGE"}


async def test_admin_wallets_make_admins(start_app: Any) -> None:
    admin, user = Wallet.new(Chain.ETH), Wallet.new(Chain.ETH)
    async with start_app(admin_wallets=[admin.address.lower()]) as (_, client):
        assert (await sign_in(client, admin))["user"]["isAdmin"] is True
        assert (await sign_in(client, user))["user"]["isAdmin"] is False


async def test_sign_in_is_rate_limited_per_ip(start_app: Any) -> None:
    async with start_app(rate_limit_auth="3/minute") as (_, client):
        statuses = [(await client.get("/api/auth/nonce")).status_code for _ in range(4)]
        refused = await client.get("/api/auth/nonce")
    assert statuses == [200, 200, 200, 429]
    assert refused.json()["code"] == "RATE_LIMITED" and int(refused.headers["retry-after"]) >= 1


async def test_no_full_address_in_any_log_line(start_app: Any, logs: Logs) -> None:
    wallets = [Wallet.new(chain) for chain in CHAINS]
    async with start_app() as (_, client):
        for wallet in wallets:
            await sign_in(client, wallet)
            bad = wallet.proof(await get_nonce(client), domain="evil.example")
            await _attempt(client, wallet, bad)
    assert "sign_in_refused" in logs.text and "signed_in" in logs.text
    for wallet in wallets:
        assert wallet.address not in logs.text
