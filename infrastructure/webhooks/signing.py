"""Webhook signatures, made the way `/api/cron/*` triggers are verified (api/routers/cron.py).

Headers on every delivery:
    X-Staketrack-Event:     alert.fired | alert.resolved | ping
    X-Staketrack-Delivery:  the delivery's id (the same on every retry: dedupe on it)
    X-Staketrack-Timestamp: unix seconds
    X-Staketrack-Signature: v2=<hex HMAC-SHA256(secret, "<timestamp>.<event>.<raw body>")>

A receiver recomputes the HMAC over the raw body with its secret, compares in constant
time and refuses timestamps more than 300 s off (replays).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_VERSION = "v2"
TOLERANCE_SECONDS = 300


def signed_message(timestamp: str, event: str, body: bytes) -> bytes:
    return f"{timestamp}.{event}.".encode() + body


def signature(secret: str, timestamp: str, event: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), signed_message(timestamp, event, body), hashlib.sha256)
    return f"{SIGNATURE_VERSION}={digest.hexdigest()}"


def verify(secret: str, timestamp: str, event: str, body: bytes, header: str, now: float) -> bool:
    """What a receiver does (used by our tests' receiver; documented for users)."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, event, body).encode()
    return hmac.compare_digest(expected, header.encode("latin-1", "replace"))
