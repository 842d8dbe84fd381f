"""Wire models of the liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import ApiModel, LastError, UtcDatetime


class Health(ApiModel):
    status: str


class ChainReadinessOut(ApiModel):
    status: Literal["ok", "failing", "pending", "stale"] = Field(
        description="ok: the last pipeline run succeeded within 2 hours; failing: the last "
        "run failed, the data is still fresh; pending: never run, within 2 hours of start-up; "
        "stale: no successful run for more than 2 hours (degrades readiness)"
    )
    last_success_at: UtcDatetime | None = Field(
        description="Start of the last successful pipeline run (null: never)"
    )
    last_attempt_at: UtcDatetime | None
    last_error: LastError | None = Field(
        description="The last run's failure when it came after the last success: a stable "
        "code and a generic message, never the stored error text"
    )


class Readiness(ApiModel):
    status: Literal["ready", "degraded"] = Field(
        description="degraded: Redis is down or a chain is stale; the API still answers "
        "(with the last known data), so it stays in rotation"
    )
    checks: dict[str, str]
    jobs: Literal["ok", "failing", "stale", "unknown"] = Field(
        description="The job runner: ok; failing (alive, but a chain's pipeline is failing or "
        "stale); stale (no heartbeat: not running); unknown (Redis is down)"
    )
    chains: dict[str, ChainReadinessOut] = Field(description="Per chain: eth, sol, atom")
