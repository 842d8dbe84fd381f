"""Job handles: what a caller gets to poll a job it started.

Internal job ids stay deterministic (one id per step, chain and period, so a duplicate
trigger is a no-op) and are therefore guessable: the API never takes them as the lookup
key. The caller gets a handle instead,

    <job id, base64url> "." <HMAC-SHA256(SECRET_KEY, context | user id | job id), 128 bits>

bound to the user it was issued to. `GET /api/jobs/{handle}` answers only that user;
a guessed id, a tampered handle or another user's handle is 404, exactly like a job
that does not exist (no 403: nothing to enumerate). Stateless: no store to keep.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid

from infrastructure.settings import Settings

_CONTEXT = b"staketrack job handle v1\x00"
_TAG_BYTES = 16
MAX_HANDLE_LENGTH = 400


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(settings: Settings, user_id: uuid.UUID, job_id: str) -> bytes:
    assert settings.secret_key is not None  # load_settings() always fills it
    key = settings.secret_key.get_secret_value().encode()
    message = _CONTEXT + user_id.bytes + job_id.encode()  # user id: fixed 16 bytes
    return hmac.new(key, message, hashlib.sha256).digest()[:_TAG_BYTES]


def issue_job_handle(settings: Settings, user_id: uuid.UUID, job_id: str) -> str:
    return f"{_b64(job_id.encode())}.{_b64(_tag(settings, user_id, job_id))}"


def open_job_handle(settings: Settings, user_id: uuid.UUID, handle: str) -> str | None:
    """The job id behind `handle` if it was issued to `user_id`, else None."""
    if len(handle) > MAX_HANDLE_LENGTH or handle.count(".") != 1:
        return None
    encoded_id, encoded_tag = handle.split(".")
    try:
        job_id = _unb64(encoded_id).decode()
        tag = _unb64(encoded_tag)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(tag, _tag(settings, user_id, job_id)):
        return None
    return job_id
