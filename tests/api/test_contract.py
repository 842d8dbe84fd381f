"""The API contract: envelopes for every outcome, camelCase, request ids, access logs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException

from api.deps import RateLimitedRoute
from api.schemas.common import ApiModel, MetaEnvelope, NoMeta, one
from domain.errors import InvalidInput, NotFound
from tests.api.conftest import Logs

WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


class TransferIn(ApiModel):
    wallet_address: str
    amount_base_units: int


class TransferOut(ApiModel):
    wallet_address: str
    amount_base_units: str


def add_test_routes(app: FastAPI) -> None:
    @app.post("/api/_test/echo")
    async def echo(body: TransferIn) -> MetaEnvelope[TransferOut, NoMeta]:
        return one(
            TransferOut(
                wallet_address=body.wallet_address,
                amount_base_units=str(body.amount_base_units),
            )
        )

    @app.get("/api/_test/boom")
    async def boom() -> None:
        raise RuntimeError(f"database exploded for {WALLET}")

    @app.get("/api/_test/limited", dependencies=[RateLimitedRoute])
    async def limited() -> MetaEnvelope[dict[str, str], NoMeta]:
        return one({"hello": "world"})

    @app.get("/api/_test/missing")
    async def missing() -> None:
        raise NotFound("No such thing.")  # a domain error with nothing to add

    @app.get("/api/_test/refused")
    async def refused() -> None:
        raise InvalidInput("amount is too large", details={"field": "amount", "limit": "5"})

    @app.get("/api/_test/conflict")
    async def conflict() -> None:
        raise HTTPException(409)  # an HTTP error with nothing to add


def assert_error(body: dict[str, Any], code: str) -> None:
    assert set(body) == {"error", "code", "details"}
    assert body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["details"], dict)  # contract v1: never null, never a list


async def test_health(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}, "meta": {}}


async def test_unknown_route_is_404_in_the_envelope(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.get("/api/nope")
    assert response.status_code == 404
    assert_error(response.json(), "NOT_FOUND")
    assert response.json()["details"] == {"path": "/api/nope"}


async def test_wrong_method_is_405_with_allow(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.delete("/api/health")
    assert response.status_code == 405
    assert_error(response.json(), "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET"
    assert response.json()["details"]["allowed"] == ["GET"]


async def test_details_are_an_empty_object_when_there_is_nothing_to_add(start_app: Any) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        domain = await client.get("/api/_test/missing")
        http = await client.get("/api/_test/conflict")
        anonymous = await client.get("/api/me")
    assert (domain.status_code, http.status_code, anonymous.status_code) == (404, 409, 401)
    for response, code in (
        (domain, "NOT_FOUND"),
        (http, "CONFLICT"),
        (anonymous, "UNAUTHORIZED"),
    ):
        assert_error(response.json(), code)
        assert response.json()["details"] == {}, response.text


async def test_a_value_refused_by_a_use_case_names_its_field_like_validation(
    start_app: Any,
) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.get("/api/_test/refused")
    assert response.status_code == 422
    body = response.json()
    assert_error(body, "VALIDATION_ERROR")
    assert body["details"] == {
        "fields": [{"field": "amount", "message": "amount is too large", "type": "invalid_input"}],
        "limit": "5",
    }


async def test_malformed_json_is_422_naming_the_body(start_app: Any) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.post(
            "/api/_test/echo",
            content=b'{"walletAddress": "0xabc", ',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 422
    body = response.json()
    assert_error(body, "VALIDATION_ERROR")
    [detail] = body["details"]["fields"]
    assert detail["field"] == "body" and detail["type"] == "json_invalid"
    assert "Invalid JSON" in detail["message"]


async def test_invalid_field_is_422_naming_the_field(start_app: Any) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.post(
            "/api/_test/echo", json={"walletAddress": "0xabc", "amountBaseUnits": "lots"}
        )
    assert response.status_code == 422
    body = response.json()
    assert_error(body, "VALIDATION_ERROR")
    assert [(d["field"], d["in"]) for d in body["details"]["fields"]] == [
        ("amountBaseUnits", "body")
    ]
    assert "amountBaseUnits" in body["error"]


async def test_missing_field_is_named(start_app: Any) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.post("/api/_test/echo", json={"amountBaseUnits": 5})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]["fields"]] == ["walletAddress"]


async def test_json_is_camel_case_both_ways(start_app: Any) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.post(
            "/api/_test/echo", json={"walletAddress": "0xabc", "amountBaseUnits": 32000000000}
        )
    assert response.status_code == 200
    assert response.json() == {
        "data": {"walletAddress": "0xabc", "amountBaseUnits": "32000000000"},
        "meta": {},
    }


async def test_unhandled_error_is_500_without_traceback_and_logged_with_request_id(
    start_app: Any, logs: Logs
) -> None:
    async with start_app(setup=add_test_routes) as (_, client):
        response = await client.get("/api/_test/boom", headers={"X-Request-ID": "req-500-test"})
    assert response.status_code == 500
    body = response.json()
    assert_error(body, "INTERNAL_ERROR")
    assert body["details"] == {"requestId": "req-500-test"}
    assert "Traceback" not in response.text and "exploded" not in response.text
    assert response.headers["x-request-id"] == "req-500-test"
    [error_line] = [line for line in logs.lines() if line["event"] == "unhandled_error"]
    assert error_line["request_id"] == "req-500-test"
    assert "RuntimeError: database exploded" in error_line["exception"]
    assert WALLET not in logs.text  # the address in the exception is redacted too


async def test_request_id_is_accepted_or_generated_and_logged(start_app: Any, logs: Logs) -> None:
    async with start_app() as (_, client):
        given = await client.get("/api/health", headers={"X-Request-ID": "client-id.123"})
        generated = await client.get("/api/health")
        unsafe = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert given.headers["x-request-id"] == "client-id.123"
    uuid.UUID(generated.headers["x-request-id"])
    uuid.UUID(unsafe.headers["x-request-id"])  # replaced, never echoed back
    requests = [line for line in logs.lines() if line["event"] == "request"]
    assert [r["request_id"] for r in requests] == [
        "client-id.123",
        generated.headers["x-request-id"],
        unsafe.headers["x-request-id"],
    ]
    first = requests[0]
    assert (first["method"], first["path"], first["status"]) == ("GET", "/api/health", 200)
    assert isinstance(first["duration_ms"], float)


async def test_rate_limit_answers_429_with_retry_after(start_app: Any) -> None:
    async with start_app(setup=add_test_routes, rate_limit_default="2/minute") as (_, client):
        statuses = [(await client.get("/api/_test/limited")).status_code for _ in range(2)]
        refused = await client.get("/api/_test/limited")
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert_error(refused.json(), "RATE_LIMITED")
    assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_openapi_and_docs_are_served_under_api(start_app: Any) -> None:
    async with start_app() as (_, client):
        spec = await client.get("/api/openapi.json")
        docs = await client.get("/api/docs")
    assert spec.status_code == 200
    assert {"/api/health", "/api/ready"} <= set(spec.json()["paths"])
    assert "ErrorBody" in spec.json()["components"]["schemas"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
