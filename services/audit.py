"""Recording changes in the audit trail (domain/audit.py): admin writes and automated
changes of a user's state. The entry joins the caller's transaction: the change and its
record commit together or not at all."""

from __future__ import annotations

import hashlib
import hmac

from domain.audit import AuditEntry
from infrastructure.db.uow import SqlUnitOfWork


async def record(uow: SqlUnitOfWork, entry: AuditEntry) -> AuditEntry:
    return await uow.audit_log.add(entry)


_PSEUDONYM_LABEL = b"staketrack/audit-pseudonym/v1"


def pseudonym_key(secret_key: str) -> bytes:
    """The key of deleted users' pseudonyms (domain.audit.pseudonym): HMAC-SHA256 of a
    fixed label under SECRET_KEY, so the JWT key itself never hashes user ids and the
    same user always gets the same pseudonym while SECRET_KEY stays."""
    return hmac.new(secret_key.encode(), _PSEUDONYM_LABEL, hashlib.sha256).digest()
