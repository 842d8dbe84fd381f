"""Signed triggers from an external scheduler: `POST /api/cron/{step}`.

Headers `X-Staketrack-Timestamp` (unix seconds) and
`X-Staketrack-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>`, any key of
CRON_HMAC_KEYS (newest first, for rotation), compared in constant time, ±300 s. A
delivery replayed within the window has no second effect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import ValidationError

from api.deps import JobQueueDep, ResourcesDep
from api.schemas.common import ApiModel, Envelope, RequestModel, ok
from domain.errors import AuthenticationFailed, InvalidInput, NotFound
from domain.models import Chain
from workers.ids import Period, job_id

router = APIRouter(prefix="/api/cron", tags=["cron"])
WINDOW_SECONDS = 300
# step -> (job name, period of its deterministic id)
STEPS: dict[str, tuple[str, Period]] = {
    "fetch": ("fetch_chain", Period.HOUR),
    "metrics": ("fetch_metrics", Period.DAY),
    "vrs": ("compute_vrs", Period.HOUR),
    "yield": ("compute_yield", Period.HOUR),
    "alerts": ("check_alerts", Period.HOUR),
}


class CronIn(RequestModel):
    chain: Chain | None = None


class CronOut(ApiModel):
    step: str
    job_ids: list[str]
    duplicate: bool = False


def _valid_signature(keys: list[str], timestamp: str, body: bytes, header: str) -> bool:
    version, _, signature = header.partition("=")
    if version != "v1" or not signature:
        return False
    message = timestamp.encode() + b"." + body
    matches = [
        hmac.compare_digest(hmac.new(key.encode(), message, hashlib.sha256).hexdigest(), signature)
        for key in keys  # every key is tried: the time taken does not reveal which matched
    ]
    return any(matches)


@router.post("/{step}", status_code=202, summary="Trigger a pipeline step (HMAC-signed)")
async def trigger(
    step: Literal["fetch", "metrics", "vrs", "yield", "alerts"],
    request: Request,
    resources: ResourcesDep,
    jobs: JobQueueDep,
) -> Envelope[CronOut]:
    keys = [k.get_secret_value() for k in resources.settings.cron_hmac_keys]
    timestamp = request.headers.get("x-staketrack-timestamp", "")
    signature = request.headers.get("x-staketrack-signature", "")
    body = await request.body()
    if not keys:
        raise AuthenticationFailed("Cron triggers are disabled (CRON_HMAC_KEYS is empty).")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > WINDOW_SECONDS:
        raise AuthenticationFailed("Missing or stale X-Staketrack-Timestamp.")
    if not _valid_signature(keys, timestamp, body, signature):
        raise AuthenticationFailed("Missing or invalid X-Staketrack-Signature.")
    try:
        payload = CronIn.model_validate(json.loads(body or b"{}"))
    except (ValueError, ValidationError) as exc:
        raise InvalidInput('Body must be {"chain": "eth" | "sol" | "atom" | null}.') from exc

    name, period = STEPS[step]
    from workers.jobs import JOBS

    if name not in JOBS:
        raise NotFound(f"The {step} step is not available yet.")
    chains = [payload.chain] if payload.chain else list(Chain)
    now = datetime.now(UTC)
    ids = [job_id(step, chain.value, now, period) for chain in chains]
    fresh = await resources.keystore.put(
        f"cron-delivery:{hashlib.sha256(signature.encode()).hexdigest()}", "1", 2 * WINDOW_SECONDS
    )
    if not fresh:
        return ok(CronOut(step=step, job_ids=ids, duplicate=True))
    for chain, jid in zip(chains, ids, strict=True):
        await jobs.enqueue(name, jid, {"chain": chain.value})
    return ok(CronOut(step=step, job_ids=ids))
