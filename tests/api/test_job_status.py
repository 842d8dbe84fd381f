"""GET /api/jobs/{handle}: the SPA polls the first positions fetch of a linked wallet.

Only the user who started a job can read its status, through the handle it was given;
internal job ids are predictable and are no lookup key (issue 10, finding 9)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from api.job_handles import issue_job_handle, open_job_handle
from domain.models import Chain
from tests.api.conftest import bearer, get_nonce, sign_in
from tests.api.wallets import Wallet


async def _link(client: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, Any]:
    wallet = Wallet.new(Chain.ATOM)
    linked = await client.post(
        "/api/me/wallets/atom", json=wallet.proof(await get_nonce(client)), headers=auth
    )
    assert linked.status_code == 201, linked.text
    data: dict[str, Any] = linked.json()["data"]
    return data


async def _user(client: httpx.AsyncClient) -> dict[str, str]:
    # an ATOM wallet first: the free tier links more wallets on its one chain
    data = await sign_in(client, Wallet.new(Chain.ATOM))
    client.cookies.clear()
    return bearer(data["accessToken"])


async def test_a_linked_wallets_fetch_job_can_be_polled(start_app: Any) -> None:
    async with start_app() as (_, client):
        auth = await _user(client)
        handle = (await _link(client, auth))["positionsJobId"]
        status = await client.get(f"/api/jobs/{handle}", headers=auth)
        missing = await client.get("/api/jobs/positions:atom:nope", headers=auth)
        anonymous = await client.get(f"/api/jobs/{handle}")
    assert status.status_code == 200
    assert status.json()["data"]["id"] == handle
    assert status.json()["data"]["status"] in {"complete", "failed", "running", "queued"}
    assert missing.status_code == 404
    assert anonymous.status_code == 401


async def test_only_the_user_who_started_a_job_can_read_it(start_app: Any) -> None:
    async with start_app() as (app, client):
        owner, other = await _user(client), await _user(client)
        handle = (await _link(client, owner))["positionsJobId"]
        settings = app.state.settings
        # the internal id behind the handle: deterministic, hence guessable
        owner_id = (await client.get("/api/me", headers=owner)).json()["data"]["id"]
        job_id = open_job_handle(settings, uuid.UUID(owner_id), handle)
        assert job_id is not None and job_id.startswith("positions:atom:")
        by_owner = await client.get(f"/api/jobs/{handle}", headers=owner)
        by_other = await client.get(f"/api/jobs/{handle}", headers=other)
        by_raw_id = await client.get(f"/api/jobs/{job_id}", headers=owner)
        tampered = handle[:-2] + ("AA" if not handle.endswith("AA") else "BB")
        by_tampered = await client.get(f"/api/jobs/{tampered}", headers=owner)
    assert by_owner.status_code == 200
    # someone else's job looks exactly like a job that does not exist: 404, same body
    assert by_other.status_code == 404 and by_raw_id.status_code == 404
    assert by_tampered.status_code == 404
    assert by_other.json() == by_raw_id.json() == by_tampered.json()


def test_handles_are_bound_to_user_and_job_and_refuse_junk(make_settings: Any) -> None:
    settings = make_settings()
    alice, bob = uuid.uuid4(), uuid.uuid4()
    handle = issue_job_handle(settings, alice, "pipeline:eth:2026-11-25T13")
    assert open_job_handle(settings, alice, handle) == "pipeline:eth:2026-11-25T13"
    assert open_job_handle(settings, bob, handle) is None
    other_key = make_settings(secret_key="another-secret-key-0123456789abcdefghij")
    assert open_job_handle(other_key, alice, handle) is None
    for junk in ["", ".", "a.b.c", "%%%.%%%", "x" * 1000, "pipeline:eth:2026-11-25T13"]:
        assert open_job_handle(settings, alice, junk) is None
