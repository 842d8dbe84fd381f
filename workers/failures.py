"""A job's final failure (after all retries) goes to error_log for the operator."""

from __future__ import annotations

from infrastructure.db.models import ErrorLogRow
from infrastructure.logging import get_logger, redact
from infrastructure.resources import Resources

log = get_logger(__name__)


async def record_final_failure(
    resources: Resources, job: str, job_id: str, error: BaseException, attempts: int
) -> None:
    message = redact(f"{type(error).__name__}: {error}")
    log.error("job_failed_finally", job=job, job_id=job_id, attempts=attempts, error=message)
    try:
        async with resources.session_factory() as session, session.begin():
            session.add(
                ErrorLogRow(
                    source=f"job:{job}",
                    message=message,
                    details={"jobId": redact(job_id), "attempts": attempts},
                )
            )
    except Exception:  # the log line above is the record of last resort
        log.exception("error_log_write_failed", job=job)
