"""Refresh tokens, magic links and API keys. Consuming a single-use secret is one
conditional UPDATE, so concurrent callers cannot both succeed. Rows in, the frozen
values of `domain.credentials` out."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.credentials import ApiKey, MagicLink, RefreshToken
from infrastructure.db.models import ApiKeyRow, MagicLinkRow, RefreshTokenRow

__all__ = [
    "ApiKey",
    "ApiKeyRepository",
    "MagicLink",
    "MagicLinkRepository",
    "RefreshToken",
    "RefreshTokenRepository",
]


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, *, user_id: uuid.UUID, family_id: uuid.UUID, token_hash: bytes, expires_at: datetime
    ) -> None:
        self._session.add(
            RefreshTokenRow(
                user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=expires_at
            )
        )
        await self._session.flush()

    async def find(self, token_hash: bytes) -> RefreshToken | None:
        row = await self._session.scalar(
            select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        )
        if row is None:
            return None
        return RefreshToken(
            row.id, row.user_id, row.family_id, row.expires_at, row.used_at, row.revoked_at
        )

    async def mark_used(self, token_id: uuid.UUID, now: datetime) -> bool:
        """True for exactly one caller: the token was unused and unrevoked."""
        result = await self._session.execute(
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token_id,
                RefreshTokenRow.used_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(used_at=now)
        )
        return _rowcount(result) == 1

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def family_revoked(self, family_id: uuid.UUID) -> bool:
        revoked = await self._session.scalar(
            select(RefreshTokenRow.id)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_not(None))
            .limit(1)
        )
        return revoked is not None


class MagicLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        token_hash: bytes,
        email: str,
        purpose: str,
        expires_at: datetime,
        user_id: uuid.UUID | None = None,
    ) -> None:
        self._session.add(
            MagicLinkRow(
                token_hash=token_hash,
                email=email,
                purpose=purpose,
                user_id=user_id,
                expires_at=expires_at,
            )
        )
        await self._session.flush()

    async def consume(self, token_hash: bytes, now: datetime) -> MagicLink | None:
        """The link, marked used, when it was unused and unexpired; else None."""
        row = await self._session.scalar(
            select(MagicLinkRow).where(MagicLinkRow.token_hash == token_hash)
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        result = await self._session.execute(
            update(MagicLinkRow)
            .where(MagicLinkRow.id == row.id, MagicLinkRow.used_at.is_(None))
            .values(used_at=now)
        )
        if _rowcount(result) != 1:
            return None
        return MagicLink(row.id, row.email, row.purpose, row.user_id, row.expires_at, now)


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @staticmethod
    def _key(row: ApiKeyRow) -> ApiKey:
        return ApiKey(
            row.id,
            row.user_id,
            row.name,
            row.prefix,
            row.key_hash,
            row.created_at,
            row.last_used_at,
            row.revoked_at,
        )

    async def add(self, *, user_id: uuid.UUID, name: str, prefix: str, key_hash: bytes) -> ApiKey:
        row = ApiKeyRow(user_id=user_id, name=name, prefix=prefix, key_hash=key_hash)
        self._session.add(row)
        await self._session.flush()
        return self._key(row)

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        row = await self._session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
        return self._key(row) if row else None

    async def list_active(self, user_id: uuid.UUID) -> list[ApiKey]:
        rows = await self._session.scalars(
            select(ApiKeyRow)
            .where(ApiKeyRow.user_id == user_id, ApiKeyRow.revoked_at.is_(None))
            .order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        )
        return [self._key(row) for row in rows]

    async def revoke(self, user_id: uuid.UUID, key_id: uuid.UUID, now: datetime) -> bool:
        result = await self._session.execute(
            update(ApiKeyRow)
            .where(
                ApiKeyRow.id == key_id,
                ApiKeyRow.user_id == user_id,
                ApiKeyRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return _rowcount(result) == 1

    async def touch(self, key_id: uuid.UUID, now: datetime) -> None:
        await self._session.execute(
            update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=now)
        )
