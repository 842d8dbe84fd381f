"""Browser readiness: CORS for CORS_ORIGINS (default APP_ORIGIN, credentials allowed,
no other origin), and /api/metrics behind METRICS_TOKEN (off when unset)."""

from __future__ import annotations

from typing import Any

import pytest

from infrastructure.settings import ConfigError
from tests.api.conftest import bearer

APP_ORIGIN = "https://app.staketrack.example"
TOKEN = "metrics-token-0123456789abcdef"


def _preflight(origin: str, method: str = "POST", headers: str = "content-type") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_a_preflight_from_the_app_origin_is_allowed_with_credentials(
    start_app: Any,
) -> None:
    async with start_app(app_origin=APP_ORIGIN) as (_, client):
        response = await client.options(
            "/api/auth/siwe", headers=_preflight(APP_ORIGIN, headers="content-type,x-csrf-token")
        )
        read = await client.get("/api/health", headers={"Origin": APP_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed and "x-csrf-token" in allowed
    assert read.headers["access-control-allow-origin"] == APP_ORIGIN
    assert read.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in read.headers["access-control-expose-headers"].lower()


async def test_other_origins_get_no_cors_headers(start_app: Any) -> None:
    async with start_app(app_origin=APP_ORIGIN) as (_, client):
        preflight = await client.options(
            "/api/auth/siwe", headers=_preflight("https://evil.example")
        )
        read = await client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert preflight.status_code == 405  # not a preflight we answer: OPTIONS is no route
    for response in (preflight, read):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
        assert "origin" in response.headers["vary"].lower()
    assert read.status_code == 200


async def test_cors_origins_lists_the_allowed_origins(start_app: Any) -> None:
    other = "http://localhost:5173"
    async with start_app(app_origin=APP_ORIGIN, cors_origins=f"{other}, {APP_ORIGIN}/") as (
        _,
        client,
    ):
        answers = {
            origin: await client.options("/api/me", headers=_preflight(origin, "GET"))
            for origin in (other, APP_ORIGIN, "https://elsewhere.example")
        }
    assert answers[other].headers["access-control-allow-origin"] == other
    assert answers[APP_ORIGIN].headers["access-control-allow-origin"] == APP_ORIGIN
    assert "access-control-allow-origin" not in answers["https://elsewhere.example"].headers


async def test_errors_carry_cors_headers_so_the_spa_can_read_them(start_app: Any) -> None:
    async with start_app(app_origin=APP_ORIGIN) as (_, client):
        unauthenticated = await client.get("/api/me", headers={"Origin": APP_ORIGIN})
        too_big = await client.post(
            "/api/auth/email",
            content=b"{" + b" " * 70_000 + b"}",
            headers={"Origin": APP_ORIGIN, "Content-Type": "application/json"},
        )
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["access-control-allow-origin"] == APP_ORIGIN
    assert too_big.status_code == 413  # answered by the edge guard, inside CORS
    assert too_big.headers["access-control-allow-origin"] == APP_ORIGIN


@pytest.mark.parametrize("origins", ["*", "https://app.example/path", "app.example"])
def test_wildcards_and_non_origins_are_refused(make_settings: Any, origins: str) -> None:
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        make_settings(cors_origins=origins)


async def test_metrics_are_off_without_a_token(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.get("/api/metrics", headers=bearer(TOKEN))
    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")


async def test_metrics_need_the_token(start_app: Any) -> None:
    async with start_app(metrics_token=TOKEN) as (_, client):
        missing = await client.get("/api/metrics")
        wrong = await client.get("/api/metrics", headers=bearer(TOKEN[:-1] + "X"))
        basic = await client.get("/api/metrics", headers={"Authorization": f"Basic {TOKEN}"})
        await client.get("/api/health")
        right = await client.get("/api/metrics", headers=bearer(TOKEN))
    assert [r.status_code for r in (missing, wrong, basic)] == [401, 401, 401]
    assert all(r.json()["code"] in {"UNAUTHORIZED", "INVALID_TOKEN"} for r in (missing, wrong))
    assert TOKEN not in wrong.text
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain")
    assert "staketrack_cache_lookups" in right.text or "# HELP" in right.text


def test_an_empty_metrics_token_means_off(make_settings: Any) -> None:
    assert make_settings(metrics_token="").metrics_token is None
