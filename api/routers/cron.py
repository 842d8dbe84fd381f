"""Signed triggers from an external scheduler: `POST /api/cron/{step}`.

Headers `X-Staketrack-Timestamp` (unix seconds, 1-12 ASCII digits) and
`X-Staketrack-Signature: v2=<hex HMAC-SHA256(key, "<timestamp>.<step>.<raw body>")>`, any
key of CRON_HMAC_KEYS (newest first, for rotation), compared in constant time, ±300 s.
The step is signed, so a captured delivery for one step cannot trigger another (the
chain is in the signed body). A delivery replayed within the window has no second effect.
`v1` signatures (which did not cover the step) are no longer accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
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
SIGNATURE_VERSION = "v2"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII only: str.isdigit() also takes "²"
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


def signed_message(timestamp: str, step: str, body: bytes) -> bytes:
    """What the HMAC covers: the time, the step and the raw body (with the chain)."""
    return f"{timestamp}.{step}.".encode() + body


def _fresh(timestamp: str) -> bool:
    return bool(_TIMESTAMP.fullmatch(timestamp)) and (
        abs(time.time() - int(timestamp)) <= WINDOW_SECONDS
    )


def _valid_signature(keys: list[str], message: bytes, header: str) -> bool:
    version, _, signature = header.partition("=")
    if version != SIGNATURE_VERSION or not signature:
        return False
    given = signature.encode("latin-1")  # bytes: compare_digest refuses non-ASCII str
    matches = [
        hmac.compare_digest(
            hmac.new(key.encode(), message, hashlib.sha256).hexdigest().encode(), given
        )
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
    if not _fresh(timestamp):
        raise AuthenticationFailed("Missing, malformed or stale X-Staketrack-Timestamp.")
    if not _valid_signature(keys, signed_message(timestamp, step, body), signature):
        raise AuthenticationFailed(
            f"Missing or invalid X-Staketrack-Signature ({SIGNATURE_VERSION}= over "
            '"<timestamp>.<step>.<raw body>").'
        )
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
