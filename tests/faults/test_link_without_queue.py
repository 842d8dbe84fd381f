"""Linking a wallet while the job queue's Redis is down: the wallet is committed and
the answer says its positions fetch was not started — never a 503 after the commit."""

from __future__ import annotations

from typing import Any

import pytest

from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet
from tests.faults.conftest import RedisProcess
from workers.arq_settings import ArqJobQueue


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_wallet_links_while_the_queue_is_down(
    start_app: Any, private_redis: RedisProcess, postgres_url: str, redis: Any, redis_url: str
) -> None:
    # the app's cache, nonces and limits on the test Redis; its job queue on a private
    # Redis that is stopped just before the link (an outage between nonce and enqueue)
    async with start_app(database_url=postgres_url, redis_url=redis_url) as running:
        client, app = running.client, running.app
        data = await sign_in(client, Wallet.new(Chain.ETH))
        client.cookies.clear()
        auth = bearer(data["accessToken"])
        started_queue = app.state.jobs
        app.state.jobs = await ArqJobQueue.connect(private_redis.url)
        await started_queue.close()
        wallet = Wallet.new(Chain.ETH)  # the free tier's one chain: not refused by the tier
        body = wallet.proof(await get_nonce(client))
        private_redis.stop()
        linked = await client.post("/api/me/wallets/eth", json=body, headers=auth)
        listed = (await client.get("/api/me/wallets", headers=auth)).json()["data"]
        events = running.events("positions_fetch_not_started")
    assert linked.status_code == 201, linked.text
    answer = linked.json()["data"]
    assert (answer["positionsFetch"], answer["positionsJobId"]) == ("not_started", None)
    assert [w["chain"] for w in listed] == ["eth", "eth"]  # committed all the same
    assert listed[1]["address"] == wallet.address
    assert len(events) == 1 and wallet.address not in str(events)
