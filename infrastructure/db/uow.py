"""Unit of work: one session and transaction per request or job.

    async with SqlUnitOfWork(session_factory) as uow:
        ...
        await uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infrastructure.db.repositories.credentials import (
    ApiKeyRepository,
    MagicLinkRepository,
    RefreshTokenRepository,
)
from infrastructure.db.repositories.users import UserRepository, WalletRepository


class SqlUnitOfWork:
    session: AsyncSession
    users: UserRepository
    wallets: WalletRepository
    refresh_tokens: RefreshTokenRepository
    magic_links: MagicLinkRepository
    api_keys: ApiKeyRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = session = self._session_factory()
        self.users = UserRepository(session)
        self.wallets = WalletRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.magic_links = MagicLinkRepository(session)
        self.api_keys = ApiKeyRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.session.in_transaction():
            return  # nothing began (e.g. a cached read) or it was committed: nothing to undo
        try:
            await self.session.rollback()  # undoes anything uncommitted
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
