"""Browser access: CORS for the SPA's origins (CORS_ORIGINS, default APP_ORIGIN).

Credentials (the session cookies) are allowed, so origins are exact — never `*` —
and any other origin gets no CORS headers at all (its browser then refuses to read
the answer). The middleware is the outermost layer: a preflight is answered before
the edge guard and the routes, and every answer — errors from the edge guard, rate
limits, even the last-resort 500 — carries the headers the browser needs to read it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

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


class ExactOriginCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, except that a request from an origin that is not allowed gets
    no CORS header at all (Starlette would still send Allow-Credentials and
    Expose-Headers, and answer its preflight 400 with the allowed methods): it goes to
    the app as if it had no Origin (a preflight then meets 405), marked `Vary: Origin`
    so no shared cache hands that answer to an allowed origin."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            origin = Headers(scope=scope).get("origin")
            if origin is not None and not self.is_allowed_origin(origin=origin):

                async def send_varying(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        MutableHeaders(scope=message).add_vary_header("Origin")
                    await send(message)

                await self.app(scope, receive, send_varying)
                return
        await super().__call__(scope, receive, send)


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Add last: Starlette runs the last-added middleware first (outermost)."""
    app.add_middleware(
        ExactOriginCORSMiddleware,
        allow_origins=settings.effective_cors_origins,
        allow_credentials=True,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
