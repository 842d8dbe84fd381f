"""The account: linking and unlinking wallets, API keys, email sign-in, deletion — and
one user never reaching another's rows."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from domain.models import Chain
from infrastructure.auth.turnstile import TurnstileVerifier
from tests.api.conftest import Logs, bearer, get_nonce, sign_in
from tests.api.tiers_setup import set_state, user_id_of
from tests.api.wallets import Wallet

EMAIL = "Alice.Staker@Example.org"


async def _session(client: Any, chain: Chain = Chain.ETH) -> tuple[Wallet, dict[str, str]]:
    wallet = Wallet.new(chain)
    data = await sign_in(client, wallet)
    client.cookies.clear()  # API-client style from here on: Bearer only
    return wallet, bearer(data["accessToken"])


async def _link(client: Any, auth: dict[str, str], wallet: Wallet) -> httpx.Response:
    body = wallet.proof(await get_nonce(client))
    return await client.post(f"/api/me/wallets/{wallet.chain.value}", json=body, headers=auth)


def _outbox_token(data_dir: Path) -> str:
    [message] = sorted((data_dir / "outbox").glob("*.eml"))
    match = re.search(r"token=([A-Za-z0-9_\-]+)", message.read_text())
    assert match
    return match.group(1)


# --- wallets ---------------------------------------------------------------------------


async def test_link_a_wallet_of_each_other_chain_then_list_them(start_app: Any) -> None:
    async with start_app() as (app, client):
        first, auth = await _session(client, Chain.ETH)
        sol, atom = Wallet.new(Chain.SOL), Wallet.new(Chain.ATOM)
        await set_state(app, await user_id_of(client, auth), "pro", email=False)  # 3 chains
        linked = [await _link(client, auth, w) for w in (sol, atom)]
        listed = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        handle = linked[0].json()["data"]["positionsJobId"]
        job = await client.get(f"/api/jobs/{handle}", headers=auth)
    assert [r.status_code for r in linked] == [201, 201]
    # an opaque handle bound to this user, not the guessable internal id
    assert not handle.startswith("positions:") and job.status_code == 200
    assert [r.json()["data"]["positionsFetch"] for r in linked] == ["started", "started"]
    assert [(w["chain"], w["address"], w["isPrimary"]) for w in listed] == [
        ("eth", first.address, True),
        ("sol", sol.address, False),
        ("atom", atom.address, False),
    ]


async def test_a_wallet_belongs_to_one_account(start_app: Any) -> None:
    async with start_app() as (_, client):
        mine, auth = await _session(client)
        _, other_auth = await _session(client)
        taken = await _link(client, other_auth, mine)
        again = await _link(client, auth, mine)
    assert (taken.status_code, taken.json()["code"]) == (409, "WALLET_ALREADY_LINKED")
    assert (again.status_code, again.json()["code"]) == (409, "WALLET_ALREADY_LINKED")


async def test_linking_needs_a_valid_proof(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        wallet = Wallet.new(Chain.SOL)
        body = Wallet.new(Chain.SOL).sign(wallet.message(await get_nonce(client)))
        response = await client.post("/api/me/wallets/sol", json=body, headers=auth)
        unknown_chain = await client.post("/api/me/wallets/btc", json=body, headers=auth)
    assert (response.status_code, response.json()["code"]) == (401, "INVALID_SIGNATURE")
    assert unknown_chain.status_code in (404, 405)


async def test_the_last_way_to_sign_in_cannot_be_removed(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        [only] = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        response = await client.delete(f"/api/me/wallets/{only['id']}", headers=auth)
        still = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
    assert (response.status_code, response.json()["code"]) == (409, "LAST_LOGIN_METHOD")
    assert len(still) == 1


async def test_removing_the_primary_wallet_promotes_the_next_one(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        second = Wallet.new(Chain.ETH)  # the same chain: within the free tier's one chain
        await _link(client, auth, second)
        primary, _ = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        removed = await client.delete(f"/api/me/wallets/{primary['id']}", headers=auth)
        [left] = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
    assert removed.status_code == 200
    assert (left["address"], left["isPrimary"]) == (second.address, True)


async def test_removing_the_primary_wallet_with_a_verified_email_makes_email_primary(
    start_app: Any, make_settings: Any
) -> None:
    async with start_app() as (app, client):
        _, auth = await _session(client)
        added = await client.post("/api/me/email", json={"email": EMAIL}, headers=auth)
        assert added.status_code == 202
        token = _outbox_token(app.state.settings.data_dir)
        verified = await client.post("/api/auth/email/verify", json={"token": token})
        client.cookies.clear()
        assert verified.json()["data"]["user"]["email"] == EMAIL.lower()
        [wallet] = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        removed = await client.delete(f"/api/me/wallets/{wallet['id']}", headers=auth)
        me = (await client.get("/api/me", headers=auth)).json()["data"]
    assert removed.status_code == 200
    assert (me["primaryLogin"], me["emailVerified"]) == ("email", True)


# --- one user never reaches another's rows -----------------------------------------------


async def test_ids_of_other_users_are_not_found(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, alice = await _session(client)
        await _link(client, alice, Wallet.new(Chain.ETH))
        alice_wallets = (await client.get("/api/me/wallets", headers=alice)).json()["data"]
        key = (await client.post("/api/me/api-keys", json={"name": "bot"}, headers=alice)).json()
        _, mallory = await _session(client)
        steal_wallet = await client.delete(
            f"/api/me/wallets/{alice_wallets[1]['id']}", headers=mallory
        )
        steal_key = await client.delete(f"/api/me/api-keys/{key['data']['id']}", headers=mallory)
        mallory_view = (await client.get("/api/me/wallets", headers=mallory)).json()["data"]
        mallory_keys = (await client.get("/api/me/api-keys", headers=mallory)).json()["data"]
        random_id = await client.delete(f"/api/me/wallets/{uuid.uuid4()}", headers=mallory)
        not_uuid = await client.delete("/api/me/wallets/1", headers=mallory)
        alice_after = (await client.get("/api/me/wallets", headers=alice)).json()["data"]
        alice_keys = (await client.get("/api/me/api-keys", headers=alice)).json()["data"]
    assert (steal_wallet.status_code, steal_key.status_code, random_id.status_code) == (
        404,
        404,
        404,
    )
    assert not_uuid.status_code == 422
    assert len(mallory_view) == 1 and mallory_keys == []
    assert alice_after == alice_wallets and len(alice_keys) == 1


# --- API keys -----------------------------------------------------------------------------


async def test_api_key_lifecycle(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        created = await client.post("/api/me/api-keys", json={"name": "  grafana  "}, headers=auth)
        key = created.json()["data"]
        listed = (await client.get("/api/me/api-keys", headers=auth)).json()["data"]
        with_key = await client.get("/api/me", headers=bearer(key["key"]))
        used = (await client.get("/api/me/api-keys", headers=auth)).json()["data"]
        revoked = await client.delete(f"/api/me/api-keys/{key['id']}", headers=auth)
        after = await client.get("/api/me", headers=bearer(key["key"]))
        listed_after = (await client.get("/api/me/api-keys", headers=auth)).json()["data"]
    assert created.status_code == 201
    assert key["key"].startswith(key["prefix"]) and key["prefix"].startswith("stk_")
    assert key["name"] == "grafana"
    assert [set(k) for k in listed] == [{"id", "name", "prefix", "createdAt", "lastUsedAt"}]
    assert listed[0]["lastUsedAt"] is None and used[0]["lastUsedAt"] is not None
    assert with_key.status_code == 200
    assert revoked.status_code == 200
    assert (after.status_code, after.json()["code"]) == (401, "INVALID_TOKEN")
    assert listed_after == []


async def test_api_keys_cannot_make_keys_or_delete_the_account(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        key = (await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)).json()
        as_key = bearer(key["data"]["key"])
        make = await client.post("/api/me/api-keys", json={"name": "more"}, headers=as_key)
        delete = await client.request(
            "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=as_key
        )
        me = await client.get("/api/me", headers=auth)
    assert (make.status_code, make.json()["code"]) == (403, "API_KEY_READ_ONLY")
    assert (delete.status_code, delete.json()["code"]) == (403, "API_KEY_READ_ONLY")
    assert me.status_code == 200


async def test_a_mistyped_key_is_refused(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        key = (await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)).json()
        real = key["data"]["key"]
        typo = real[:10] + ("A" if real[10] != "A" else "B") + real[11:]
        responses = [
            await client.get("/api/me", headers=bearer(k)) for k in (typo, real[:-1], "stk_x")
        ]
    assert [r.status_code for r in responses] == [401, 401, 401]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 5}])
async def test_api_key_names_are_validated(start_app: Any, body: dict[str, Any]) -> None:
    async with start_app() as (_, client):
        _, auth = await _session(client)
        response = await client.post("/api/me/api-keys", json=body, headers=auth)
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")


# --- email sign-in ------------------------------------------------------------------------


async def test_email_magic_link_signs_in_once(start_app: Any, logs: Logs) -> None:
    async with start_app() as (app, client):
        sent = await client.post("/api/auth/email", json={"email": EMAIL})
        token = _outbox_token(app.state.settings.data_dir)
        session = await client.post("/api/auth/email/verify", json={"token": token})
        replay = await client.post("/api/auth/email/verify", json={"token": token})
    assert (sent.status_code, sent.json()["data"]) == (202, {"status": "sent"})
    user = session.json()["data"]["user"]
    assert (user["email"], user["emailVerified"], user["primaryLogin"]) == (
        EMAIL.lower(),
        True,
        "email",
    )
    assert (replay.status_code, replay.json()["code"]) == (401, "INVALID_TOKEN")
    assert EMAIL.lower() not in logs.text.lower()


async def test_known_and_unknown_emails_get_the_same_answer(start_app: Any) -> None:
    async with start_app() as (app, client):
        first = await client.post("/api/auth/email", json={"email": EMAIL})
        token = _outbox_token(app.state.settings.data_dir)
        await client.post("/api/auth/email/verify", json={"token": token})
        known = await client.post("/api/auth/email", json={"email": EMAIL})
        unknown = await client.post("/api/auth/email", json={"email": "nobody@example.org"})
    assert first.status_code == known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.org", "a b@c.org", ""])
async def test_invalid_email_is_422_naming_the_field(start_app: Any, email: str) -> None:
    async with start_app() as (app, client):
        response = await client.post("/api/auth/email", json={"email": email})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]["fields"]] == ["email"]
    assert not (app.state.settings.data_dir / "outbox").exists()


async def test_email_links_are_rate_limited_per_address(start_app: Any) -> None:
    async with start_app(rate_limit_email="2/hour") as (_, client):
        responses = [await client.post("/api/auth/email", json={"email": EMAIL}) for _ in range(3)]
        other = await client.post("/api/auth/email", json={"email": "bob@example.org"})
    statuses = [r.status_code for r in responses]
    last = responses[-1]
    assert statuses == [202, 202, 429]
    assert other.status_code == 202
    assert last.headers["ratelimit-limit"] == "2"  # the real limit, not 0
    assert int(last.headers["retry-after"]) >= 1


def _turnstile(success: bool, seen: list[dict[str, str]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        from urllib.parse import parse_qsl

        seen.append(dict(parse_qsl(request.content.decode())))
        body = {"success": success, "error-codes": [] if success else ["invalid-input-response"]}
        if success:
            body |= {"challenge_ts": "2026-11-25T13:00:00.000Z", "hostname": "localhost"}
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("success", "status"), [(True, 202), (False, 400)])
async def test_turnstile_is_checked_first_when_configured(
    start_app: Any, success: bool, status: int
) -> None:
    seen: list[dict[str, str]] = []
    async with start_app(
        turnstile_secret="0x4AAAAAAA-test-secret", turnstile_site_key="0x4AAAAAAA-site"
    ) as (app, client):
        told = (await client.get("/api/auth/options")).json()["data"]
        http = httpx.AsyncClient(transport=_turnstile(success, seen))
        app.state.resources.turnstile = TurnstileVerifier("0x4AAAAAAA-test-secret", http)
        response = await client.post(
            "/api/auth/email", json={"email": EMAIL, "turnstileToken": "tok"}
        )
        missing = await client.post("/api/auth/email", json={"email": EMAIL})
        await http.aclose()
        outbox = list((app.state.settings.data_dir / "outbox").glob("*.eml"))
    assert told == {"turnstileSiteKey": "0x4AAAAAAA-site"}  # the SPA renders the widget
    assert response.status_code == status
    assert (missing.status_code, missing.json()["code"]) == (400, "TURNSTILE_FAILED")
    assert seen[0]["response"] == "tok" and seen[0]["secret"] == "0x4AAAAAAA-test-secret"
    assert len(outbox) == (1 if success else 0)


async def test_without_turnstile_the_sign_in_page_is_told_no_captcha(start_app: Any) -> None:
    async with start_app() as (_, client):
        told = (await client.get("/api/auth/options")).json()["data"]
        sent = await client.post("/api/auth/email", json={"email": EMAIL})
    assert told == {"turnstileSiteKey": None}
    assert sent.status_code == 202


def test_a_turnstile_secret_needs_its_site_key(tmp_path: Any) -> None:
    from pydantic import ValidationError

    from infrastructure.settings import Settings

    with pytest.raises(ValidationError, match="TURNSTILE_SITE_KEY"):
        Settings(data_dir=tmp_path, turnstile_secret="0x4AAAAAAA-test-secret")
    assert Settings(data_dir=tmp_path, turnstile_site_key="k", turnstile_secret="s")


async def test_an_email_of_another_account_cannot_be_added(start_app: Any) -> None:
    """Refused at confirmation, not at the request: the request's answer is the same
    for a taken and a free address (no account enumeration)."""
    async with start_app() as (app, client):
        outbox = app.state.settings.data_dir / "outbox"
        await client.post("/api/auth/email", json={"email": EMAIL})
        owner = await client.post(
            "/api/auth/email/verify", json={"token": _outbox_token(app.state.settings.data_dir)}
        )
        client.cookies.clear()
        for message in outbox.glob("*.eml"):
            message.unlink()
        _, auth = await _session(client)
        taken = await client.post("/api/me/email", json={"email": EMAIL}, headers=auth)
        token = _outbox_token(app.state.settings.data_dir)  # the link still goes out
        confirmed = await client.post("/api/auth/email/verify", json={"token": token})
        free = await client.post("/api/me/email", json={"email": "new@example.org"}, headers=auth)
        me = (await client.get("/api/me", headers=auth)).json()["data"]
        client.cookies.clear()
        await client.post("/api/auth/email", json={"email": EMAIL})
        tokens = re.findall(
            r"token=([A-Za-z0-9_\-]+)", "".join(m.read_text() for m in sorted(outbox.glob("*.eml")))
        )
        again = await client.post("/api/auth/email/verify", json={"token": tokens[-1]})
    assert (taken.status_code, taken.json()) == (free.status_code, free.json())
    assert taken.status_code == 202
    assert (confirmed.status_code, confirmed.json()["code"]) == (409, "EMAIL_ALREADY_USED")
    assert me["email"] is None  # the requester did not get the address
    # the address still signs in to its owner's account
    assert again.json()["data"]["user"]["id"] == owner.json()["data"]["user"]["id"]


async def test_verification_links_are_rate_limited_per_address(start_app: Any) -> None:
    async with start_app(rate_limit_email="2/hour") as (_, client):
        _, auth = await _session(client)
        statuses = [
            (await client.post("/api/me/email", json={"email": EMAIL}, headers=auth)).status_code
            for _ in range(2)
        ]
        sign_in_link = await client.post("/api/auth/email", json={"email": EMAIL})  # shared
    assert statuses == [202, 202]
    assert (sign_in_link.status_code, sign_in_link.headers["ratelimit-limit"]) == (429, "2")


# --- deletion -------------------------------------------------------------------------------


async def _count(app: Any, table: str) -> int:
    async with app.state.resources.engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


PERSONAL_TABLES = ("users", "linked_wallets", "refresh_tokens", "api_keys", "magic_links")


async def test_delete_account_removes_every_personal_row(start_app: Any) -> None:
    async with start_app() as (app, client):
        _, auth = await _session(client)
        await _link(client, auth, Wallet.new(Chain.SOL))
        await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)
        await client.post("/api/me/email", json={"email": EMAIL}, headers=auth)
        before = {t: await _count(app, t) for t in PERSONAL_TABLES}
        wrong = await client.request("DELETE", "/api/me", json={"confirm": "delete"}, headers=auth)
        unchanged = {t: await _count(app, t) for t in PERSONAL_TABLES}
        deleted = await client.request(
            "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=auth
        )
        after = {t: await _count(app, t) for t in PERSONAL_TABLES}
        old_token = await client.get("/api/me", headers=auth)
    assert all(before[t] > 0 for t in PERSONAL_TABLES), before
    assert (wrong.status_code, wrong.json()["code"]) == (422, "VALIDATION_ERROR")
    assert unchanged == before
    assert deleted.status_code == 200
    assert after == dict.fromkeys(PERSONAL_TABLES, 0)
    assert (old_token.status_code, old_token.json()["code"]) == (401, "INVALID_TOKEN")


async def test_a_database_error_midway_keeps_the_account_intact(start_app: Any) -> None:
    async with start_app() as (app, client):
        _, auth = await _session(client)
        await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)
        async with app.state.resources.engine.begin() as connection:
            # a real failure inside the deletion, after api_keys and tokens went
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_wallet_delete BEFORE DELETE ON linked_wallets "
                    "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
                )
            )
        response = await client.request(
            "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=auth
        )
        me = await client.get("/api/me", headers=auth)
        keys = (await client.get("/api/me/api-keys", headers=auth)).json()["data"]
    assert (response.status_code, response.json()["code"]) == (500, "INTERNAL_ERROR")
    assert "disk on fire" not in response.text
    assert me.status_code == 200 and len(keys) == 1


def test_deletion_covers_every_table_holding_user_data() -> None:
    from infrastructure.db.base import Base
    from infrastructure.db.personal_data import PERSONAL_DATA

    covered = {table.__tablename__ for table, _ in PERSONAL_DATA}
    holding_user_id = {
        name for name, table in Base.metadata.tables.items() if "user_id" in table.columns
    }
    assert holding_user_id <= covered, f"not deleted with the account: {holding_user_id - covered}"
    assert "users" in covered
