"""The sign-in and session flows in production mode: PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import SIGN_IN_PATHS, Wallet

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def production(postgres_url: str, redis: Any, redis_url: str) -> dict[str, str]:
    return {"database_url": postgres_url, "redis_url": redis_url}


@pytest.mark.parametrize("chain", [Chain.ETH, Chain.SOL, Chain.ATOM])
async def test_sign_in_on_postgres_and_redis(
    start_app: Any, production: dict[str, str], chain: Chain
) -> None:
    wallet = Wallet.new(chain)
    async with start_app(**production) as (_, client):
        data = await sign_in(client, wallet)
        client.cookies.clear()
        me = await client.get("/api/me", headers=bearer(data["accessToken"]))
    assert me.json()["data"]["id"] == data["user"]["id"]


async def test_one_nonce_one_success_with_the_nonce_in_redis(
    start_app: Any, production: dict[str, str]
) -> None:
    wallet = Wallet.new(Chain.ETH)
    async with start_app(**production) as (_, client):
        body = wallet.proof(await get_nonce(client))
        responses = await asyncio.gather(
            *(client.post(f"/api/auth/{SIGN_IN_PATHS[Chain.ETH]}", json=body) for _ in range(20))
        )
    assert sorted(r.status_code for r in responses) == [200] + [401] * 19


async def test_refresh_reuse_revokes_the_family_on_postgres(
    start_app: Any, production: dict[str, str]
) -> None:
    async with start_app(**production) as (_, client):
        await sign_in(client, Wallet.new(Chain.SOL))
        original = client.cookies["st_refresh"]

        async def refresh(token: str) -> Any:
            client.cookies.clear()
            headers = {"Cookie": f"st_refresh={token}; st_csrf=c", "X-CSRF-Token": "c"}
            return await client.post("/api/auth/refresh", headers=headers)

        racing = await asyncio.gather(refresh(original), refresh(original))
        statuses = sorted(r.status_code for r in racing)
        winner = next(r for r in racing if r.status_code == 200)
        after = await refresh(winner.cookies["st_refresh"])
    assert statuses == [200, 401]  # two uses of one token: one wins, the family dies
    assert after.status_code == 401


async def test_account_deletion_on_postgres(start_app: Any, production: dict[str, str]) -> None:
    async with start_app(**production) as (app, client):
        data = await sign_in(client, Wallet.new(Chain.ATOM))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        await client.post("/api/me/api-keys", json={"name": "bot"}, headers=auth)
        deleted = await client.request(
            "DELETE", "/api/me", json={"confirm": "DELETE"}, headers=auth
        )
        user_id = data["user"]["id"]
        async with app.state.resources.engine.connect() as connection:
            remaining = {
                table: (
                    await connection.execute(
                        text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": user_id}
                    )
                ).scalar_one()
                for table, column in (
                    ("users", "id"),
                    ("linked_wallets", "user_id"),
                    ("refresh_tokens", "user_id"),
                    ("api_keys", "user_id"),
                )
            }
    assert deleted.status_code == 200
    assert set(remaining.values()) == {0}
