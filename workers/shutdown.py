"""Bounded shutdown steps: `staketrack serve` and `staketrack worker` exit within 10 s of
SIGTERM whatever is running.

Every clean-up step runs under a time limit and is abandoned (logged) past it, and a
last-resort watchdog ends the process if the whole shutdown still overruns (a thread
stuck in a DNS lookup, a driver ignoring its cancellation).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable
from typing import Any

from infrastructure.logging import get_logger

log = get_logger(__name__)

# the promise: exit within this many seconds of SIGTERM (docker-compose's
# stop_grace_period is 15 s, so its SIGKILL never has to come)
EXIT_DEADLINE_SECONDS = 10.0
# uvicorn: open connections and background tasks get this long after SIGTERM
CONNECTIONS_GRACE_SECONDS = 2.0
# each clean-up step (scheduler, queue close, resource close)
STEP_SECONDS = 3.0


async def bounded(step: Awaitable[Any], what: str, seconds: float = STEP_SECONDS) -> None:
    """Await `step` for at most `seconds`; past that cancel it and move on, and if it
    ignores the cancellation, leave it behind (the process is exiting)."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1.0)
        log.warning("shutdown_step_timed_out", step=what, seconds=seconds, abandoned=not done)
        return
    if not task.cancelled() and task.exception() is not None:
        error = task.exception()
        log.warning("shutdown_step_failed", step=what, error=f"{type(error).__name__}: {error}")


class ExitWatchdog:
    """Armed at the first SIGTERM/SIGINT: if the process is still alive `seconds` later,
    log and `os._exit` (threads and un-cancellable work cannot hold it up)."""

    def __init__(self, seconds: float = EXIT_DEADLINE_SECONDS, exit_code: int = 1) -> None:
        self._seconds = seconds
        self._exit_code = exit_code
        self._timer: threading.Timer | None = None

    def arm(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self._seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _expire(self) -> None:
        log.error("shutdown_deadline_exceeded", seconds=self._seconds, action="exit now")
        os._exit(self._exit_code)
