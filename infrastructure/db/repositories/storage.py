"""How much room each table takes: rows and bytes on disk, indexes and TOAST included
(PostgreSQL `pg_total_relation_size`; SQLite the `dbstat` pages of the table and its
indexes). For `staketrack storage` (services/storage.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from infrastructure.db import models  # noqa: F401  # every table registered on Base.metadata
from infrastructure.db.base import Base


@dataclass(frozen=True, slots=True)
class TableSize:
    name: str
    rows: int
    bytes: int


class StorageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def table_sizes(self) -> list[TableSize]:
        """Every table of our schema, largest first."""
        tables = [t for t in Base.metadata.sorted_tables if isinstance(t, Table)]
        sizes = await self._bytes([t.name for t in tables])
        found = []
        for table in tables:
            rows = int(await self._session.scalar(select(func.count()).select_from(table)) or 0)
            found.append(TableSize(table.name, rows, sizes.get(table.name, 0)))
        return sorted(found, key=lambda t: (-t.bytes, t.name))

    async def _bytes(self, names: list[str]) -> dict[str, int]:
        if self._session.get_bind().dialect.name == "postgresql":
            rows = await self._session.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
                )
            )
        else:  # every page of the table and of its indexes
            rows = await self._session.execute(
                text(
                    "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d "
                    "JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name"
                )
            )
        wanted = set(names)
        return {name: int(size or 0) for name, size in rows if name in wanted}
