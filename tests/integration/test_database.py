"""Migrations and repositories on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.errors import WalletAlreadyLinked
from domain.models import Chain, Tier
from infrastructure.db.base import Base
from infrastructure.db.migrate import alembic_config
from infrastructure.db.uow import SqlUnitOfWork


def _address() -> str:
    return "0x" + uuid.uuid4().hex + uuid.uuid4().hex[:8]


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    """`alembic check`: autogenerate finds nothing to do."""
    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: command.check(alembic_config(connection=sync)))


async def test_migrated_schema_has_every_model_table(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(Base.metadata.tables) <= tables


async def test_user_with_primary_wallet_round_trip(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    address = _address()
    async with SqlUnitOfWork(session_factory) as uow:
        user = await uow.users.create()
        wallet = await uow.wallets.link(user.id, Chain.ETH, address, is_primary=True)
        await uow.commit()

    async with SqlUnitOfWork(session_factory) as uow:
        loaded = await uow.users.get(user.id)
        wallets = await uow.wallets.list_for_user(user.id)
        owner = await uow.wallets.owner_of(Chain.ETH, address)
    assert loaded is not None and loaded.tier is Tier.FREE
    assert loaded.created_at.tzinfo is not None
    assert [(w.chain, w.address, w.is_primary) for w in wallets] == [(Chain.ETH, address, True)]
    assert owner is not None and owner.user_id == user.id and owner.id == wallet.id


async def test_a_wallet_links_to_one_account_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    address = _address()
    async with SqlUnitOfWork(session_factory) as uow:
        alice = await uow.users.create()
        bob = await uow.users.create()
        await uow.wallets.link(alice.id, Chain.ETH, address)
        with pytest.raises(WalletAlreadyLinked):
            await uow.wallets.link(bob.id, Chain.ETH, address)
        # the failed insert rolled back to its savepoint; the transaction goes on
        await uow.wallets.link(bob.id, Chain.SOL, "So11111111111111111111111111111111111111112")
        await uow.commit()
    async with SqlUnitOfWork(session_factory) as uow:
        assert [w.chain for w in await uow.wallets.list_for_user(bob.id)] == [Chain.SOL]


async def test_one_primary_wallet_per_user(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(session_factory) as uow:
        user = await uow.users.create()
        await uow.wallets.link(user.id, Chain.ETH, _address(), is_primary=True)
        with pytest.raises(WalletAlreadyLinked):
            await uow.wallets.link(user.id, Chain.ETH, _address(), is_primary=True)


async def test_leaving_without_commit_keeps_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(session_factory) as uow:
        user = await uow.users.create()
    async with SqlUnitOfWork(session_factory) as uow:
        assert await uow.users.get(user.id) is None


async def test_an_error_midway_rolls_back_the_whole_unit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    address = _address()
    with pytest.raises(RuntimeError):
        async with SqlUnitOfWork(session_factory) as uow:
            user = await uow.users.create()
            await uow.wallets.link(user.id, Chain.ETH, address)
            raise RuntimeError("crash before commit")
    async with SqlUnitOfWork(session_factory) as uow:
        assert await uow.users.get(user.id) is None
        assert await uow.wallets.owner_of(Chain.ETH, address) is None


async def test_unlink_only_touches_the_owners_wallet(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with SqlUnitOfWork(session_factory) as uow:
        alice = await uow.users.create()
        mallory = await uow.users.create()
        wallet = await uow.wallets.link(alice.id, Chain.ATOM, "cosmos1" + uuid.uuid4().hex)
        assert not await uow.wallets.unlink(mallory.id, wallet.id)
        assert await uow.wallets.unlink(alice.id, wallet.id)
        assert await uow.wallets.list_for_user(alice.id) == []


async def test_deleting_a_user_cascades_to_wallets(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import delete

    from infrastructure.db.models import UserRow

    address = _address()
    async with SqlUnitOfWork(session_factory) as uow:
        user = await uow.users.create()
        await uow.wallets.link(user.id, Chain.ETH, address)
        await uow.session.execute(delete(UserRow).where(UserRow.id == user.id))
        assert await uow.wallets.owner_of(Chain.ETH, address) is None
