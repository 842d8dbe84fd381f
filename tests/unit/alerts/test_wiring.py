"""The alert steps are wired: the pipeline's last step, jobs of both runners, the signed
triggers, the monthly cleanup on the 1st."""

from datetime import UTC, datetime

from services import job_ids
from workers.jobs import JOBS
from workers.jobs.alerts import check_alerts, prune_alert_history
from workers.jobs.pipeline import AFTER_FETCH
from workers.schedule import SCHEDULE


def test_alerts_run_last_in_the_pipeline_and_are_jobs() -> None:
    assert [step for step, _ in AFTER_FETCH] == ["vrs", "yield", "alerts"]
    assert AFTER_FETCH[-1][1] is check_alerts is JOBS["check_alerts"]
    assert JOBS["prune_alert_history"] is prune_alert_history


def test_signed_steps_and_the_monthly_cleanup() -> None:
    at = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)
    assert job_ids.trigger("alerts", "sol", at) == job_ids.JobRef(
        "check_alerts", "alerts:sol:2026-12-03T16"
    )
    cleanup = {job_ids.trigger("alerts-cleanup", chain, at) for chain in ("eth", "sol", "atom")}
    assert cleanup == {job_ids.JobRef("prune_alert_history", "alert-history:all:2026-12")}
    (entry,) = [e for e in SCHEDULE if e.job == "prune_alert_history"]
    assert entry.next_run(at) == datetime(2027, 1, 1, 3, 40, tzinfo=UTC)
