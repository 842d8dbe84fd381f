"""Mass assignment (issue 16 item 6): no user-facing route lets a user set their own tier
or role. Generated from the OpenAPI document, so a route added later is covered.

For every POST/PUT/PATCH outside /api/admin, a signed-in free user sends a body built
from the operation's own schema (its required fields filled in) plus `tier`, `role`,
`isAdmin`, `admin`, `subscription`, `expiresAt` …; every body model refuses unknown
fields, so each such request must be a 422 naming every injected field (or, for a route
without a JSON body model, be refused or ignore them). Afterwards the user is still
free, still `user`, not an admin, and no subscription row or admin exists at all.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.app import create_app
from domain.models import Chain
from infrastructure.db.models import UserRow, UserSubscriptionRow
from infrastructure.settings import load_settings
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet
from tests.conftest import TEST_SECRET

WRITE_METHODS = ("post", "put", "patch")
ESCALATION: dict[str, Any] = {
    "tier": "pro",
    "role": "admin",
    "isAdmin": True,
    "is_admin": True,
    "admin": True,
    "subscription": {"tier": "pro", "expiresAt": None},
    "expiresAt": None,
    "tierExpiresAt": None,
    "userId": str(uuid.UUID(int=1)),
    "limits": [{"tier": "free", "chains": 3}],
}

# public routes that refuse a request before reading its body model: a signed cron
# trigger (HMAC over the raw body) and the one-click unsubscribe (its emailed token)
CHECKED_BEFORE_THE_BODY = {("POST", "/api/cron/{step}"), ("POST", "/api/alerts/unsubscribe")}


def _document() -> dict[str, Any]:
    settings = load_settings(secret_key=TEST_SECRET, data_dir=Path("/nonexistent"))
    document: dict[str, Any] = create_app(settings).openapi()
    return document


DOCUMENT = _document()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _example(schema: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value for `schema`: what a client would send (required fields only)."""
    schema = _resolve(schema)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            options = [o for o in schema[union] if _resolve(o).get("type") != "null"]
            return _example(options[0], depth) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {
            name: _example(prop, depth + 1)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", ())
        }
    if kind == "array":
        return [_example(schema.get("items", {}), depth + 1)] if schema.get("minItems") else []
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if schema.get("format") == "email":
        return "someone@example.com"
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    return "x" * max(1, int(schema.get("minLength", 1)))


def _operations() -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, path, JSON body schema or None) of every user-facing write."""
    found = []
    for path, operations in DOCUMENT["paths"].items():
        if path.startswith("/api/admin"):
            continue
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            found.append((method.upper(), path, schema))
    return sorted(found, key=lambda item: (item[1], item[0]))


OPERATIONS = _operations()


def test_the_document_is_really_walked() -> None:
    paths = {(m, p) for m, p, _ in OPERATIONS}
    assert {
        ("POST", "/api/alerts"),
        ("PATCH", "/api/alerts/{alert_id}"),
        ("POST", "/api/me/api-keys"),
        ("PUT", "/api/me/webhook"),
        ("POST", "/api/auth/siwe"),
    } <= paths
    assert sum(1 for _, _, schema in OPERATIONS if schema is not None) >= 10


def _concrete(path: str) -> str:
    values = {"alert_id": str(uuid.uuid4()), "chain": Chain.ETH.value, "step": "vrs"}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{", "").replace("}", "")


async def _state(app: Any, user_id: str) -> tuple[Any, ...]:
    async with app.state.resources.engine.connect() as connection:
        role = await connection.scalar(select(UserRow.role).where(UserRow.id == uuid.UUID(user_id)))
        admins = await connection.scalar(
            select(func.count()).select_from(UserRow).where(UserRow.role == "admin")
        )
        subscriptions = await connection.scalar(
            select(func.count()).select_from(UserSubscriptionRow)
        )
    return role, admins, subscriptions


@pytest.mark.parametrize(
    ("method", "path", "schema"), OPERATIONS, ids=[f"{m} {p[5:]}" for m, p, _ in OPERATIONS]
)
async def test_no_body_field_raises_a_users_tier_or_role(
    start_app: Any, method: str, path: str, schema: dict[str, Any] | None
) -> None:
    async with start_app(rate_limit_default="1000/minute") as (app, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        user_id = data["user"]["id"]
        body = _example(schema) if schema is not None else {}
        assert isinstance(body, dict)
        response = await client.request(
            method, _concrete(path), json=body | ESCALATION, headers=auth
        )
        if schema is not None and "additionalProperties" in _resolve(schema):
            assert _resolve(schema)["additionalProperties"] is False
        if (method, path) in CHECKED_BEFORE_THE_BODY:
            assert 400 <= response.status_code < 500, response.text
        elif schema is not None and _resolve(schema).get("additionalProperties") is False:
            # a body model: the injected fields are refused by name
            assert response.status_code == 422, response.text
            named = {f["field"] for f in response.json()["details"]["fields"]}
            assert set(ESCALATION) <= named, response.text
        else:  # no body model: refused, or the fields never reach anything
            assert response.status_code < 500, response.text
        me = await client.get("/api/me", headers=auth)
        if me.status_code == 200:  # (a route may end the session: logout)
            assert me.json()["data"]["tier"] == "free"
            assert me.json()["data"]["isAdmin"] is False
        assert await _state(app, user_id) in {("user", 0, 0), (None, 0, 0)}
