"""GET /api/jobs/{id}: the SPA polls the first positions fetch of a linked wallet."""

from __future__ import annotations

from typing import Any

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet


async def test_a_linked_wallets_fetch_job_can_be_polled(start_app: Any) -> None:
    async with start_app() as (_, client):
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        wallet = Wallet.new(Chain.ATOM)
        linked = await client.post(
            "/api/me/wallets/atom", json=wallet.proof(await get_nonce(client)), headers=auth
        )
        job_id = linked.json()["data"]["positionsJobId"]
        status = await client.get(f"/api/jobs/{job_id}", headers=auth)
        missing = await client.get("/api/jobs/positions:atom:nope", headers=auth)
        anonymous = await client.get(f"/api/jobs/{job_id}")
    assert status.status_code == 200
    assert status.json()["data"]["id"] == job_id
    assert status.json()["data"]["status"] in {"complete", "failed", "running", "queued"}
    assert missing.status_code == 404
    assert anonymous.status_code == 401
