"""`staketrack serve` believes X-Forwarded-For only from FORWARDED_ALLOW_IPS (empty by
default): a made-up header cannot give a client a fresh rate-limit allowance.

The uvicorn Config is the one `_serve` really builds (its server is stopped before it
binds a socket); requests then go through `config.loaded_app` — the app with whatever
proxy-header middleware uvicorn wraps it in — from a loopback client address.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.cli import _serve, proxy_header_options
from infrastructure.settings import ConfigError
from tests.api.conftest import Logs

PUBLIC_LIMITED = "/api/vrs/methodology"  # rate limited per client IP


async def _served_config(settings: Any, monkeypatch: pytest.MonkeyPatch) -> uvicorn.Config:
    """The Config `staketrack serve` hands to uvicorn, captured instead of served (in a
    thread: uvicorn runs its own event loop)."""
    seen: list[uvicorn.Config] = []

    async def capture(self: uvicorn.Server, sockets: Any = None) -> None:
        seen.append(self.config)
        self.started = True  # uvicorn.run exits with an error otherwise

    monkeypatch.setattr(uvicorn.Server, "serve", capture)
    await asyncio.to_thread(_serve, settings)
    [config] = seen
    if not config.loaded:
        config.load()
    return config


@asynccontextmanager
async def _through_uvicorn(
    config: uvicorn.Config, client_ip: str = "127.0.0.1"
) -> AsyncIterator[httpx.AsyncClient]:
    app = config.app  # the FastAPI app: run its lifespan, send requests through uvicorn's stack
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=config.loaded_app, client=(client_ip, 51000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _statuses(client: httpx.AsyncClient, count: int) -> list[int]:
    return [
        (
            await client.get(PUBLIC_LIMITED, headers={"X-Forwarded-For": f"203.0.113.{i}"})
        ).status_code
        for i in range(count)
    ]


@pytest.fixture
def serve_settings(
    make_settings: Any, migrated_template: Path, logs: Logs, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Settings for `_serve` on a migrated SQLite copy; uvicorn's own environment variable
    set to trust everyone, to prove it is not what decides."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")

    def build(**overrides: Any) -> Any:
        settings = make_settings(rate_limit_default="3/minute", **overrides)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_template, settings.data_dir / "staketrack.db")
        return settings

    return build


def test_the_default_trusts_no_proxy(make_settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    settings = make_settings()
    assert settings.forwarded_allow_ips == []
    assert proxy_header_options(settings) == {"proxy_headers": False, "forwarded_allow_ips": []}


def test_forwarded_allow_ips_is_read_and_checked(
    make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.1, 192.168.0.0/16,::1")
    assert make_settings().forwarded_allow_ips == ["10.0.0.1", "192.168.0.0/16", "::1"]
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "proxy.internal")
    with pytest.raises(ConfigError, match="FORWARDED_ALLOW_IPS") as raised:
        make_settings()
    assert "proxy.internal" not in str(raised.value)  # never the value


async def test_a_made_up_forwarded_for_from_loopback_changes_nothing(
    serve_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = await _served_config(serve_settings(forwarded_allow_ips=[]), monkeypatch)
    assert not isinstance(config.loaded_app, ProxyHeadersMiddleware)
    async with _through_uvicorn(config) as client:
        statuses = await _statuses(client, 4)
    assert statuses == [200, 200, 200, 429]  # one client, one allowance, whatever it claims


async def test_a_listed_proxy_is_believed(
    serve_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = await _served_config(serve_settings(forwarded_allow_ips=["127.0.0.1"]), monkeypatch)
    async with _through_uvicorn(config) as client:
        statuses = await _statuses(client, 4)  # four different clients behind the proxy
    assert statuses == [200, 200, 200, 200]


async def test_an_unlisted_peer_is_not_believed(
    serve_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = await _served_config(serve_settings(forwarded_allow_ips=["10.9.8.7"]), monkeypatch)
    async with _through_uvicorn(config, client_ip="127.0.0.1") as client:
        statuses = await _statuses(client, 4)
    assert statuses == [200, 200, 200, 429]
