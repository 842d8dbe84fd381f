"""Sessions: access JWTs that refuse every forgery, rotating refresh tokens with reuse
detection, logout, CSRF double-submit for cookie calls, deleted users."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest

from domain.models import Chain
from infrastructure.auth.tokens import AUDIENCE, ISSUER
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.conftest import TEST_SECRET


def _claims(user_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": user_id,
        "sid": str(uuid.uuid4()),
        "tier": "free",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "jti": "x",
        "typ": "access",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def test_session_tokens_authenticate_by_bearer_or_cookie(start_app: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        by_cookie = await client.get("/api/me")
        token = data["accessToken"]
        client.cookies.clear()
        by_bearer = await client.get("/api/me", headers=bearer(token))
        anonymous = await client.get("/api/me")
    assert by_cookie.status_code == by_bearer.status_code == 200
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHORIZED")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda uid, sid: jwt.encode(_claims(uid, sid=sid), None, algorithm="none"),
            id="alg-none",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(_claims(uid, sid=sid), TEST_SECRET, algorithm="HS512"),
            id="other-alg",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid, aud="other"), TEST_SECRET, algorithm="HS256"
            ),
            id="wrong-aud",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid, iss="evil"), TEST_SECRET, algorithm="HS256"
            ),
            id="wrong-iss",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid, exp=None), TEST_SECRET, algorithm="HS256"
            ),
            id="no-exp",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid, exp=int(time.time()) - 60), TEST_SECRET, algorithm="HS256"
            ),
            id="expired",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid, typ="refresh"), TEST_SECRET, algorithm="HS256"
            ),
            id="refresh-typ",
        ),
        pytest.param(
            lambda uid, sid: jwt.encode(
                _claims(uid, sid=sid), "another-secret-key-of-enough-length!!", algorithm="HS256"
            ),
            id="wrong-key",
        ),
    ],
)
async def test_forged_access_tokens_are_refused(start_app: Any, forge: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        sid = jwt.decode(data["accessToken"], options={"verify_signature": False})["sid"]
        client.cookies.clear()
        genuine = jwt.encode(_claims(data["user"]["id"], sid=sid), TEST_SECRET, algorithm="HS256")
        control = await client.get("/api/me", headers=bearer(genuine))
        response = await client.get("/api/me", headers=bearer(forge(data["user"]["id"], sid)))
    assert control.status_code == 200  # the same claims, correctly signed, pass
    assert (response.status_code, response.json()["code"]) == (401, "INVALID_TOKEN")


async def test_a_refresh_token_is_not_an_access_token(start_app: Any) -> None:
    async with start_app() as (_, client):
        await sign_in(client, Wallet.new(Chain.ETH))
        refresh = client.cookies["st_refresh"]
        client.cookies.clear()
        response = await client.get("/api/me", headers=bearer(refresh))
    assert response.status_code == 401


async def _refresh(client: Any, token: str, csrf: str = "csrf") -> Any:
    """POST /api/auth/refresh as the SPA does, with only these cookies."""
    client.cookies.clear()
    headers = {"Cookie": f"st_refresh={token}; st_csrf={csrf}", "X-CSRF-Token": csrf}
    return await client.post("/api/auth/refresh", headers=headers)


async def test_refresh_rotates_and_a_reused_token_ends_the_family(start_app: Any) -> None:
    async with start_app() as (_, client):
        first = await sign_in(client, Wallet.new(Chain.SOL))
        original = client.cookies["st_refresh"]
        rotated = await _refresh(client, original)
        second = rotated.cookies["st_refresh"]
        assert rotated.status_code == 200, rotated.text
        assert second and second != original
        new_access = rotated.json()["data"]["accessToken"]
        assert new_access != first["accessToken"]
        assert (await client.get("/api/me", headers=bearer(new_access))).status_code == 200

        client.cookies.clear()
        reused = await _refresh(client, original)  # the stolen, already-rotated token
        client.cookies.clear()
        after = await _refresh(client, second)  # the family is revoked: the legit one dies too
        client.cookies.clear()
        me = await client.get("/api/me", headers=bearer(new_access))
    assert (reused.status_code, reused.json()["code"]) == (401, "TOKEN_REUSED")
    assert (after.status_code, after.json()["code"]) == (401, "TOKEN_REUSED")
    assert me.status_code == 401  # the session ended at once, not in 15 minutes


async def test_refresh_needs_the_csrf_header_and_a_known_token(start_app: Any) -> None:
    async with start_app() as (_, client):
        await sign_in(client, Wallet.new(Chain.ETH))
        no_header = await client.post("/api/auth/refresh")
        unknown = await _refresh(client, "not-a-token")
    assert (no_header.status_code, no_header.json()["code"]) == (403, "CSRF_FAILED")
    assert (unknown.status_code, unknown.json()["code"]) == (401, "INVALID_TOKEN")


async def test_logout_ends_the_session_and_clears_cookies(start_app: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ATOM))
        refresh_token = client.cookies["st_refresh"]
        csrf = client.cookies["st_csrf"]
        response = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200
        assert "st_access" not in client.cookies
        client.cookies.clear()
        me = await client.get("/api/me", headers=bearer(data["accessToken"]))
        again = await _refresh(client, refresh_token)
    assert me.status_code == 401
    assert again.status_code == 401


async def test_cookie_calls_that_change_state_need_the_csrf_header(start_app: Any) -> None:
    async with start_app() as (_, client):
        await sign_in(client, Wallet.new(Chain.ETH))
        csrf = client.cookies["st_csrf"]
        read = await client.get("/api/me/api-keys")
        forged = await client.post("/api/me/api-keys", json={"name": "x"})
        wrong = await client.post(
            "/api/me/api-keys", json={"name": "x"}, headers={"X-CSRF-Token": "guess"}
        )
        good = await client.post(
            "/api/me/api-keys", json={"name": "x"}, headers={"X-CSRF-Token": csrf}
        )
    assert read.status_code == 200
    assert (forged.status_code, forged.json()["code"]) == (403, "CSRF_FAILED")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "CSRF_FAILED")
    assert good.status_code == 201


async def test_cookies_are_http_only_and_lax(start_app: Any) -> None:
    async with start_app() as (_, client):
        nonce = (await client.get("/api/auth/nonce")).json()["data"]["nonce"]
        wallet = Wallet.new(Chain.ETH)
        response = await client.post("/api/auth/siwe", json=wallet.proof(nonce))
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies["st_access"] and "httponly" in cookies["st_refresh"]
    assert "httponly" not in cookies["st_csrf"]  # the SPA reads it to echo it
    assert all("samesite=lax" in c for c in cookies.values())
    assert all("secure" not in c for c in cookies.values())  # localhost development


async def test_cookies_are_secure_off_localhost(start_app: Any) -> None:
    async with start_app(app_domain="app.staketrack.example") as (_, client):
        nonce = (await client.get("/api/auth/nonce")).json()["data"]["nonce"]
        wallet = Wallet.new(Chain.ETH)
        body = wallet.proof(
            nonce, domain="app.staketrack.example", uri="https://app.staketrack.example/"
        )
        response = await client.post("/api/auth/siwe", json=body)
    assert response.status_code == 200, response.text
    assert all("secure" in c.lower() for c in response.headers.get_list("set-cookie"))


async def test_authenticated_calls_are_limited_per_user_with_ratelimit_headers(
    start_app: Any,
) -> None:
    async with start_app(rate_limit_default="3/minute") as (_, client):
        alice = bearer((await sign_in(client, Wallet.new(Chain.ETH)))["accessToken"])
        bob = bearer((await sign_in(client, Wallet.new(Chain.SOL)))["accessToken"])
        client.cookies.clear()
        statuses = [(await client.get("/api/me", headers=alice)).status_code for _ in range(3)]
        refused = await client.get("/api/me", headers=alice)
        other = await client.get("/api/me", headers=bob)  # same IP, another user
    assert statuses == [200, 200, 200]
    assert (refused.status_code, refused.json()["code"]) == (429, "RATE_LIMITED")
    assert refused.headers["ratelimit-limit"] == "3"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert int(refused.headers["retry-after"]) >= 1
    assert other.status_code == 200
