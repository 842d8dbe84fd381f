"""Access tokens: a verified token is remembered, but its expiry is checked every time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.errors import InvalidToken
from infrastructure.auth.tokens import ACCESS_TTL, decode_access_token, issue_access_token

KEY = "unit-test-secret-key-of-a-decent-length!!"


def _token(now: datetime) -> tuple[str, uuid.UUID]:
    user_id = uuid.uuid4()
    token, _ = issue_access_token(KEY, user_id=user_id, session_id=uuid.uuid4(), now=now)
    return token, user_id


def test_a_remembered_token_still_expires() -> None:
    now = datetime.now(UTC)
    token, user_id = _token(now)
    assert decode_access_token(KEY, token, now=now).user_id == user_id  # verified, remembered
    assert decode_access_token(KEY, token, now=now + ACCESS_TTL).user_id == user_id  # leeway
    with pytest.raises(InvalidToken, match="expired"):
        decode_access_token(KEY, token, now=now + ACCESS_TTL + timedelta(seconds=11))


def test_a_remembered_token_is_not_valid_under_another_key() -> None:
    token, _ = _token(datetime.now(UTC))
    decode_access_token(KEY, token)
    with pytest.raises(InvalidToken):
        decode_access_token("another-secret-key-of-a-decent-length!!", token)


def test_a_tampered_token_is_refused_after_the_genuine_one_passed() -> None:
    token, _ = _token(datetime.now(UTC))
    decode_access_token(KEY, token)
    claims = jwt.decode(token, options={"verify_signature": False})
    header, _, signature = token.split(".")
    forged_body = jwt.encode({**claims, "tier": "pro", "sub": str(uuid.uuid4())}, "x" * 40)
    forged = ".".join([header, forged_body.split(".")[1], signature])
    with pytest.raises(InvalidToken):
        decode_access_token(KEY, forged)


def test_the_token_carries_no_tier_and_an_old_tier_claim_is_ignored() -> None:
    """Tier decisions read the server's record: the JWT names the user and session only."""
    now = datetime.now(UTC)
    token, user_id = _token(now)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "tier" not in claims
    old = jwt.encode({**claims, "tier": "pro"}, KEY, algorithm="HS256")
    decoded = decode_access_token(KEY, old)
    assert decoded.user_id == user_id and not hasattr(decoded, "tier")
