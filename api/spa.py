"""The web app (the built SPA in `WEB_DIST`, default `frontend/dist`) on the API's origin.

- `/assets/…`: Vite's content-hashed files, cached for a year (`immutable`);
- `/calculator`: the public calculator's own entry (`calculator/index.html`);
- any other GET path outside `/api`: a file of the build when one has that name (e.g.
  `/theme-init.js`), else `index.html` so client routes (`/dashboard`, `/signin`) load;
- HTML is never cached (`no-cache`): a new build is picked up on the next load, and it
  carries a Content-Security-Policy that allows only this origin's scripts (plus
  Cloudflare Turnstile's, for the sign-in challenge).

`/api/…` is never answered here: unknown API paths keep their JSON 404. Without a build
the pages answer 404 `WEB_NOT_BUILT` naming the command that builds it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import Scope

ASSET_CACHE = "public, max-age=31536000, immutable"
HTML_CACHE = "no-cache"
FILE_CACHE = "public, max-age=3600"
TURNSTILE = "https://challenges.cloudflare.com"
CSP = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' {TURNSTILE}",
        # RainbowKit and the wallet modals set inline styles
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        f"frame-src {TURNSTILE}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _html(path: Path) -> FileResponse:
    return FileResponse(
        path,
        media_type="text/html; charset=utf-8",
        headers={
            "Cache-Control": HTML_CACHE,
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        },
    )


def _inside(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root`, or None (missing, a folder, or outside)."""
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


class _OutsideApi(Route):
    """A route that never matches `/api` or below: API paths keep the API's own 404/405."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope.get("path", "")
        if scope.get("type") == "http" and (path == "/api" or path.startswith("/api/")):
            return Match.NONE, {}
        return super().matches(scope)


def install_spa(app: FastAPI, dist: Path) -> None:
    """Serve the SPA from `dist` on every GET path the API routes do not claim."""
    root = dist.resolve()

    async def page(request: Request) -> Response:
        path: str = request.path_params.get("path", "")
        index = root / "index.html"
        if not index.is_file():
            return Response(
                content=(
                    '{"error":"The web app is not built: run `make run` (or `make web`).",'
                    '"code":"WEB_NOT_BUILT","details":{}}'
                ),
                status_code=404,
                media_type="application/json",
            )
        if path.startswith("assets/"):
            asset = _inside(root, path)
            if asset is None:
                raise StarletteHTTPException(status_code=404)
            return FileResponse(asset, headers={"Cache-Control": ASSET_CACHE})
        if path.rstrip("/") == "calculator":
            return _html(root / "calculator" / "index.html")
        if path and not path.endswith(".html"):
            found = _inside(root, path)
            if found is not None:
                return FileResponse(found, headers={"Cache-Control": FILE_CACHE})
        return _html(index)

    for route in ("/", "/{path:path}"):
        app.router.routes.append(
            _OutsideApi(route, page, methods=["GET", "HEAD"], include_in_schema=False)
        )
