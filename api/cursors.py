"""Signed paging cursors: `<base64url JSON payload>.<base64url HMAC-SHA256 tag>`.

A cursor names where the next page starts (the last row's sort key and address) and
the listing it belongs to. The tag (stdlib `hmac`, a key derived from SECRET_KEY for
this purpose only) proves we issued it, so a tampered or made-up cursor is refused
with 400 INVALID_CURSOR before the payload is even decoded — nothing an attacker
writes reaches a query or a cache key. The payload is also checked for shape, which
keeps a cursor issued for one sort from being used with another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from domain.errors import InvalidCursor

MAX_CURSOR_LENGTH = 512  # ours are ~100 characters
_PURPOSE = b"staketrack/paging-cursor/v1"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorSigner:
    def __init__(self, secret_key: str) -> None:
        # domain separation: the JWT key itself never signs cursors
        self._key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()

    def _tag(self, payload: str) -> str:
        return _b64encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def sign(self, values: dict[str, Any]) -> str:
        payload = _b64encode(json.dumps(values, separators=(",", ":")).encode())
        return f"{payload}.{self._tag(payload)}"

    def verify(self, cursor: str) -> dict[str, Any]:
        """The payload of a cursor we issued; InvalidCursor for anything else."""
        payload, dot, tag = cursor.partition(".")
        if (
            len(cursor) > MAX_CURSOR_LENGTH
            or not dot
            or not hmac.compare_digest(self._tag(payload).encode(), tag.encode())
        ):
            raise InvalidCursor(details={"field": "cursor"})
        try:
            values = json.loads(_b64decode(payload))
        except (binascii.Error, ValueError) as exc:  # only if SECRET_KEY signed garbage
            raise InvalidCursor(details={"field": "cursor"}) from exc
        if not isinstance(values, dict):
            raise InvalidCursor(details={"field": "cursor"})
        return values
