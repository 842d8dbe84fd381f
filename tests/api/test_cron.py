"""Signed cron triggers: valid, missing, tampered, wrong key, old, future or malformed
timestamps, a signature moved to another step, key rotation, replay; a triggered `fetch`
is the hourly pipeline itself (the schedule's job and id), and runs fetch, VRS and yield."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.ports import JobStatus
from infrastructure.db.models import VrsScoreRow, YieldSnapshotRow
from services import job_ids
from workers.context import JobDeps
from workers.jobs.pipeline import schedule_pipeline

KEYS = ["new-cron-key-0123456789abcdef", "old-cron-key-0123456789abcdef"]


def signed(
    step: str, body: dict[str, Any] | None, key: str = KEYS[0], at: float | None = None
) -> dict[str, Any]:
    """A delivery as the scheduler signs it: v2 over "<timestamp>.<step>.<raw body>"."""
    raw = json.dumps(body).encode() if body is not None else b""
    timestamp = str(int(at if at is not None else time.time()))
    message = f"{timestamp}.{step}.".encode() + raw
    digest = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    return {
        "content": raw,
        "headers": {
            "X-Staketrack-Timestamp": timestamp,
            "X-Staketrack-Signature": f"v2={digest}",
            "content-type": "application/json",
        },
    }


@pytest.fixture
def cron_app(start_app: Any) -> Any:
    return start_app(cron_hmac_keys=KEYS)


async def test_a_valid_trigger_enqueues_one_job_per_chain(cron_app: Any) -> None:
    async with cron_app as (app, client):
        response = await client.post("/api/cron/metrics", **signed("metrics", {"chain": "sol"}))
        everything = await client.post("/api/cron/metrics", **signed("metrics", {"chain": None}))
        data = response.json()["data"]
        infos = [await app.state.jobs.info(jid) for jid in everything.json()["data"]["jobIds"]]
    assert response.status_code == 202
    assert data["step"] == "metrics" and len(data["jobIds"]) == 1
    assert data["jobIds"][0].startswith("metrics:sol:")
    assert len(infos) == 3 and all(i.status is not JobStatus.NOT_FOUND for i in infos)


async def test_the_older_key_still_works_during_rotation(cron_app: Any) -> None:
    async with cron_app as (_, client):
        response = await client.post(
            "/api/cron/metrics", **signed("metrics", {"chain": "eth"}, key=KEYS[1])
        )
    assert response.status_code == 202


async def test_a_replayed_delivery_has_no_second_effect(cron_app: Any) -> None:
    delivery = signed("metrics", {"chain": "atom"})
    async with cron_app as (_, client):
        first = await client.post("/api/cron/metrics", **delivery)
        replay = await client.post("/api/cron/metrics", **delivery)
    assert first.json()["data"]["duplicate"] is False
    assert replay.status_code == 202 and replay.json()["data"]["duplicate"] is True


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d["headers"].pop("X-Staketrack-Signature"), id="no-signature"),
        pytest.param(lambda d: d["headers"].pop("X-Staketrack-Timestamp"), id="no-timestamp"),
        pytest.param(
            lambda d: d.update(content=d["content"].replace(b"sol", b"eth")), id="tampered-body"
        ),
        pytest.param(
            lambda d: d["headers"].update({"X-Staketrack-Signature": "v2=abc"}), id="bad-digest"
        ),
        pytest.param(
            lambda d: d["headers"].update(
                {"X-Staketrack-Signature": d["headers"]["X-Staketrack-Signature"][3:]}
            ),
            id="no-version",
        ),
        pytest.param(
            lambda d: d["headers"].update(
                {"X-Staketrack-Signature": "v1" + d["headers"]["X-Staketrack-Signature"][2:]}
            ),
            id="v1-label",
        ),
        pytest.param(
            lambda d: d["headers"].update(
                {"X-Staketrack-Signature": "v2=\u00b2".encode("latin-1")}
            ),
            id="non-ascii-signature",
        ),
    ],
)
async def test_missing_or_tampered_deliveries_are_401(cron_app: Any, tamper: Any) -> None:
    delivery = signed("metrics", {"chain": "sol"})
    tamper(delivery)
    async with cron_app as (_, client):
        response = await client.post("/api/cron/metrics", **delivery)
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("key", "offset"),
    [("not-our-key-0123456789abcdef", 0), (KEYS[0], -310), (KEYS[0], 310)],
    ids=["wrong-key", "old", "future"],
)
async def test_wrong_key_or_time_is_401(cron_app: Any, key: str, offset: int) -> None:
    async with cron_app as (_, client):
        response = await client.post(
            "/api/cron/metrics",
            **signed("metrics", {"chain": "sol"}, key=key, at=time.time() + offset),
        )
    assert response.status_code == 401


async def test_bad_bodies_and_steps(cron_app: Any) -> None:
    async with cron_app as (_, client):
        bad_chain = await client.post("/api/cron/metrics", **signed("metrics", {"chain": "btc"}))
        unknown = await client.post("/api/cron/reboot", **signed("reboot", {"chain": "sol"}))
        alerts = await client.post("/api/cron/alerts", **signed("alerts", {"chain": "sol"}))
        cleanup = await client.post("/api/cron/alerts-cleanup", **signed("alerts-cleanup", {}))
    assert (bad_chain.status_code, bad_chain.json()["code"]) == (422, "VALIDATION_ERROR")
    assert unknown.status_code == 422
    at = datetime.now(UTC)
    assert alerts.status_code == 202
    assert alerts.json()["data"]["jobIds"] == [job_ids.trigger("alerts", "sol", at).id]
    # the monthly cleanup is one job for all chains
    assert cleanup.status_code == 202
    assert cleanup.json()["data"]["jobIds"] == [job_ids.trigger("alerts-cleanup", "eth", at).id]


async def test_without_keys_cron_is_disabled(start_app: Any) -> None:
    async with start_app() as (_, client):
        response = await client.post("/api/cron/metrics", **signed("metrics", {"chain": "sol"}))
    assert response.status_code == 401


def _v1(body: dict[str, Any], at: float) -> dict[str, Any]:
    """The old scheme: HMAC over "<timestamp>.<raw body>" (the step not covered)."""
    raw = json.dumps(body).encode()
    timestamp = str(int(at))
    digest = hmac.new(KEYS[0].encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    return {
        "content": raw,
        "headers": {
            "X-Staketrack-Timestamp": timestamp,
            "X-Staketrack-Signature": f"v1={digest.hexdigest()}",
            "content-type": "application/json",
        },
    }


async def test_a_signature_for_one_step_cannot_trigger_another(cron_app: Any) -> None:
    captured = signed("metrics", {"chain": "sol"})
    async with cron_app as (app, client):
        moved = [
            await client.post(f"/api/cron/{step}", **captured) for step in ("fetch", "vrs", "yield")
        ]
        old_scheme = await client.post("/api/cron/fetch", **_v1({"chain": "sol"}, time.time()))
        now = datetime.now(UTC)
        not_queued = [
            (await app.state.jobs.info(job_ids.trigger(step, "sol", now).id)).status
            for step in ("fetch", "vrs", "yield")
        ]
        meant = await client.post("/api/cron/metrics", **captured)
    assert [(r.status_code, r.json()["code"]) for r in moved] == [(401, "UNAUTHORIZED")] * 3
    assert old_scheme.status_code == 401  # v1 signatures are no longer accepted
    assert not_queued == [JobStatus.NOT_FOUND] * 3
    assert meant.status_code == 202


@pytest.mark.parametrize(
    "timestamp",
    [
        "\u00b2",
        "1\u00b3",
        "\u00b9" * 10,
        "+{now}",
        " {now}",
        "{now} ",
        "-1",
        "1e9",
        "0x10",
        "{now}.0",
        "9" * 13,
        "",
        "{now}{now}",
    ],
)
async def test_malformed_timestamps_are_401_never_500(cron_app: Any, timestamp: str) -> None:
    now = str(int(time.time()))
    delivery = signed("metrics", {"chain": "sol"})
    value = timestamp.format(now=now)
    delivery["headers"]["X-Staketrack-Timestamp"] = value
    async with cron_app as (_, client):
        response = await client.post(
            "/api/cron/metrics",
            content=delivery["content"],
            headers={k: v.encode("latin-1") for k, v in delivery["headers"].items()},
        )
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHORIZED")


async def test_the_fetch_trigger_and_the_hourly_schedule_start_one_job(
    start_app: Any, backend: dict[str, str]
) -> None:
    """Same (step, chain, hour) -> the same job name and id from the cron tick and the
    signed trigger, so the second is a no-op (in-process queue, and arq on Redis)."""
    async with start_app(cron_hmac_keys=KEYS, **backend) as (app, client):
        deps = JobDeps.from_resources(app.state.resources, queue=app.state.jobs)
        for _ in range(2):  # twice only if the hour turned between the two calls
            hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            scheduled = await schedule_pipeline(deps, "sol")
            response = await client.post("/api/cron/fetch", **signed("fetch", {"chain": "sol"}))
            if datetime.now(UTC).replace(minute=0, second=0, microsecond=0) == hour:
                break
        expected = job_ids.pipeline("sol", hour)
        again = await app.state.jobs.enqueue(expected.name, expected.id, {"chain": "sol"})
    assert response.status_code == 202
    assert response.json()["data"]["jobIds"] == [scheduled] == [expected.id]
    assert expected.name == "pipeline" and expected.id == f"pipeline:sol:{hour:%Y-%m-%dT%H}"
    assert again is False  # that id is taken: the trigger queued nothing new


async def test_a_triggered_fetch_runs_the_whole_pipeline(start_app: Any) -> None:
    async with start_app(cron_hmac_keys=KEYS) as (app, client):
        response = await client.post("/api/cron/fetch", **signed("fetch", {"chain": "sol"}))
        (jid,) = response.json()["data"]["jobIds"]
        await app.state.jobs.drain()
        info = await app.state.jobs.info(jid)
        async with app.state.resources.session_factory() as session:
            scores = await session.scalar(
                select(func.count()).select_from(VrsScoreRow).where(VrsScoreRow.chain == "sol")
            )
            snapshots = await session.scalar(
                select(func.count())
                .select_from(YieldSnapshotRow)
                .where(YieldSnapshotRow.chain == "sol")
            )
    assert info.status is JobStatus.COMPLETE, info.error
    assert set(info.result) >= {"fetch", "vrs", "yield"}
    assert info.result["fetch"]["validators"] > 0
    assert scores > 0 and scores == info.result["vrs"]["inserted"]
    assert snapshots > 0 and snapshots == info.result["yield"]["snapshots"]
