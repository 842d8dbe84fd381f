"""A crash's traceback goes through the redacting formatter (issue 10, finding 9).

Each case runs in a fresh interpreter, as the service does: the hooks are process-wide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.readiness import HANG_GUARD_SECONDS

ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
EMAIL = "alice.staker@example.com"
PASSWORD = "hunter2-redis-password"
SECRET_MESSAGE = f"boom for {EMAIL} wallet {ETH} via redis://:{PASSWORD}@127.0.0.1:6379/0"


def _run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update(DATA_DIR=str(tmp_path), LOG_FORMAT="json", **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )


def _assert_redacted_crash(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    output = result.stdout + result.stderr
    assert EMAIL not in output and ETH not in output and PASSWORD not in output, output
    assert "Traceback (most recent call last)" in output  # the traceback is kept...
    crash = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    events = [line for line in crash if line.get("event") == "uncaught_exception"]
    assert events, result.stderr  # ...inside a structured, redacted log line
    assert "[email]" in events[0]["exception"] and "0x5290…9EE7" in events[0]["exception"]
    return events[0]


SETUP = f"""
from infrastructure.logging import configure_logging, install_crash_logging
from infrastructure.settings import load_settings
configure_logging(load_settings())
install_crash_logging()
MESSAGE = {SECRET_MESSAGE!r}
"""


def test_an_uncaught_exception_is_logged_redacted(tmp_path: Path) -> None:
    result = _run(SETUP + "raise RuntimeError(MESSAGE)\n", tmp_path)
    assert result.returncode == 1
    event = _assert_redacted_crash(result)
    assert event["level"] == "critical" and event["logger"] == "staketrack.crash"


def test_an_uncaught_exception_in_a_thread_is_logged_redacted(tmp_path: Path) -> None:
    code = SETUP + textwrap.dedent(
        """
        import threading
        def fail():
            raise RuntimeError(MESSAGE)
        thread = threading.Thread(target=fail, name="fetcher")
        thread.start()
        thread.join()
        """
    )
    event = _assert_redacted_crash(_run(code, tmp_path))
    assert event["thread"] == "fetcher"


def test_a_lost_asyncio_task_exception_is_logged_redacted(tmp_path: Path) -> None:
    code = SETUP + textwrap.dedent(
        """
        import asyncio, gc
        async def fail():
            raise RuntimeError(MESSAGE)
        async def main():
            asyncio.get_running_loop().create_task(fail())
            await asyncio.sleep(0.05)
        asyncio.run(main())
        gc.collect()
        """
    )
    result = _run(code, tmp_path)
    output = result.stdout + result.stderr
    assert "Task exception was never retrieved" in output
    assert EMAIL not in output and ETH not in output and PASSWORD not in output, output


@pytest.mark.parametrize("command", ["worker", "serve"])
def test_the_service_commands_install_the_crash_hooks(tmp_path: Path, command: str) -> None:
    """`staketrack worker`/`serve` crashing (here: their run loop raises) log the crash
    through the redacting formatter."""
    target = "workers.arq_runner._main" if command == "worker" else "api.cli._bounded_server"
    code = f"""
    import sys
    from unittest import mock
    from api.cli import main
    def crash(*args, **kwargs):
        raise RuntimeError({SECRET_MESSAGE!r})
    with mock.patch({target!r}, crash):
        sys.exit(main([{command!r}]))
    """
    result = _run(code, tmp_path, REDIS_URL="redis://127.0.0.1:1/0", SECRET_KEY="c" * 40)
    assert result.returncode == 1
    _assert_redacted_crash(result)
