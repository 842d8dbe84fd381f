"""In-process byte cache for embedded mode: per-key TTL, bounded size (LRU).

Other processes on the same DATA_DIR (a CLI `staketrack fetch` beside a running
`staketrack serve`) write the same database but cannot reach this cache. With
`shared_epoch` (a file under DATA_DIR), every drop (`delete`, `delete_prefix`) also
replaces that marker file, and every lookup first compares the marker with the one it saw
last (one `os.stat`): when another process changed it, every entry here is dropped, so
the next request reads what that process wrote. The Redis cache needs none of this (one
cache for every process) and is unaffected.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import OrderedDict
from pathlib import Path

from infrastructure.logging import get_logger

log = get_logger(__name__)
EPOCH_FILE = "cache-epoch"  # under DATA_DIR
_Marker = tuple[int, int, int] | None  # (inode, mtime ns, size) of the marker file


def _marker(path: Path) -> _Marker:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


class MemoryCache:
    def __init__(self, max_entries: int = 10_000, *, shared_epoch: Path | None = None) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._epoch = shared_epoch
        self._seen: _Marker = _marker(shared_epoch) if shared_epoch is not None else None
        self._bumps = itertools.count()

    def _sync(self) -> None:
        """Drop everything when another process has dropped entries since the last look."""
        if self._epoch is None:
            return
        marker = _marker(self._epoch)
        if marker != self._seen:
            self._entries.clear()
            self._seen = marker

    def _bump(self) -> None:
        """Tell the other processes on this DATA_DIR that cached reads changed."""
        if self._epoch is None:
            return
        self._sync()  # another process's drop not seen yet: honour it before ours hides it
        staged = self._epoch.with_name(f".{self._epoch.name}.{os.getpid()}")
        try:
            self._epoch.parent.mkdir(parents=True, exist_ok=True)
            # a new file each time (new inode, new content): no two bumps look alike
            staged.write_text(f"{os.getpid()} {next(self._bumps)} {time.time_ns()}\n")
            ours = _marker(staged)  # before it is visible: a later bump by others differs
            os.replace(staged, self._epoch)
        except OSError as exc:  # a read-only DATA_DIR: this process's cache still works
            log.warning("cache_epoch_bump_failed", error=f"{type(exc).__name__}: {exc}")
            return
        self._seen = ours  # a bump by another process after ours still differs from it

    async def get(self, key: str) -> bytes | None:
        self._sync()
        return self._get(key)

    def _get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def get_many(self, *keys: str) -> list[bytes | None]:
        self._sync()
        return [self._get(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._entries[key] = (time.monotonic() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(key, None)
        self._bump()

    async def delete_prefix(self, prefix: str) -> int:
        doomed = [key for key in self._entries if key.startswith(prefix)]
        for key in doomed:
            del self._entries[key]
        self._bump()
        return len(doomed)
