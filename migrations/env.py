"""Alembic environment: async, for PostgreSQL and SQLite alike.

The URL comes from the service settings. Tests pass an open connection in
`config.attributes["connection"]` to migrate inside their own transaction.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import TypeDecorator
from sqlalchemy.engine import Connection

import infrastructure.db.models  # noqa: F401  (registers every table)
from infrastructure.db.base import Base
from infrastructure.db.engine import create_engine
from infrastructure.settings import load_settings

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    # render our TypeDecorators as their plain SQL type: migrations stay import-free
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


# created per dialect by the migration and the ETH set's bulk load, outside the models
# (PostgreSQL: an expression index that SQLite could not reflect)
UNMODELLED_INDEXES = {"ix_eth_validators_pubkey", "ix_eth_validators_withdrawal_address"}
# retired on SQLite only (migration 0013: dropping it there would rebuild the table)
RETIRED_COLUMNS = {("users", "tier")}


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    if type_ == "column" and reflected:
        table = getattr(getattr(obj, "table", None), "name", None)
        return (table, name) not in RETIRED_COLUMNS
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        include_object=_include_object,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _url() -> str:
    return config.attributes.get("url") or load_settings().effective_database_url


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    _run(connection)
else:
    asyncio.run(_run_async(_url()))
