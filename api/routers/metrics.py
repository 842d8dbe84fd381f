"""GET /api/metrics: Prometheus text for scrapers (the one route outside the JSON
envelope): cache lookups by entity and result, so the hit rate can be watched.

Off unless METRICS_TOKEN is set (404, as for any unknown route); then it needs
`Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (401 otherwise).
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from api.deps import ResourcesDep
from api.schemas.common import ErrorBody
from domain.errors import AuthenticationFailed, InvalidToken, NotFound

router = APIRouter(prefix="/api", tags=["health"])


def _check_token(request: Request, expected: str | None) -> None:
    if expected is None:
        raise NotFound()
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise AuthenticationFailed("Use 'Authorization: Bearer <METRICS_TOKEN>'.")
    if not hmac.compare_digest(presented.strip().encode(), expected.encode()):
        raise InvalidToken("Wrong metrics token.")


@router.get(
    "/metrics",
    summary="Prometheus metrics (needs METRICS_TOKEN as a Bearer token; off when unset)",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        401: {"model": ErrorBody, "description": "Missing or wrong metrics token."},
        404: {"model": ErrorBody, "description": "METRICS_TOKEN is not set: the route is off."},
    },
)
async def metrics(request: Request, resources: ResourcesDep) -> Response:
    token = resources.settings.metrics_token
    _check_token(request, token.get_secret_value() if token is not None else None)
    return Response(generate_latest(resources.reads.registry), media_type=CONTENT_TYPE_LATEST)
