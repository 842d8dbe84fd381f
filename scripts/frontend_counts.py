"""Print one plain line for a frontend test suite from its JSON report:

    python scripts/frontend_counts.py vitest frontend/test-results/vitest-report.json
    -> vitest: 42 passed, 0 failed

Vitest's json reporter (numPassedTests/numFailedTests) or Playwright's (stats.expected,
stats.flaky / stats.unexpected). Exits 1 when the report is missing (the suite did not
run) or holds a failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def counts(suite: str, report: dict[str, object]) -> tuple[int, int]:
    if suite == "vitest":
        return int(str(report["numPassedTests"])), int(str(report["numFailedTests"]))
    stats = report["stats"]
    assert isinstance(stats, dict)
    passed = int(stats.get("expected", 0)) + int(stats.get("flaky", 0))
    failed = int(stats.get("unexpected", 0))
    # a failure outside any test (global setup, the web server) is in "errors"
    errors = report.get("errors") or []
    return passed, failed + (len(errors) if isinstance(errors, list) and not failed else 0)


def main() -> int:
    suite, path = sys.argv[1], Path(sys.argv[2])
    if not path.exists():
        print(f"{suite}: did not run (no report at {path})")  # noqa: T201
        return 1
    passed, failed = counts(suite, json.loads(path.read_text()))
    print(f"{suite}: {passed} passed, {failed} failed")  # noqa: T201
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
