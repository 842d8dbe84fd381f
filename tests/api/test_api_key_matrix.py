"""API keys are read-only — proved for every route of the app, generated from its route
table, so a route added later is covered without touching this file.

Each non-GET route falls in one of two groups, decided from its dependency tree:

- it authenticates its caller (`current_principal`, `optional_principal` or anything
  built on them): with a valid API key it answers 403 API_KEY_READ_ONLY and no personal
  row changes (not even the key's last-used time);
- it is public (sign-in, refresh, the calculator, signed cron triggers): it does not
  authenticate at all, so a key cannot lend it an identity. The test proves that by
  sending the same request with and without the key: the answers are the same, and no
  personal row changes either way.

A handler that called `authenticate()` itself (outside its dependencies) would be
refused centrally too and then differ from its anonymous answer: the test fails and
names it, rather than letting it through unnoticed.
"""

from __future__ import annotations

import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from api.app import create_app
from api.security import current_principal, optional_principal
from domain.models import Chain
from infrastructure.db.models import StakingPositionRow
from infrastructure.db.personal_data import PERSONAL_DATA
from infrastructure.settings import load_settings
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet
from tests.conftest import TEST_SECRET

READ_METHODS = {"GET", "HEAD"}
AUTHENTICATING = {current_principal, optional_principal}


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _authenticates(dependant: Dependant) -> bool:
    return any(call in AUTHENTICATING for call in _calls(dependant))


def _path_value(annotation: Any) -> str:
    if annotation is uuid.UUID:
        return str(uuid.UUID(int=0x5EED))  # fixed: test ids stay stable across runs
    if typing.get_origin(annotation) is typing.Literal:
        return str(typing.get_args(annotation)[0])
    return "x"


def _path(path_format: str, dependant: Dependant) -> str:
    values = {p.name: _path_value(p.field_info.annotation) for p in dependant.path_params}
    return path_format.format(**values)


def _routes() -> list[tuple[str, str, bool]]:
    """(method, concrete path, authenticates) of every non-read route."""
    settings = load_settings(secret_key=TEST_SECRET, data_dir=Path("/nonexistent"))
    app = create_app(settings)
    found = []
    # the effective routes, as served: router prefixes and router-level dependencies applied
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if not isinstance(dependant, Dependant) or route.path_format is None:
            continue  # the docs pages: not API routes
        for method in sorted((route.methods or set()) - READ_METHODS):
            found.append((method, _path(route.path_format, dependant), _authenticates(dependant)))
    return sorted(found)


ROUTES = _routes()


def test_the_route_table_is_really_read() -> None:
    """Guard against a generator that finds nothing (and so proves nothing)."""
    authenticating = {(m, p.rsplit("/", 1)[0]) for m, p, auth in ROUTES if auth}
    assert {
        ("POST", "/api/me"),  # /api/me/email
        ("POST", "/api/me/wallets"),
        ("DELETE", "/api/me/wallets"),
        ("DELETE", "/api/me/api-keys"),
        ("DELETE", "/api"),  # /api/me
        ("POST", "/api/auth"),  # /api/auth/logout
    } <= authenticating
    assert any(not auth for _, _, auth in ROUTES)  # sign-in etc.


async def _personal_rows(app: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that belongs to someone, keyed by table (ordered: comparable)."""
    tables = [table for table, _ in PERSONAL_DATA] + [StakingPositionRow]
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    async with app.state.resources.engine.connect() as connection:
        for table in tables:
            rows = (await connection.execute(select(table.__table__))).all()
            snapshot[table.__tablename__] = sorted(tuple(map(repr, row)) for row in rows)
    return snapshot


def _outbox(app: Any) -> list[str]:
    outbox = app.state.settings.data_dir / "outbox"
    return sorted(p.name for p in outbox.glob("*")) if outbox.exists() else []


async def _key_holder(client: Any) -> tuple[dict[str, str], dict[str, str], str]:
    """A signed-in owner (Bearer), one of their API keys, and the owner's user id."""
    data = await sign_in(client, Wallet.new(Chain.ETH))
    client.cookies.clear()
    owner = bearer(data["accessToken"])
    created = await client.post("/api/me/api-keys", json={"name": "leaked"}, headers=owner)
    assert created.status_code == 201, created.text
    return owner, bearer(created.json()["data"]["key"]), data["user"]["id"]


@pytest.mark.parametrize(
    ("method", "path", "authenticates"), ROUTES, ids=[f"{m} {p[5:]}" for m, p, _ in ROUTES]
)
async def test_an_api_key_changes_nothing(
    start_app: Any, method: str, path: str, authenticates: bool
) -> None:
    async with start_app() as (app, client):
        _, key, user_id = await _key_holder(client)
        before, outbox_before = await _personal_rows(app), _outbox(app)
        with_key = await client.request(method, path, json={}, headers=key)
        after, outbox_after = await _personal_rows(app), _outbox(app)
        anonymous = await client.request(method, path, json={})
        still = await client.get("/api/me", headers=key)
    assert after == before and outbox_after == outbox_before
    assert still.status_code == 200  # the key itself still works for reading
    if authenticates:
        assert (with_key.status_code, with_key.json()["code"]) == (403, "API_KEY_READ_ONLY")
    else:  # the key is ignored: the same answer as without it, never the key's identity
        assert with_key.status_code == anonymous.status_code, with_key.text
        assert with_key.json().get("code") == anonymous.json().get("code")
        assert user_id not in with_key.text


async def test_reads_with_a_key_still_work(start_app: Any) -> None:
    async with start_app() as (_, client):
        _, key, _ = await _key_holder(client)
        me = await client.get("/api/me", headers=key)
        wallets = await client.get("/api/me/wallets", headers=key)
        keys = await client.get("/api/me/api-keys", headers=key)
    assert me.status_code == wallets.status_code == keys.status_code == 200


# --- the attack chain of the issue: a leaked key must not take the account -----------------


async def test_a_leaked_key_cannot_take_over_the_account(
    start_app: Any, backend: dict[str, str]
) -> None:
    async with start_app(**backend) as (app, client):
        owner, key, _ = await _key_holder(client)
        attacker_wallet = Wallet.new(Chain.SOL)
        [victim_wallet] = (await client.get("/api/me/wallets", headers=key)).json()["data"]
        before = await _personal_rows(app)
        attempts = {
            "email": await client.post(
                "/api/me/email", json={"email": "mallory@example.org"}, headers=key
            ),
            "link": await client.post(
                "/api/me/wallets/sol",
                json=attacker_wallet.proof(await get_nonce(client)),
                headers=key,
            ),
            "unlink": await client.delete(f"/api/me/wallets/{victim_wallet['id']}", headers=key),
            "new key": await client.post("/api/me/api-keys", json={"name": "x"}, headers=key),
            "revoke": await client.delete(f"/api/me/api-keys/{uuid.uuid4()}", headers=key),
            "delete": await client.request(
                "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=key
            ),
            "logout": await client.post("/api/auth/logout", headers=key),
        }
        after = await _personal_rows(app)
        # the attacker's wallet was not linked: signing in with it makes a new, empty account
        attacker = await sign_in(client, attacker_wallet)
        me = await client.get("/api/me", headers=owner)
    assert {name: (r.status_code, r.json()["code"]) for name, r in attempts.items()} == {
        name: (403, "API_KEY_READ_ONLY") for name in attempts
    }
    assert after == before
    assert not (app.state.settings.data_dir / "outbox").exists()  # no link mailed anywhere
    assert attacker["user"]["id"] != me.json()["data"]["id"]
    assert me.status_code == 200
