"""Waiting in tests without wall-clock deadlines.

A test waits for a readiness signal (a port answers, a log line appears, a job reaches a
status, a key expires), never for a fixed time it is judged on. Every wait, client
timeout and subprocess timeout on our own processes is bounded by ONE hang guard: it
fails a test only when something is stuck, never because the machine is slow (a CI run
on a busy machine once took 18 minutes instead of 7).

- `HANG_GUARD_SECONDS`: the one bound (>= 120 s), used everywhere in tests/.
- `wait_for(ready, what, process=None)`: polls a synchronous `ready()` until truthy.
- `eventually(check, what)`: polls an `async check()` until truthy.

Timeouts that are the behaviour under test (a Redis socket timeout the app must
survive, a grace period on shutdown) are not bounded by this; those tests are written
so that a slow machine cannot fail them (see the comment next to each).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

HANG_GUARD_SECONDS = 180.0
POLL_SECONDS = 0.1


def wait_for(
    ready: Callable[[], Any],
    what: str,
    process: subprocess.Popen[bytes] | None = None,
    guard: float = HANG_GUARD_SECONDS,
    interval: float = POLL_SECONDS,
) -> Any:
    """Poll `ready()` until it returns something truthy (and return that); fail if
    `process` exits first or nothing happens within the hang guard."""
    hang_guard = time.monotonic() + guard
    while True:
        result = ready()
        if result:
            return result
        if process is not None and process.poll() is not None:
            pytest.fail(f"process exited ({process.returncode}) while waiting for {what}")
        if time.monotonic() > hang_guard:
            pytest.fail(f"hang guard: no {what} after {guard:.0f} s")
        time.sleep(interval)


async def eventually(
    check: Callable[[], Awaitable[Any]],
    what: str,
    interval: float = POLL_SECONDS,
    guard: float = HANG_GUARD_SECONDS,
) -> Any:
    """Poll `await check()` until it is truthy (and return that), bounded by the hang
    guard (polling state we do not own: there is no event to wait on)."""
    scope = asyncio.timeout(guard)
    try:
        async with scope:
            while True:
                result = await check()
                if result:
                    return result
                await asyncio.sleep(interval)
    except TimeoutError:
        if not scope.expired():
            raise  # raised by `check` itself, not the guard
        pytest.fail(f"hang guard: no {what} after {guard:.0f} s")
