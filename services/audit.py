"""Recording changes in the audit trail (domain/audit.py): admin writes and automated
changes of a user's state. The entry joins the caller's transaction: the change and its
record commit together or not at all."""

from __future__ import annotations

from domain.audit import AuditEntry
from infrastructure.db.uow import SqlUnitOfWork


async def record(uow: SqlUnitOfWork, entry: AuditEntry) -> AuditEntry:
    return await uow.audit_log.add(entry)
