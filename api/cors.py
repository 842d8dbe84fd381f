"""Browser access: CORS for the SPA's origins (CORS_ORIGINS, default APP_ORIGIN).

Credentials (the session cookies) are allowed, so origins are exact — never `*` —
and any other origin gets no CORS headers at all (its browser then refuses to read
the answer). The middleware is the outermost layer: a preflight is answered before
the edge guard and the routes, and every answer — errors from the edge guard, rate
limits, even the last-resort 500 — carries the headers the browser needs to read it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from api.sessions import CSRF_HEADER
from infrastructure.settings import Settings

ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", CSRF_HEADER, "X-Request-ID"]
# what the SPA may read from an answer besides the CORS-safelisted headers
EXPOSED_HEADERS = [
    "X-Request-ID",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]
PREFLIGHT_MAX_AGE_SECONDS = 600


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Add last: Starlette runs the last-added middleware first (outermost)."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.effective_cors_origins,
        allow_credentials=True,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
