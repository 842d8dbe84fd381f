"""The start-up's "already at head?" check for the embedded SQLite file (no Alembic
import): it must agree with Alembic, and say no whenever Alembic has work to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory

from infrastructure.db.migrate import (
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
