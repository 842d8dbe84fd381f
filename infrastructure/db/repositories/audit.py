"""The audit trail: append and read; the only change is pseudonymising a deleted user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import Actor, ActorType, AuditEntry
from infrastructure.db.base import utcnow
from infrastructure.db.models import AdminAuditLogRow


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    action: str | None = None


def _entry(row: AdminAuditLogRow) -> AuditEntry:
    return AuditEntry(
        actor=Actor(ActorType(row.actor_type), row.actor_id),
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
        request_id=row.request_id,
        at=row.at,
        id=row.id,
    )


class AuditLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> AuditEntry:
        row = AdminAuditLogRow(
            at=entry.at or utcnow(),
            actor_type=entry.actor.type.value,
            actor_id=entry.actor.id,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            before=entry.before,
            after=entry.after,
            reason=entry.reason,
            request_id=entry.request_id,
        )
        self._session.add(row)
        await self._session.flush()
        return _entry(row)

    async def page(
        self, where: AuditFilter, *, before_id: int | None, limit: int
    ) -> Sequence[AuditEntry]:
        """Newest first, `limit` entries with an id below `before_id` (keyset)."""
        query = select(AdminAuditLogRow).order_by(AdminAuditLogRow.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AdminAuditLogRow.id < before_id)
        if where.actor_id is not None:
            query = query.where(AdminAuditLogRow.actor_id == where.actor_id)
        if where.target_type is not None:
            query = query.where(AdminAuditLogRow.target_type == where.target_type)
        if where.target_id is not None:
            query = query.where(AdminAuditLogRow.target_id == where.target_id)
        if where.action is not None:
            query = query.where(AdminAuditLogRow.action == where.action)
        return [_entry(row) for row in await self._session.scalars(query)]

    async def pseudonymise(self, user_id: str, pseudonym: str) -> None:
        """Replace a deleted user's id (as actor or target) by its pseudonym."""
        await self._session.execute(
            update(AdminAuditLogRow)
            .where(AdminAuditLogRow.actor_id == user_id)
            .values(actor_id=pseudonym)
        )
        await self._session.execute(
            update(AdminAuditLogRow)
            .where(AdminAuditLogRow.target_id == user_id, AdminAuditLogRow.target_type == "user")
            .values(target_id=pseudonym)
        )

    async def mentions(self, user_id: str) -> int:
        """How many entries name the user (as actor or target)."""
        rows = await self._session.scalars(
            select(AdminAuditLogRow.id).where(
                or_(AdminAuditLogRow.actor_id == user_id, AdminAuditLogRow.target_id == user_id)
            )
        )
        return len(rows.all())
