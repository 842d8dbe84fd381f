"""The built SPA on the API's origin: hashed assets cached for a year, HTML never cached,
client routes fall back to index.html, the calculator has its own page, /api untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "calculator").mkdir()
    (root / "index.html").write_text("<!doctype html><title>app</title>")
    (root / "calculator" / "index.html").write_text("<!doctype html><title>calculator</title>")
    (root / "assets" / "app-abc123.js").write_text("console.log('app')")
    (root / "theme-init.js").write_text("/* theme */")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


async def test_client_routes_get_index_html_uncached_with_a_csp(start_app: Any, dist: Path) -> None:
    async with start_app(web_dist=dist) as (_, client):
        for path in ("/", "/dashboard", "/signin?next=%2Fdashboard", "/auth/verify?token=x"):
            response = await client.get(path)
            assert response.status_code == 200, path
            assert "<title>app</title>" in response.text
            assert response.headers["cache-control"] == "no-cache"
            assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_the_calculator_is_its_own_page(start_app: Any, dist: Path) -> None:
    async with start_app(web_dist=dist) as (_, client):
        for path in ("/calculator", "/calculator/", "/calculator?chain=sol&amount=10"):
            response = await client.get(path)
            assert "<title>calculator</title>" in response.text, path


async def test_hashed_assets_are_immutable_and_missing_ones_404(start_app: Any, dist: Path) -> None:
    async with start_app(web_dist=dist) as (_, client):
        asset = await client.get("/assets/app-abc123.js")
        missing = await client.get("/assets/app-gone.js")
        plain = await client.get("/theme-init.js")
        escape = await client.get("/assets/..%2F..%2Fsecret.txt")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert missing.status_code == 404  # never index.html for a missing script
    assert plain.text == "/* theme */" and "immutable" not in plain.headers["cache-control"]
    assert escape.status_code == 404 and "outside the build" not in escape.text


async def test_api_paths_keep_their_json_errors(start_app: Any, dist: Path) -> None:
    async with start_app(web_dist=dist) as (_, client):
        unknown = await client.get("/api/nothing-here")
        posted = await client.post("/api/nothing-here", json={})
        health = await client.get("/api/health")
        wrong_method = await client.post("/dashboard")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    assert posted.status_code == 404 and posted.json()["code"] == "NOT_FOUND"
    assert health.json()["data"]["status"] == "ok"
    assert wrong_method.status_code == 405


async def test_without_a_build_pages_say_how_to_build(start_app: Any, tmp_path: Path) -> None:
    async with start_app(web_dist=tmp_path / "no-dist") as (_, client):
        response = await client.get("/dashboard")
    assert response.status_code == 404
    assert response.json()["code"] == "WEB_NOT_BUILT"


def test_an_empty_web_dist_means_the_build_not_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from infrastructure.settings import load_settings

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_DIST", "")  # as copied from .env.example
    assert load_settings().web_dist.parts[-2:] == ("frontend", "dist")
