"""Sessions: issue an access JWT + rotating refresh token, rotate with reuse
detection, end a session; and the cookies the SPA carries them in."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from starlette.responses import Response

from api import principal_cache
from domain.errors import InvalidToken, TokenReused
from domain.models import User
from domain.ports import Cache
from infrastructure.auth.tokens import (
    ACCESS_TTL,
    REFRESH_TTL,
    hash_secret,
    issue_access_token,
    new_opaque_token,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.settings import Settings

ACCESS_COOKIE = "st_access"
REFRESH_COOKIE = "st_refresh"
CSRF_COOKIE = "st_csrf"
CSRF_HEADER = "X-CSRF-Token"
REFRESH_COOKIE_PATH = "/api/auth"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    user: User
    access_token: str
    expires_at: datetime
    refresh_token: str
    session_id: uuid.UUID


def _secret(settings: Settings) -> str:
    assert settings.secret_key is not None  # load_settings() always fills it
    return settings.secret_key.get_secret_value()


async def _issue(
    uow: SqlUnitOfWork, settings: Settings, user: User, family: uuid.UUID, now: datetime
) -> IssuedSession:
    refresh = new_opaque_token()
    await uow.refresh_tokens.add(
        user_id=user.id,
        family_id=family,
        token_hash=hash_secret(refresh),
        expires_at=now + REFRESH_TTL,
    )
    access, expires_at = issue_access_token(
        _secret(settings), user_id=user.id, session_id=family, tier=user.tier, now=now
    )
    return IssuedSession(user, access, expires_at, refresh, family)


async def start_session(
    uow: SqlUnitOfWork, settings: Settings, user: User, now: datetime
) -> IssuedSession:
    return await _issue(uow, settings, user, uuid.uuid4(), now)


async def _revoke(
    uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, family: uuid.UUID, now: datetime
) -> None:
    await uow.refresh_tokens.revoke_family(family, now)
    await principal_cache.forget(cache, user_id, family)


async def rotate_session(
    uow: SqlUnitOfWork, settings: Settings, cache: Cache, refresh_token: str, now: datetime
) -> IssuedSession:
    """Trade a refresh token for a new pair. Presenting an already-rotated token
    revokes its whole family (it was stolen, or the client is confused) — the caller
    must commit that revocation even though this raises `TokenReused`."""
    token = await uow.refresh_tokens.find(hash_secret(refresh_token))
    if token is None:
        raise InvalidToken("Unknown refresh token.")
    if token.used_at is not None or token.revoked_at is not None:
        await _revoke(uow, cache, token.user_id, token.family_id, now)
        raise TokenReused()
    # a concurrent reuse may have revoked the family before this token was committed
    if await uow.refresh_tokens.family_revoked(token.family_id):
        raise TokenReused()
    if token.expires_at <= now:
        raise InvalidToken("The refresh token has expired; sign in again.")
    if not await uow.refresh_tokens.mark_used(token.id, now):  # lost a concurrent race
        await _revoke(uow, cache, token.user_id, token.family_id, now)
        raise TokenReused()
    user = await uow.users.get(token.user_id)
    if user is None:
        raise InvalidToken()
    return await _issue(uow, settings, user, token.family_id, now)


async def end_session(
    uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> None:
    await _revoke(uow, cache, user_id, session_id, now)


def _secure(settings: Settings) -> bool:
    host = urlsplit(settings.effective_app_origin).hostname or ""
    return host not in {"localhost", "127.0.0.1", "::1"}


def set_session_cookies(response: Response, settings: Settings, session: IssuedSession) -> None:
    secure = _secure(settings)
    response.set_cookie(
        ACCESS_COOKIE,
        session.access_token,
        max_age=int(ACCESS_TTL.total_seconds()),
        path="/api",
        httponly=True,
        secure=secure,
        samesite="lax",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        session.refresh_token,
        max_age=int(REFRESH_TTL.total_seconds()),
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        secure=secure,
        samesite="lax",
    )
    # double-submit CSRF token: readable by the SPA, echoed in the X-CSRF-Token header
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        max_age=int(REFRESH_TTL.total_seconds()),
        path="/",
        httponly=False,
        secure=secure,
        samesite="lax",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    secure = _secure(settings)
    for name, path in (
        (ACCESS_COOKIE, "/api"),
        (REFRESH_COOKIE, REFRESH_COOKIE_PATH),
        (CSRF_COOKIE, "/"),
    ):
        response.delete_cookie(
            name, path=path, secure=secure, httponly=name != CSRF_COOKIE, samesite="lax"
        )
