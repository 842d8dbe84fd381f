"""Escalation (issue 16 item 6): every /api/admin route and method, taken from the app's
route table (a route added later is covered), refuses an API key (403 — even an admin's
key, even on GET), a signed-in non-admin (403 FORBIDDEN), an anonymous caller (401),
and an admin whose role was removed, from their very next request. Embedded and
production."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts

from api.app import create_app
from domain.models import Chain
from infrastructure.settings import load_settings
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.conftest import TEST_SECRET


def _admin_routes() -> list[tuple[str, str]]:
    settings = load_settings(secret_key=TEST_SECRET, data_dir=Path("/nonexistent"))
    found = []
    for route in iter_route_contexts(create_app(settings).routes):
        path = route.path_format
        if path is not None and path.startswith("/api/admin"):
            path = path.replace("{user_id}", str(uuid.UUID(int=0x5EED)))
            found += [(method, path) for method in sorted(route.methods or ())]
    return sorted(found)


ADMIN_ROUTES = _admin_routes()


def test_the_route_table_is_really_read() -> None:
    paths = {p.split("/")[3] for _, p in ADMIN_ROUTES}
    assert paths == {
        "users",
        "subscriptions",
        "tier-limits",
        "vrs-config",
        "yield-config",
        "audit-log",
        "errors",
    }
    assert {m for m, _ in ADMIN_ROUTES} == {"GET", "PUT"}


async def _request(client: Any, method: str, path: str, headers: dict[str, str]) -> Any:
    body = {"reason": "x"} if method != "GET" else None
    return await client.request(method, path, json=body, headers=headers)


async def test_no_admin_route_answers_a_key_a_user_or_a_former_admin(
    start_app: Any, backend: dict[str, str]
) -> None:
    boss = Wallet.new(Chain.ETH)
    settings = {"admin_wallets": [boss.address], "rate_limit_default": "1000/minute"}
    async with start_app(**settings, **backend) as (_, client):
        boss_auth = bearer((await sign_in(client, boss))["accessToken"])
        client.cookies.clear()
        # the boss's own API key: an admin's key is still refused
        created = await client.post("/api/me/api-keys", json={"name": "k"}, headers=boss_auth)
        assert created.status_code == 201, created.text
        key = bearer(created.json()["data"]["key"])
        user = await sign_in(client, Wallet.new(Chain.SOL))
        client.cookies.clear()
        user_auth = bearer(user["accessToken"])
        helper = await sign_in(client, Wallet.new(Chain.ATOM))
        client.cookies.clear()
        helper_auth = bearer(helper["accessToken"])
        grant = await client.put(
            f"/api/admin/users/{helper['user']['id']}/role",
            json={"role": "admin", "reason": "helping out"},
            headers=boss_auth,
        )
        assert grant.status_code == 200, grant.text
        assert (await client.get("/api/admin/errors", headers=helper_auth)).status_code == 200
        revoke = await client.put(
            f"/api/admin/users/{helper['user']['id']}/role",
            json={"role": "user", "reason": "done"},
            headers=boss_auth,
        )
        assert revoke.status_code == 200, revoke.text

        failures = []
        for method, path in ADMIN_ROUTES:
            for who, headers, status in (
                ("api key", key, 403),
                ("user", user_auth, 403),
                ("former admin", helper_auth, 403),
                ("anonymous", {}, 401),
            ):
                response = await _request(client, method, path, headers)
                if response.status_code != status:
                    failures.append((who, method, path, response.status_code, response.text))
                elif who in ("user", "former admin"):
                    assert response.json()["code"] == "FORBIDDEN"
        assert failures == []
        # and the admin still gets through (the refusals above were about the callers)
        assert (await client.get("/api/admin/users", headers=boss_auth)).status_code == 200
