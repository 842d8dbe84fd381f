"""The operator's error log: final failures (a job that failed after all its retries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from infrastructure.db.models import ErrorLogRow


class ErrorLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, source: str, message: str, details: Mapping[str, Any]) -> None:
        self._session.add(ErrorLogRow(source=source, message=message, details=dict(details)))
        await self._session.flush()
