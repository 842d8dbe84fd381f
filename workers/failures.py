"""A job's final failure (after all retries) goes to error_log for the operator."""

from __future__ import annotations

from services.pipeline import record_job_failure
from workers.context import JobDeps


async def record_final_failure(
    deps: JobDeps, job: str, job_id: str, error: BaseException, attempts: int
) -> None:
    await record_job_failure(deps.uow, job, job_id, error, attempts)
