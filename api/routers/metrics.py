"""GET /api/metrics: Prometheus text for scrapers (the one route outside the JSON
envelope): cache lookups by entity and result, so the hit rate can be watched."""

from __future__ import annotations

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from api.deps import ResourcesDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(resources: ResourcesDep) -> Response:
    return Response(generate_latest(resources.reads.registry), media_type=CONTENT_TYPE_LATEST)
