"""Readiness rules per chain (domain/readiness.py): the 2-hour line, the start-up grace
period of a fresh install, failures before and after the last success, and what the job
runner's state says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.chains import ChainSync
from domain.models import Chain
from domain.readiness import (
    PIPELINE_STEP,
    ChainStatus,
    chain_readiness,
    degraded,
    jobs_status,
    readiness_by_chain,
)

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
H = timedelta(hours=1)
LONG_AGO = NOW - 10 * H  # the process started long ago: no grace


def run(success: datetime | None = None, failure: datetime | None = None) -> ChainSync:
    attempts = [t for t in (success, failure) if t is not None]
    return ChainSync(
        chain=Chain.SOL,
        step=PIPELINE_STEP,
        last_attempt_at=max(attempts) if attempts else None,
        last_success_at=success,
        last_error="ChainUnavailable: solana-rpc unavailable" if failure else None,
        last_error_at=failure,
    )


@pytest.mark.parametrize(
    ("record", "started", "expected"),
    [
        (run(NOW - 2 * H), LONG_AGO, ChainStatus.OK),  # exactly 2 hours: still fresh
        (run(NOW - 2 * H - timedelta(seconds=1)), LONG_AGO, ChainStatus.STALE),
        (run(NOW - H, NOW - timedelta(minutes=5)), LONG_AGO, ChainStatus.FAILING),
        (run(NOW - timedelta(minutes=5), NOW - H), LONG_AGO, ChainStatus.OK),  # recovered
        (run(NOW - 3 * H, NOW - timedelta(minutes=5)), LONG_AGO, ChainStatus.STALE),
        (None, NOW - H, ChainStatus.PENDING),  # a fresh install, within the grace period
        (None, NOW - 2 * H - timedelta(seconds=1), ChainStatus.STALE),
        (run(failure=NOW - timedelta(minutes=5)), NOW - H, ChainStatus.FAILING),
        (run(failure=NOW - timedelta(minutes=5)), LONG_AGO, ChainStatus.STALE),
    ],
)
def test_chain_status(record: ChainSync | None, started: datetime, expected: ChainStatus) -> None:
    assert chain_readiness(Chain.SOL, record, NOW, started).status is expected


def test_the_error_is_a_code_and_only_after_the_last_success() -> None:
    failing = chain_readiness(Chain.SOL, run(NOW - H, NOW - timedelta(minutes=1)), NOW, LONG_AGO)
    assert failing.error is not None and failing.error.code == "CHAIN_UNAVAILABLE"
    recovered = chain_readiness(Chain.SOL, run(NOW, NOW - H), NOW, LONG_AGO)
    assert recovered.error is None and recovered.last_attempt_at == NOW


def test_every_chain_is_reported_and_a_stale_one_degrades() -> None:
    chains = readiness_by_chain({"sol": run(NOW - H)}, NOW, LONG_AGO)
    assert [c.chain for c in chains] == list(Chain)
    assert [c.status for c in chains] == [
        ChainStatus.STALE if c.chain is not Chain.SOL else ChainStatus.OK for c in chains
    ]
    assert degraded(chains)
    assert not degraded(readiness_by_chain({}, NOW, NOW))  # fresh install: pending


def test_jobs_are_ok_only_with_a_heartbeat_and_no_failing_chain() -> None:
    ok = readiness_by_chain({c.value: run(NOW - H) for c in Chain}, NOW, LONG_AGO)
    one_failing = readiness_by_chain(
        {c.value: run(NOW - H, NOW if c is Chain.ETH else None) for c in Chain}, NOW, LONG_AGO
    )
    pending = readiness_by_chain({}, NOW, NOW)
    assert jobs_status(True, ok) == "ok" and jobs_status(True, pending) == "ok"
    assert jobs_status(True, one_failing) == "failing"
    assert jobs_status(False, ok) == "stale" and jobs_status(None, ok) == "unknown"
