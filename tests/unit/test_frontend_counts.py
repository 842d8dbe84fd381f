"""scripts/frontend_counts.py prints `vitest: N passed, M failed` / `playwright: ...` from the
suites' JSON reports and fails on a failure or a missing report (the suite did not run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "frontend_counts.py"


def run(suite: str, report: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), suite, str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done.returncode, done.stdout.strip()


def test_vitest_counts_and_failure(tmp_path: Path) -> None:
    report = tmp_path / "vitest.json"
    report.write_text(json.dumps({"numPassedTests": 12, "numFailedTests": 0, "numTotalTests": 12}))
    assert run("vitest", report) == (0, "vitest: 12 passed, 0 failed")
    report.write_text(json.dumps({"numPassedTests": 11, "numFailedTests": 1}))
    assert run("vitest", report) == (1, "vitest: 11 passed, 1 failed")


def test_playwright_counts_flaky_as_passed_and_unexpected_as_failed(tmp_path: Path) -> None:
    report = tmp_path / "e2e.json"
    stats = {"expected": 5, "flaky": 1, "unexpected": 0, "skipped": 2}
    report.write_text(json.dumps({"stats": stats, "errors": []}))
    assert run("playwright", report) == (0, "playwright: 6 passed, 0 failed")
    stats["unexpected"] = 2
    report.write_text(json.dumps({"stats": stats, "errors": []}))
    assert run("playwright", report) == (1, "playwright: 6 passed, 2 failed")


def test_playwright_error_outside_a_test_fails(tmp_path: Path) -> None:
    report = tmp_path / "e2e.json"
    report.write_text(
        json.dumps(
            {
                "stats": {"expected": 0, "flaky": 0, "unexpected": 0, "skipped": 0},
                "errors": [{"message": "Error: Timed out waiting from config.webServer"}],
            }
        )
    )
    assert run("playwright", report) == (1, "playwright: 0 passed, 1 failed")


def test_missing_report_means_the_suite_did_not_run(tmp_path: Path) -> None:
    code, out = run("playwright", tmp_path / "nothing.json")
    assert code == 1
    assert out.startswith("playwright: did not run")
