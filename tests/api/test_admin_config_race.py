"""Two admins change the same config version at once (PostgreSQL): exactly one change
is stored as the next version; the other is refused as stale (409 STALE_VERSION), and
the table the computation reads holds the winner's values."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import delete

from domain.admin import ConfigKind, StaleConfigVersion
from infrastructure.db.models import ConfigVersionRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import open_resources
from services import admin


@pytest.mark.postgres
async def test_two_changes_of_one_version_store_exactly_one(
    make_settings: Any, postgres_url: str
) -> None:
    resources = open_resources(make_settings(database_url=postgres_url))
    factory = resources.session_factory
    async with SqlUnitOfWork(factory) as uow:
        start = await admin.current_config(uow, ConfigKind.YIELD)
    name = "eth/execution_rewards_apr"
    try:

        async def change(value: str) -> str:
            async with SqlUnitOfWork(factory) as uow:
                who = admin.Change(uuid.uuid4(), f"set {value}", None)
                values = dict(start.values) | {name: value}
                try:
                    await admin.set_config(uow, who, ConfigKind.YIELD, start.version, values)
                    await uow.commit()
                except StaleConfigVersion:
                    return "stale"
                return value

        outcomes = await asyncio.gather(change("0.004"), change("0.005"))
        winners = [o for o in outcomes if o != "stale"]
        assert len(winners) == 1 and outcomes.count("stale") == 1
        async with SqlUnitOfWork(factory) as uow:
            now = await admin.current_config(uow, ConfigKind.YIELD)
            params = await uow.yield_config.parameters()
        assert now.version == start.version + 1 and now.values[name] == winners[0]
        assert str(params.eth_execution_rewards_apr) == winners[0]
    finally:  # the database is shared by the run: put the parameters back
        async with SqlUnitOfWork(factory) as uow:
            await uow.config_versions.replace_yield_rows(start.values)
            await uow.session.execute(
                delete(ConfigVersionRow).where(ConfigVersionRow.kind == "yield")
            )
            await uow.commit()
        await resources.close()
