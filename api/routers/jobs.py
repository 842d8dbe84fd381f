"""Job status, e.g. the first positions fetch after linking a wallet."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from api.deps import JobQueueDep
from api.schemas.common import ApiModel, Envelope, ok
from api.security import CurrentPrincipal
from domain.errors import NotFound
from domain.ports import JobStatus

router = APIRouter(prefix="/api/jobs", tags=["jobs"])  # limited per user at authentication


class JobOut(ApiModel):
    id: str
    status: JobStatus
    error: str | None = None
    finished_at: datetime | None = None


@router.get("/{job_id}", summary="Status of a background job")
async def job(job_id: str, principal: CurrentPrincipal, jobs: JobQueueDep) -> Envelope[JobOut]:
    info = await jobs.info(job_id)
    if info.status is JobStatus.NOT_FOUND:
        raise NotFound("No such job (or its result has expired).")
    # job results may hold other users' data: only the status is shown
    return ok(
        JobOut(id=info.id, status=info.status, error=info.error, finished_at=info.finished_at)
    )
