"""API keys: create (the key shown once), list, revoke, and authenticate a presented key.

Called by `api/routers/me.py` (create, list, revoke) and `api/security.py`
(authenticate). Read-only enforcement (GET/HEAD only) is HTTP and stays in security.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from domain.credentials import ApiKey, CreatedApiKey
from domain.errors import InvalidToken, NotFound
from domain.models import User
from infrastructure.auth.tokens import hash_secret, new_api_key
from infrastructure.db.uow import SqlUnitOfWork

LAST_USED_RESOLUTION = timedelta(minutes=1)  # don't write last_used_at on every call


async def create_api_key(uow: SqlUnitOfWork, user_id: uuid.UUID, name: str) -> CreatedApiKey:
    issued = new_api_key()
    stored = await uow.api_keys.add(
        user_id=user_id, name=name, prefix=issued.prefix, key_hash=issued.key_hash
    )
    return CreatedApiKey(api_key=stored, key=issued.key)


async def list_api_keys(uow: SqlUnitOfWork, user_id: uuid.UUID) -> list[ApiKey]:
    """Active keys, oldest first."""
    return await uow.api_keys.list_active(user_id)


async def revoke_api_key(
    uow: SqlUnitOfWork, user_id: uuid.UUID, key_id: uuid.UUID, now: datetime
) -> None:
    """Revoke one of the user's keys: refused from the next request on."""
    if not await uow.api_keys.revoke(user_id, key_id, now):
        raise NotFound("No such API key on this account.")


async def authenticate_api_key(
    uow: SqlUnitOfWork, prefix: str, key: str, now: datetime
) -> tuple[User, ApiKey]:
    """The owner of a well-formed key (its `prefix` already parsed, checksum checked),
    its last use recorded at most once a minute; InvalidToken for an unknown or revoked
    key."""
    stored = await uow.api_keys.by_prefix(prefix)
    if (
        stored is None
        or stored.revoked_at is not None
        or not secrets.compare_digest(stored.key_hash, hash_secret(key))
    ):
        raise InvalidToken("Unknown or revoked API key.")
    user = await uow.users.get(stored.user_id)
    if user is None:
        raise InvalidToken()
    if stored.last_used_at is None or now - stored.last_used_at > LAST_USED_RESOLUTION:
        await uow.api_keys.touch(stored.id, now)
    return user, stored
