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

from fastapi import APIRouter, Request
from pydantic import ValidationError

from api.deps import JobQueueDep, ResourcesDep
from api.schemas.common import ApiModel, MetaEnvelope, NoMeta, RequestModel, one
from domain.errors import AuthenticationFailed, InvalidInput, NotFound
from domain.models import Chain
from services import pipeline
from services.job_ids import TriggerStep

router = APIRouter(prefix="/api/cron", tags=["cron"])
WINDOW_SECONDS = 300
SIGNATURE_VERSION = "v2"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII only: str.isdigit() also takes "²"


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
    step: TriggerStep,  # services/job_ids.py: `fetch` is the whole pipeline
    request: Request,
    resources: ResourcesDep,
    jobs: JobQueueDep,
) -> MetaEnvelope[CronOut, NoMeta]:
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

    from workers.jobs import JOBS

    chains = [payload.chain] if payload.chain else list(Chain)
    now = datetime.now(UTC)
    refs = pipeline.trigger_ids(step, chains, now)
    if refs[0].name not in JOBS:
        raise NotFound(f"The {step} step is not available yet.")
    fresh = await resources.keystore.put(
        f"cron-delivery:{hashlib.sha256(signature.encode()).hexdigest()}", "1", 2 * WINDOW_SECONDS
    )
    if not fresh:
        return one(CronOut(step=step, job_ids=[ref.id for ref in refs], duplicate=True))
    # the schedule's job and id: `fetch` starts this hour's whole pipeline (fetch → vrs →
    # yield → later steps), the very job the hourly tick starts, so the two run it once
    return one(CronOut(step=step, job_ids=await pipeline.trigger(jobs, step, chains, now)))
