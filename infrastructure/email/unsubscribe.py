"""One-click unsubscribe tokens: `<base64url payload>.<base64url HMAC-SHA256 tag>`.

A token names one alert (and its owner) and when it was issued; the tag (stdlib `hmac`,
a key derived from SECRET_KEY for this purpose only, so no other signed value of ours
passes as one) proves we issued it. Tokens live for `TOKEN_TTL` (a year): mail clients
fire RFC 8058 one-click POSTs long after delivery, and people unsubscribe from old
alerts; a leaked token can only switch off the one alert it names. The tag is checked
before the payload is decoded, in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

TOKEN_TTL = timedelta(days=365)
MAX_TOKEN_LENGTH = 256  # ours are ~130 characters
_PURPOSE = b"staketrack/alert-unsubscribe/v1"


class InvalidUnsubscribeToken(ValueError):
    """Tampered, made up, malformed or expired."""


@dataclass(frozen=True, slots=True)
class UnsubscribeClaim:
    alert_id: uuid.UUID
    user_id: uuid.UUID
    issued_at: datetime


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class UnsubscribeTokens:
    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()

    def _tag(self, payload: str) -> str:
        return _b64encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(self, alert_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> str:
        values = {"a": str(alert_id), "u": str(user_id), "t": int(now.timestamp())}
        payload = _b64encode(json.dumps(values, separators=(",", ":")).encode())
        return f"{payload}.{self._tag(payload)}"

    def verify(self, token: str, now: datetime) -> UnsubscribeClaim:
        payload, dot, tag = token.partition(".")
        if (
            len(token) > MAX_TOKEN_LENGTH
            or not token.isascii()
            or not dot
            or not hmac.compare_digest(self._tag(payload).encode(), tag.encode())
        ):
            raise InvalidUnsubscribeToken("bad tag")
        try:
            values = json.loads(_b64decode(payload))
            claim = UnsubscribeClaim(
                alert_id=uuid.UUID(values["a"]),
                user_id=uuid.UUID(values["u"]),
                issued_at=datetime.fromtimestamp(int(values["t"]), UTC),
            )
        except (binascii.Error, ValueError, KeyError, TypeError) as exc:
            raise InvalidUnsubscribeToken("bad payload") from exc
        if now - claim.issued_at > TOKEN_TTL:
            raise InvalidUnsubscribeToken("expired")
        return claim
