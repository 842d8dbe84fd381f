"""Session and API-key secrets: JWT access tokens (pyjwt, HS256 pinned), opaque
refresh tokens and magic-link tokens, and the `stk_` API-key format.

Opaque secrets are 32 random bytes; only their SHA-256 is stored (they carry
256 bits of entropy, so a plain hash is not brute-forceable).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from domain.errors import InvalidToken

ALGORITHM = "HS256"
ISSUER = "staketrack"
AUDIENCE = "staketrack-api"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
MAGIC_LINK_TTL = timedelta(minutes=15)

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
API_KEY_PREFIX = "stk_"
_KEY_ID_LEN = 8
_KEY_SECRET_LEN = 32
_KEY_CHECK_LEN = 6


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID  # the refresh-token family; revoking it ends the session at once
    jti: str
    expires_at: datetime


def issue_access_token(
    key: str, *, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> tuple[str, datetime]:
    """An access JWT naming the user and the session, nothing else about the account:
    no tier or role claim (every tier decision reads the server's current record, so a
    tier change is seen by the very next request, not at the next refresh). Tokens
    issued before carry a `tier` claim; it is ignored."""
    expires_at = now + ACCESS_TTL
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_hex(16),
        "typ": "access",
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM), expires_at


LEEWAY = timedelta(seconds=10)


def decode_access_token(key: str, token: str, *, now: datetime | None = None) -> AccessClaims:
    """Verify an access token. A token already verified is not verified again (its
    signature and claims cannot have changed); its expiry is checked on every call."""
    claims = _verified_claims(key, token)
    if (now or datetime.now(UTC)) >= claims.expires_at + LEEWAY:
        raise InvalidToken("The access token has expired.")
    return claims


@lru_cache(maxsize=16_384)  # exceptions are not cached: a bad token is checked every time
def _verified_claims(key: str, token: str) -> AccessClaims:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # pinned: 'none' and every other algorithm are refused
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["sub", "sid", "iss", "aud", "iat", "exp", "jti", "typ"]},
            leeway=LEEWAY,
        )
        if claims["typ"] != "access":
            raise InvalidToken("Not an access token.")
        return AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            session_id=uuid.UUID(claims["sid"]),
            jti=claims["jti"],
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("The access token has expired.") from exc
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken() from exc


# --- API keys: stk_<8 id><32 secret><6 checksum>, base62 ---------------------------


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), _KEY_CHECK_LEN)


def _random_base62(length: int) -> str:
    return "".join(secrets.choice(_BASE62) for _ in range(length))


@dataclass(frozen=True, slots=True)
class NewApiKey:
    key: str  # shown once
    prefix: str  # stored, shown in listings: "stk_" + key id
    key_hash: bytes


def new_api_key() -> NewApiKey:
    body = _random_base62(_KEY_ID_LEN) + _random_base62(_KEY_SECRET_LEN)
    key = API_KEY_PREFIX + body + _checksum(body)
    return NewApiKey(
        key=key, prefix=key[: len(API_KEY_PREFIX) + _KEY_ID_LEN], key_hash=hash_secret(key)
    )


def parse_api_key(key: str) -> str:
    """The key's prefix, when the key is well-formed and its checksum matches
    (a mistyped key is refused without a database query)."""
    body_len = _KEY_ID_LEN + _KEY_SECRET_LEN
    if (
        not key.startswith(API_KEY_PREFIX)
        or len(key) != len(API_KEY_PREFIX) + body_len + _KEY_CHECK_LEN
        or any(ch not in _BASE62 for ch in key[len(API_KEY_PREFIX) :])
    ):
        raise InvalidToken("Malformed API key.")
    body = key[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + body_len]
    if not secrets.compare_digest(_checksum(body), key[-_KEY_CHECK_LEN:]):
        raise InvalidToken("API key checksum mismatch.")
    return key[: len(API_KEY_PREFIX) + _KEY_ID_LEN]
