"""GET/PUT/DELETE /api/me/webhook and the test ping, against a real local receiver that
checks the signature; SSRF refusals (after DNS resolution), no redirects."""

from __future__ import annotations

import time
from typing import Any

import pytest

from domain.models import Chain
from infrastructure.webhooks.signing import verify
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.integration.alert_outbox import Receiver

LOCAL = {"webhook_allow_http": True, "webhook_allow_networks": "127.0.0.1/32"}


async def _auth(client: Any) -> dict[str, str]:
    data = await sign_in(client, Wallet.new(Chain.ETH))
    client.cookies.clear()
    return bearer(data["accessToken"])


async def test_put_shows_the_secret_once_and_a_ping_verifies(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**LOCAL, **backend) as (_, client), Receiver() as receiver:
        auth = await _auth(client)
        assert (await client.get("/api/me/webhook", headers=auth)).status_code == 404

        put = await client.put("/api/me/webhook", json={"url": receiver.url}, headers=auth)
        assert put.status_code == 200, put.text
        created = put.json()["data"]
        secret = created["secret"]
        assert secret.startswith("whsec_") and len(secret) > 40
        assert created["verified"] is False and created["verifiedAt"] is None

        shown = (await client.get("/api/me/webhook", headers=auth)).json()["data"]
        assert "secret" not in shown and shown["url"] == receiver.url

        ping = await client.post("/api/me/webhook/test", headers=auth)
        assert ping.status_code == 200, ping.text
        assert ping.json()["data"]["verified"] is True

        [request] = receiver.received
        assert request.path == "/hooks/staketrack?x=1"
        assert request.headers["x-staketrack-event"] == "ping"
        assert verify(
            secret,
            request.headers["x-staketrack-timestamp"],
            "ping",
            request.body,
            request.headers["x-staketrack-signature"],
            time.time(),
        )
        assert not verify(
            "whsec_other",
            request.headers["x-staketrack-timestamp"],
            "ping",
            request.body,
            request.headers["x-staketrack-signature"],
            time.time(),
        )
        assert (await client.get("/api/me/webhook", headers=auth)).json()["data"]["verified"]

        # the same URL again: a new secret, still verified; a new URL: unverified
        again = await client.put("/api/me/webhook", json={"url": receiver.url}, headers=auth)
        assert again.json()["data"]["verified"] is True
        assert again.json()["data"]["secret"] != secret
        other = receiver.url.replace("x=1", "x=2")
        moved = await client.put("/api/me/webhook", json={"url": other}, headers=auth)
        assert moved.json()["data"]["verified"] is False

        deleted = await client.delete("/api/me/webhook", headers=auth)
        assert deleted.status_code == 200 and deleted.json()["data"] == {"deleted": True}
        assert (await client.delete("/api/me/webhook", headers=auth)).status_code == 404


async def test_a_failing_ping_changes_nothing(start_app: Any) -> None:
    async with start_app(**LOCAL) as (_, client), Receiver(status=500) as receiver:
        auth = await _auth(client)
        await client.put("/api/me/webhook", json={"url": receiver.url}, headers=auth)
        ping = await client.post("/api/me/webhook/test", headers=auth)
        assert ping.status_code == 400
        assert ping.json()["code"] == "WEBHOOK_PING_FAILED"
        assert ping.json()["details"]["reason"] == "http_500"
        assert not (await client.get("/api/me/webhook", headers=auth)).json()["data"]["verified"]


async def test_redirects_are_not_followed(start_app: Any) -> None:
    async with start_app(**LOCAL) as (_, client), Receiver(status=302) as receiver:
        receiver.location = "http://169.254.169.254/latest/meta-data/"
        auth = await _auth(client)
        await client.put("/api/me/webhook", json={"url": receiver.url}, headers=auth)
        ping = await client.post("/api/me/webhook/test", headers=auth)
        assert ping.json()["details"]["reason"] == "redirect"
        assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost/hook",  # a name resolving to loopback
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://user:pass@example.com/hook",
        "ftp://example.com/hook",
        "javascript:alert(1)",
    ],
)
async def test_private_and_odd_urls_are_refused(start_app: Any, url: str) -> None:
    async with start_app(webhook_allow_http=True) as (_, client):
        auth = await _auth(client)
        put = await client.put("/api/me/webhook", json={"url": url}, headers=auth)
        assert put.status_code == 422, put.text
        assert put.json()["code"] == "WEBHOOK_URL_REFUSED"
        assert put.json()["details"]["fields"][0]["field"] == "url"
        assert (await client.get("/api/me/webhook", headers=auth)).status_code == 404


async def test_production_allows_https_only(start_app: Any, backend: dict[str, str]) -> None:
    # production mode refuses http by default; embedded mode is told to
    settings: dict[str, Any] = backend or {"webhook_allow_http": False}
    async with start_app(**settings) as (_, client):
        auth = await _auth(client)
        put = await client.put(
            "/api/me/webhook", json={"url": "http://hooks.example.com/x"}, headers=auth
        )
        assert put.status_code == 422 and put.json()["details"]["reason"] == "scheme"


async def test_webhook_needs_a_session(start_app: Any) -> None:
    async with start_app() as (_, client):
        assert (await client.get("/api/me/webhook")).status_code == 401
        put = await client.put("/api/me/webhook", json={"url": "https://example.com/x"})
        assert put.status_code == 401
