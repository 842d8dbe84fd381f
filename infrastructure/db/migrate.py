"""Run Alembic migrations programmatically (the `staketrack migrate` command), and make
sure the schema is current before any other command uses the database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str | None = None, connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise when the models and the migrations disagree (`alembic check`)."""
    command.check(alembic_config(url))


class NotMigrated(Exception):
    """The database's schema is not the one this version of the code needs."""


def _current(url: str) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    from infrastructure.db.engine import create_engine

    async def read() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: set(MigrationContext.configure(sync).get_current_heads())
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


class DatabaseUnreachable(Exception):
    """The database did not answer (the URL is never in the message: it may hold a
    password)."""


class MigrationFailed(Exception):
    """Alembic refused, e.g. a revision this version does not know: newer code ran."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def prepare(url: str) -> None:
    """`ensure_migrated` with its failures as this module's errors: NotMigrated,
    MigrationFailed, DatabaseUnreachable (the driver's error class name only)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import DBAPIError

    try:
        ensure_migrated(url)
    except CommandError as exc:
        raise MigrationFailed(str(exc)) from exc
    except (DBAPIError, OSError) as exc:
        raise DatabaseUnreachable(type(getattr(exc, "orig", None) or exc).__name__) from exc


def ensure_migrated(url: str) -> None:
    """What a command that needs the database does first. The embedded SQLite file is
    migrated (created on first use), as `staketrack migrate` would; a server database
    (PostgreSQL) is only checked — its schema changes when the operator runs
    `staketrack migrate`, once per deploy, not from whichever process starts first —
    and NotMigrated says how far behind it is."""
    if is_sqlite(url):
        upgrade(url)
        return
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    current = _current(url)
    if current != heads:
        found = f"at revision {', '.join(sorted(current))}" if current else "not migrated yet"
        raise NotMigrated(f"the database is {found}; this version needs {', '.join(sorted(heads))}")
