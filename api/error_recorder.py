"""The API's error responses, counted for the admins' "last errors" view (`api_errors`).

Per (method, route template, status, code): how many, first and last seen, the last
request id — never a path, a query or a body, so no personal data. Counting costs a
dict update on the request path; the counts are written by `run()` (every few seconds,
started by the app's lifespan) and `flush()` at shutdown, each a batch of upserts
`count = count + n`. A flush that fails puts its counts back for the next one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.types import Scope

from domain.admin import ApiErrorCount
from infrastructure.db.base import utcnow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import admin

FLUSH_EVERY_SECONDS = 5.0
UNMATCHED_ROUTE = "(unmatched)"  # any path no route matched: one name, not the path
MAX_KEYS = 1_000  # distinct keys buffered between flushes (bounded by the route table)
log = get_logger(__name__)

Key = tuple[str, str, int, str]
SessionFactory = Any  # Resources.session_factory (api/ names no SQLAlchemy type)


@dataclass(slots=True)
class _Tally:
    count: int
    first_seen_at: datetime
    last_seen_at: datetime
    last_request_id: str | None


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


def should_record(status: int) -> bool:
    """Every 5xx and every 4xx (each under its own code)."""
    return status >= 400


class ErrorRecorder:
    def __init__(self) -> None:
        self._pending: dict[Key, _Tally] = {}

    def record(self, scope: Scope, status: int, code: str) -> None:
        if not should_record(status):
            return
        key = (str(scope.get("method", ""))[:8], route_template(scope)[:200], status, code[:64])
        now = utcnow()
        state = scope.get("state") or {}
        request_id = state.get("request_id") if isinstance(state, dict) else None
        tally = self._pending.get(key)
        if tally is None:
            if len(self._pending) >= MAX_KEYS:
                return
            self._pending[key] = _Tally(1, now, now, request_id)
            return
        tally.count += 1
        tally.last_seen_at = now
        tally.last_request_id = request_id or tally.last_request_id

    def pending(self) -> int:
        return sum(t.count for t in self._pending.values())

    def _take(self) -> list[ApiErrorCount]:
        taken, self._pending = self._pending, {}
        return [
            ApiErrorCount(m, r, s, c, t.count, t.first_seen_at, t.last_seen_at, t.last_request_id)
            for (m, r, s, c), t in taken.items()
        ]

    def _put_back(self, counts: list[ApiErrorCount]) -> None:
        for item in counts:
            key = (item.method, item.route, item.status, item.code)
            tally = self._pending.get(key)
            if tally is None:
                self._pending[key] = _Tally(
                    item.count, item.first_seen_at, item.last_seen_at, item.last_request_id
                )
            else:
                tally.count += item.count
                tally.first_seen_at = min(tally.first_seen_at, item.first_seen_at)

    async def flush(self, session_factory: SessionFactory) -> int:
        """Write what was counted since the last flush; the number of errors written."""
        counts = self._take()
        if not counts:
            return 0
        try:
            async with SqlUnitOfWork(session_factory) as uow:
                await admin.record_errors(uow, counts)
                await uow.commit()
        except Exception as exc:  # the database is down: keep the counts for next time
            self._put_back(counts)
            log.warning("api_errors_flush_failed", error=type(exc).__name__)
            return 0
        return sum(item.count for item in counts)

    async def run(
        self,
        session_factory: SessionFactory,
        every_seconds: float = FLUSH_EVERY_SECONDS,
    ) -> None:
        while True:
            await asyncio.sleep(every_seconds)
            await self.flush(session_factory)
