"""The yardstick for bench/api_read.py: the thinnest FastAPI app serving a cached read.

One route, `GET /minimal/{name}`, doing `await redis.get(key)` and returning the bytes
as JSON — no middleware, no authentication, no rate limit, no logging. bench/api_read.py
runs it as its own uvicorn process (same flags, same CPU as the app), against the same
Redis holding the same bytes, and reports the app's cached reads as a ratio of it.

    REDIS_URL=redis://127.0.0.1:6379/13 uvicorn --factory minimal_app:create_minimal_app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.responses import Response

MINIMAL_KEY = "staketrack:bench:minimal:"  # + the read's name (portfolio, validators, ...)


def create_minimal_app() -> FastAPI:
    redis = Redis.from_url(os.environ["REDIS_URL"])

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await redis.aclose()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/minimal/health")
    async def health() -> Response:
        return Response(b'{"ok":true}', media_type="application/json")

    @app.get("/minimal/{name}")
    async def read(name: str) -> Response:
        return Response(await redis.get(MINIMAL_KEY + name), media_type="application/json")

    return app
