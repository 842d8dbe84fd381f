"""The OpenAPI document names every status each operation can answer, in the envelope.

The checks walk the app's own route table, so a route added later is covered too; the
last test calls every operation as four callers and fails on any undocumented status.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api import openapi as openapi_module
from api.deps import RateLimitedRoute
from api.schemas.common import ApiModel, MetaEnvelope, NoMeta, one
from api.security import CurrentPrincipal
from domain.models import Chain
from tests.api.conftest import bearer, sign_in
from tests.api.wallets import Wallet

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
METHODS = {"get", "post", "put", "patch", "delete"}


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def documented(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"]}


def is_authenticated(operation: dict[str, Any]) -> bool:
    return {"bearerAuth": []} in operation.get("security", [])


def has_params(operation: dict[str, Any], where: str) -> bool:
    return any(p["in"] == where for p in operation.get("parameters", []))


class ThingIn(ApiModel):
    name: str


def add_later_routes(app: FastAPI) -> None:
    """Routes added after start-up: documented the same way, no table to update."""

    @app.post("/api/_test/things/{thing_id}", dependencies=[RateLimitedRoute])
    async def make_thing(
        thing_id: uuid.UUID, body: ThingIn, principal: CurrentPrincipal
    ) -> MetaEnvelope[dict[str, str], NoMeta]:
        return one({"name": body.name})


async def test_every_error_status_is_documented_with_the_envelope(start_app: Any) -> None:
    async with start_app() as (app, _):
        schema = app.openapi()
    schemes = schema["components"]["securitySchemes"]
    assert (schemes["bearerAuth"]["scheme"], schemes["apiKey"]["scheme"]) == ("bearer", "bearer")
    assert (schemes["cookieSession"]["in"], schemes["cookieSession"]["name"]) == (
        "cookie",
        "st_access",
    )
    assert (schemes["csrfToken"]["in"], schemes["csrfToken"]["name"]) == ("header", "X-CSRF-Token")
    for method, path, operation in operations(schema):
        where = f"{method} {path}"
        codes = documented(operation)
        assert 500 in codes, where
        for code in codes:
            if code >= 400:
                content = operation["responses"][str(code)]["content"]
                assert content["application/json"]["schema"] == ERROR_BODY, (where, code)
        if "requestBody" in operation or path == "/api/cron/{step}":
            assert {413, 422} <= codes, where
        if has_params(operation, "path"):
            assert {404, 422} <= codes, where
        if has_params(operation, "query"):
            assert 422 in codes, where
        if is_authenticated(operation):
            assert {401, 429, 503} <= codes, where
            if method != "GET":
                assert 403 in codes, where  # CSRF, API_KEY_READ_ONLY
        if 429 in codes:
            headers = operation["responses"]["429"]["headers"]
            assert headers["Retry-After"]["required"] is True, where
        if 503 in codes and path != "/api/ready":  # NOT_READY: a probe, no Retry-After
            assert "Retry-After" in operation["responses"]["503"]["headers"], where


async def test_statuses_are_derived_for_routes_added_later(start_app: Any) -> None:
    async with start_app(setup=add_later_routes) as (app, client):
        schema = (await client.get("/api/openapi.json")).json()
    operation = schema["paths"]["/api/_test/things/{thing_id}"]["post"]
    assert documented(operation) >= {400, 401, 403, 404, 413, 415, 422, 429, 500, 503}
    # a change: no API key (read-only), the cookie session only with its CSRF header
    assert operation["security"] == [{"bearerAuth": []}, {"cookieSession": [], "csrfToken": []}]
    assert operation["operationId"] == "createTestThingsByThingId"  # derived: no table to update
    assert app.openapi() is app.openapi()  # documented once, then cached


async def test_public_and_probe_routes_document_only_what_they_can_answer(
    start_app: Any,
) -> None:
    async with start_app() as (app, _):
        schema = app.openapi()
    health = schema["paths"]["/api/health"]["get"]
    assert 401 not in documented(health) and 429 not in documented(health)
    listing = schema["paths"]["/api/validators"]["get"]
    assert {400, 422, 429, 503} <= documented(listing)  # 400: INVALID_CURSOR
    # anonymous (the free tier's scores), or signed in for the caller's tier view
    assert listing["security"] == [{}, {"bearerAuth": []}, {"apiKey": []}, {"cookieSession": []}]
    vrs = schema["paths"]["/api/vrs/{validator_id}"]["get"]
    # anonymous, or signed in for more
    assert vrs["security"] == [{}, {"bearerAuth": []}, {"apiKey": []}, {"cookieSession": []}]
    assert vrs["responses"]["404"]["description"] == "Unknown validator or malformed id."


async def test_a_table_entry_for_a_missing_route_fails_loudly(
    start_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = {**openapi_module.ROUTE_RESPONSES, ("GET", "/api/renamed"): {404: "gone"}}
    monkeypatch.setattr(openapi_module, "ROUTE_RESPONSES", stale)
    async with start_app() as (app, _):
        with pytest.raises(RuntimeError, match="/api/renamed"):
            app.openapi()


def _call_args(path: str, operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    url = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            enum = parameter["schema"].get("enum")
            url = url.replace("{" + parameter["name"] + "}", enum[0] if enum else str(uuid.uuid4()))
    kwargs: dict[str, Any] = {}
    if "requestBody" in operation:
        kwargs["json"] = {}
    return url, kwargs


async def _callers(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    session = await sign_in(client, Wallet.new(Chain.ETH))
    auth = bearer(session["accessToken"])
    created = await client.post("/api/me/api-keys", json={"name": "statuses"}, headers=auth)
    assert created.status_code == 201, created.text
    return {
        "anonymous": {},
        "wrong token": bearer("not-a-token"),
        "api key": bearer(created.json()["data"]["key"]),
        "session": auth,
    }


async def test_every_operation_answers_only_documented_statuses(start_app: Any) -> None:
    """Each operation, called bare, with an empty JSON body and a made-up id, by each
    caller: whatever it answers is in its documented responses."""
    undocumented = []
    async with start_app(rate_limit_default="10000/minute") as (app, client):
        schema = app.openapi()
        callers = await _callers(client)
        # ending the session or deleting the account would change the callers: last
        last = {("POST", "/api/auth/logout"), ("DELETE", "/api/me")}
        ordered = sorted(operations(schema), key=lambda op: (op[0], op[1]) in last)
        for caller, headers in callers.items():
            for method, path, operation in ordered:
                url, kwargs = _call_args(path, operation)
                response = await client.request(method, url, headers=headers, **kwargs)
                if response.status_code not in documented(operation):
                    undocumented.append((caller, method, path, response.status_code))
    assert undocumented == []
