"""When the seed marker holds the pipeline's VRS step back: started and not ended, and
renewed within SEED_STALE_AFTER."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.chains import ChainSync
from domain.models import Chain
from services.seed_lock import SEED_STALE_AFTER, SEED_STEP, holds

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def sync(**times: datetime | None) -> ChainSync:
    return ChainSync(Chain.SOL, SEED_STEP, **times)  # type: ignore[arg-type]


def test_a_running_seed_holds() -> None:
    assert holds(sync(last_attempt_at=NOW - MINUTE), NOW)
    # renewed after an earlier seed that ended (or failed)
    assert holds(sync(last_attempt_at=NOW - MINUTE, last_success_at=NOW - 60 * MINUTE), NOW)
    assert holds(sync(last_attempt_at=NOW - MINUTE, last_error_at=NOW - 60 * MINUTE), NOW)


def test_an_ended_failed_stale_or_absent_seed_does_not() -> None:
    assert not holds(None, NOW)
    assert not holds(sync(), NOW)
    assert not holds(sync(last_attempt_at=NOW - MINUTE, last_success_at=NOW - MINUTE), NOW)
    assert not holds(sync(last_attempt_at=NOW - 2 * MINUTE, last_error_at=NOW - MINUTE), NOW)
    assert not holds(sync(last_attempt_at=NOW - SEED_STALE_AFTER), NOW)
    assert holds(sync(last_attempt_at=NOW - SEED_STALE_AFTER + MINUTE), NOW)
