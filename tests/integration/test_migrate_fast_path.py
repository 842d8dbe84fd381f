"""The start-up's "already at head?" checks without Alembic (the embedded SQLite file,
and a server database's revision): they must agree with Alembic, and say no whenever
Alembic has work to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory

from infrastructure.db.engine import create_engine
from infrastructure.db.migrate import (
    _current,
    _header_literals,
    alembic_config,
    ensure_migrated,
    script_heads,
    sqlite_at_head,
    upgrade,
)


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def test_script_heads_are_alembics_heads() -> None:
    assert script_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


SCRIPT = '''"""a migration"""

from alembic import op

revision: str = "0002"
down_revision: str | None = (
    "0001"
)
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")
'''


def test_only_the_header_of_a_script_is_read_and_what_follows_cannot_change_it() -> None:
    expected = {"revision": "0002", "down_revision": "0001", "depends_on": None}
    assert _header_literals(SCRIPT) == expected
    # assigned again below the first function: Alembic would see the later value
    assert _header_literals(SCRIPT + 'depends_on = "0001"\n') is None
    assert _header_literals(SCRIPT + 'revision = "0003"\n') is None
    # a header that does not parse on its own (a statement the first `def` cuts in two)
    assert _header_literals('revision = "0002"\nx = """\ndef not_code():\n"""\n') is None
    # no function at all: the whole script is the header
    assert _header_literals('revision = "0002"\ndown_revision = None\n') == {
        "revision": "0002",
        "down_revision": None,
    }


def test_at_head_only_once_migrated_to_the_head(tmp_path: Path) -> None:
    path = tmp_path / "staketrack.db"
    assert not sqlite_at_head(_url(path))  # no file yet
    sqlite3.connect(path).close()
    assert not sqlite_at_head(_url(path))  # a file without alembic_version
    first = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())[-1].revision
    upgrade(_url(path), first)
    assert not sqlite_at_head(_url(path))  # behind
    ensure_migrated(_url(path))  # the fast path says no: Alembic migrates it
    assert sqlite_at_head(_url(path))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'newer'")
    assert not sqlite_at_head(_url(path))  # a revision this code does not know: Alembic decides


def test_not_for_an_in_memory_database() -> None:
    assert not sqlite_at_head("sqlite+aiosqlite:///:memory:")


async def _alembic_heads(url: str) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: set(MigrationContext.configure(sync).get_current_heads())
            )
    finally:
        await engine.dispose()


def test_the_revision_read_without_alembic_is_alembics(database_url: str) -> None:
    import asyncio

    current = _current(database_url)
    assert current == asyncio.run(_alembic_heads(database_url))
    assert current == script_heads()  # the fixture's database is migrated to the head


def test_a_database_without_alembic_version_has_no_revision(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    assert _current(_url(path)) == set()
