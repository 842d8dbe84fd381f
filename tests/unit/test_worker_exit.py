"""`staketrack worker` exits after its bounded shutdown even when work it abandoned is
still stuck: a task that ignores cancellation and a non-daemon thread (as aiosqlite's is,
waiting on SQLite's busy timeout) would keep asyncio.run() and the interpreter's exit
waiting, and the watchdog would end the process with status 1."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.readiness import HANG_GUARD_SECONDS

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent(
    """
    import asyncio, threading, time
    import workers.arq_runner as runner

    async def main(settings):
        threading.Thread(target=time.sleep, args=(600,)).start()  # non-daemon, stuck

        async def stubborn():
            while True:
                try:
                    await asyncio.sleep(600)
                except asyncio.CancelledError:
                    continue  # ignores its cancellation

        asyncio.ensure_future(stubborn())
        await asyncio.sleep(0)

    runner._main = main
    runner.configure_logging = lambda settings: None
    runner.install_crash_logging = lambda: None
    runner.run(None)
    """
)


def test_the_worker_exits_cleanly_leaving_stuck_work_behind() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,  # a guard against a hang, not a deadline
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "worker_exit_leaving_behind" in done.stdout + done.stderr
    assert "tasks=1" in done.stdout + done.stderr or '"tasks": 1' in done.stdout + done.stderr


def test_a_worker_with_nothing_left_exits_without_leaving_anything() -> None:
    program = PROGRAM.replace(
        "threading.Thread(target=time.sleep, args=(600,)).start()", "pass"
    ).replace("asyncio.ensure_future(stubborn())", "pass")
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "worker_exit_leaving_behind" not in done.stdout + done.stderr
