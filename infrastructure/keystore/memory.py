"""In-process short-lived key store for embedded mode (one event loop: no locks needed)."""

from __future__ import annotations

import time


class MemoryKeyStore:
    def __init__(self) -> None:
        self._values: dict[str, tuple[float, str]] = {}

    def _live(self, key: str) -> str | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._values[key]
            return None
        return entry[1]

    def _sweep(self) -> None:
        now = time.monotonic()
        for key in [k for k, (exp, _) in self._values.items() if exp <= now]:
            del self._values[key]

    async def put(self, key: str, value: str, ttl_seconds: float) -> bool:
        if len(self._values) > 10_000:
            self._sweep()
        if self._live(key) is not None:
            return False
        self._values[key] = (time.monotonic() + ttl_seconds, value)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def take(self, key: str) -> str | None:
        value = self._live(key)
        if value is not None:
            del self._values[key]
        return value

    async def swap(self, key: str, value: str) -> str | None:
        previous = self._live(key)
        if previous is not None:
            self._values[key] = (self._values[key][0], value)
        return previous
