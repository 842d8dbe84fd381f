"""Integration fixtures: resources on a migrated database with the demo wallets linked."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from domain.models import Chain
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.models import ChainSyncRow, ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources, open_resources


async def forget_chain_validators(resources: Resources, chain: Chain) -> None:
    """Start from none of the chain's validators and sync records: the PostgreSQL test
    database is shared by the whole run, and other tests store validators the demo
    network does not have (and pipeline or seed records). A fresh SQLite copy has none."""
    async with resources.session_factory() as session:
        await session.execute(delete(ValidatorRow).where(ValidatorRow.chain == chain.value))
        await session.execute(delete(ChainSyncRow).where(ChainSyncRow.chain == chain.value))
        await session.commit()


@pytest.fixture
async def resources(
    make_settings: Any, database_url: str, tmp_path: Path
) -> AsyncIterator[Resources]:
    if database_url.startswith("sqlite"):  # a fresh copy of the migrated file per test
        path = tmp_path / "ingest.db"
        shutil.copyfile(database_url.removeprefix("sqlite+aiosqlite:///"), path)
        database_url = f"sqlite+aiosqlite:///{path}"
    settings = make_settings(database_url=database_url)
    resources = open_resources(settings)
    async with SqlUnitOfWork(resources.session_factory) as uow:  # the demo wallets, linked
        for chain in Chain:
            for address in demo_addresses(chain).values():
                if await uow.wallets.owner_of(chain, address) is None:
                    user = await uow.users.create()
                    await uow.wallets.link(user.id, chain, address, is_primary=True)
        await uow.commit()
    yield resources
    await resources.close()
