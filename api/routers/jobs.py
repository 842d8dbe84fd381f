"""Job status, e.g. the first positions fetch after linking a wallet.

Looked up by the handle the caller was given (api/job_handles.py), never by the
internal, predictable job id: only the user who started the job can read its status;
anyone else gets 404, as for a job that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import JobQueueDep, ResourcesDep
from api.job_handles import open_job_handle
from api.schemas.common import ApiModel, MetaEnvelope, NoMeta, UtcDatetime, one
from api.security import CurrentPrincipal
from domain.errors import NotFound
from domain.ports import JobStatus

router = APIRouter(prefix="/api/jobs", tags=["jobs"])  # limited per user at authentication

_MISSING = "No such job (or its result has expired)."


class JobOut(ApiModel):
    id: str
    status: JobStatus
    error: str | None = None
    finished_at: UtcDatetime | None = None


@router.get("/{handle}", summary="Status of a background job you started (by its handle)")
async def job(
    handle: str, principal: CurrentPrincipal, jobs: JobQueueDep, resources: ResourcesDep
) -> MetaEnvelope[JobOut, NoMeta]:
    job_id = open_job_handle(resources.settings, principal.user.id, handle)
    if job_id is None:  # guessed, tampered or someone else's: indistinguishable from missing
        raise NotFound(_MISSING)
    info = await jobs.info(job_id)
    if info.status is JobStatus.NOT_FOUND:
        raise NotFound(_MISSING)
    # job results may hold other users' data: only the status is shown
    return one(
        JobOut(id=handle, status=info.status, error=info.error, finished_at=info.finished_at)
    )
