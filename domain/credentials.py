"""Secrets a user holds, as the services see them: sessions, refresh tokens, email links,
API keys, and a wallet's proof of ownership. Never the secrets' plain values once stored
(only their hashes), except in the values handed out exactly once (`IssuedSession`,
`CreatedApiKey`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.models import User


@dataclass(frozen=True, slots=True)
class RefreshToken:
    id: uuid.UUID
    user_id: uuid.UUID
    family_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class MagicLink:
    id: uuid.UUID
    email: str
    purpose: str
    user_id: uuid.UUID | None
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str
    key_hash: bytes
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    api_key: ApiKey
    key: str  # the full key: shown once, never stored


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new session (or a rotated one): the access JWT and the refresh token, once."""

    user: User
    access_token: str
    expires_at: datetime
    refresh_token: str
    session_id: uuid.UUID  # the refresh-token family


@dataclass(frozen=True, slots=True)
class WalletProof:
    """A signed sign-in message: `signer`/`pub_key` only for Cosmos (ADR-036)."""

    message: str
    signature: str
    signer: str | None = None
    pub_key: str | None = None
