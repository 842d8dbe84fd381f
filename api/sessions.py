"""The cookies the SPA carries a session in (httpOnly access and refresh tokens, and the
double-submit CSRF token echoed in `X-CSRF-Token`). Sessions themselves are issued,
rotated and ended by `services/accounts.py`."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.responses import Response

from domain.credentials import IssuedSession
from infrastructure.auth.tokens import ACCESS_TTL, REFRESH_TTL
from infrastructure.settings import Settings

ACCESS_COOKIE = "st_access"
REFRESH_COOKIE = "st_refresh"
CSRF_COOKIE = "st_csrf"
CSRF_HEADER = "X-CSRF-Token"
REFRESH_COOKIE_PATH = "/api/auth"


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
