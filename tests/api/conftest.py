"""An app per test, run through its lifespan, with its log lines captured."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from infrastructure.logging import configure_logging


class Logs:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]


@pytest.fixture
def logs() -> AsyncIterator[Logs]:
    captured = Logs()
    yield captured
    logging.getLogger().handlers.clear()


@pytest.fixture
def start_app(make_settings: Any, logs: Logs) -> Callable[..., Any]:
    """`async with start_app(**settings) as (app, client): ...`"""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def start(
        setup: Callable[[FastAPI], None] | None = None, **overrides: Any
    ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        settings = make_settings(**overrides)
        configure_logging(settings, stream=logs.stream)
        app = create_app(settings)
        if setup is not None:
            setup(app)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield app, client

    return start
