"""The stored Ethereum validator set: replaced wholesale by a bulk load, and the
withdrawal-address index over it (the `WithdrawalIndex` port).

PostgreSQL: COPY into a fresh `eth_validators_new` without indexes, build the primary key
and the other indexes, then swap the tables in one short transaction (DESIGN.md §9: a
table swap writes 1.1M rows in ~1.9 s where COPY into the indexed table takes ~3.4 s and
an upsert 8.3 s). The table is UNLOGGED: it holds chain data that the next hourly fetch
replaces wholesale, so writing its 1.1M rows and six indexes to the WAL as well (~1.5-2 s
of the load) buys nothing. After a crash of PostgreSQL it comes back empty until the next
hourly fetch refills it (positions, scores and yields live in logged tables).
SQLite: stage the rows in a TEMP table — which takes no lock on the
database, so the API keeps writing while the set streams in — then replace the table's
rows in one transaction, rebuilding the address index after them. Either way, a stream
that fails midway leaves the old set as it was.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Sequence
from typing import Any

from sqlalchemy import Index, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from infrastructure.chains.ethereum.validator_set import RECORD_FIELDS
from infrastructure.db.models import EthValidatorRow
from infrastructure.db.models.chain_data import (
    ACTIVE_SQL,
    ADDRESS_INDEX,
    ADDRESS_KEY_SQL,
    PUBKEY_INDEX,
    PUBKEY_KEY_SQL,
    RARE_STATUS_SQL,
    WITHDRAWN_SQL,
    hex_key,
)
from infrastructure.logging import get_logger

log = get_logger(__name__)

TABLE = "eth_validators"
STAGING = "eth_validators_new"
PRIMARY_KEY = "pk_eth_validators"
# the list's and lookups' indexes (as in the model and migrations): name -> columns; built
# after COPY (1.1M rows, idle: the primary key ~0.6 s, the address key's ~1.4 s, the
# pubkey's ~0.9-1.2 s, the active validators' balance order ~0.8 s, the rest < 0.3 s)
INDEXES = {
    ADDRESS_INDEX: f'({ADDRESS_KEY_SQL}, balance, "index")',
    "ix_eth_validators_active_balance": f'(balance, "index") WHERE {ACTIVE_SQL}',
    "ix_eth_validators_withdrawn_balance": f'(balance, "index") WHERE {WITHDRAWN_SQL}',
    "ix_eth_validators_rare_balance": f'(status, balance, "index") WHERE {RARE_STATUS_SQL}',
    "ix_eth_validators_rare_status": f'(status, "index") WHERE {RARE_STATUS_SQL}',
    PUBKEY_INDEX: f"({PUBKEY_KEY_SQL})",
}
_LOCK_KEY = 0x65746856  # pg_advisory_lock key: one replacement at a time
_SORT_MEMORY = "256MB"  # index builds sort 1.1M keys in memory (the default 64MB spills)
_COLUMNS = ", ".join(f'"{name}"' for name in RECORD_FIELDS)

Record = Sequence[Any]  # one row in RECORD_FIELDS order
Batches = AsyncIterable[Sequence[Record]]


async def replace_validator_set(engine: AsyncEngine, batches: Batches) -> int:
    """Replace the stored set with the streamed one; the number of rows stored."""
    if engine.dialect.name == "postgresql":
        return await _replace_postgres(engine, batches)
    return await _replace_sqlite(engine, batches)


# --- PostgreSQL ------------------------------------------------------------------------


async def _replace_postgres(engine: AsyncEngine, batches: Batches) -> int:
    count = 0

    async def records() -> AsyncIterator[Record]:
        nonlocal count
        async for batch in batches:
            count += len(batch)
            for record in batch:
                yield record

    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            await raw.execute(
                f"DROP TABLE IF EXISTS {STAGING}; "
                f"CREATE UNLOGGED TABLE {STAGING} (LIKE {TABLE} INCLUDING DEFAULTS)"
            )
            try:
                started = time.perf_counter()
                await raw.copy_records_to_table(
                    STAGING, records=records(), columns=list(RECORD_FIELDS)
                )
                copied = time.perf_counter()
                await _build_indexes(raw)
                indexed = time.perf_counter()
                async with raw.transaction():
                    await raw.execute(
                        "SET LOCAL lock_timeout = '15s'; "
                        f"DROP TABLE {TABLE}; "
                        f"ALTER TABLE {STAGING} RENAME TO {TABLE}; "
                        f"ALTER TABLE {TABLE} RENAME CONSTRAINT {STAGING}_pkey TO {PRIMARY_KEY}; "
                        + "; ".join(
                            f"ALTER INDEX {_staged(name)} RENAME TO {name}" for name in INDEXES
                        )
                    )
            except BaseException:
                await _quietly(raw.execute(f"DROP TABLE IF EXISTS {STAGING}"))
                raise
        finally:
            await _quietly(raw.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY))
    log.info(
        "eth_validator_set_replaced",
        rows=count,
        stream_and_copy_s=round(copied - started, 2),
        indexes_s=round(indexed - copied, 2),
        swap_s=round(time.perf_counter() - indexed, 2),
    )
    return count


async def _quietly(statement: Awaitable[Any]) -> None:
    """Clean-up that must not mask the error being raised."""
    try:
        await statement
    except Exception as exc:
        log.warning("eth_validator_set_cleanup_failed", error=f"{type(exc).__name__}: {exc}")


def _staged(name: str) -> str:
    return name.replace(TABLE, STAGING, 1)


async def _build_indexes(raw: Any) -> None:
    """The primary key and the other indexes, one after the other: each build already
    uses PostgreSQL's parallel workers (two connections side by side measured no faster
    on 2 cores)."""
    creates = "; ".join(
        f"CREATE INDEX {_staged(name)} ON {STAGING} {columns}" for name, columns in INDEXES.items()
    )
    async with raw.transaction():
        await raw.execute(
            f"SET LOCAL maintenance_work_mem = '{_SORT_MEMORY}'; "
            f'ALTER TABLE {STAGING} ADD CONSTRAINT {STAGING}_pkey PRIMARY KEY ("index"); ' + creates
        )
    # statistics before the swap: a fresh table has none until autovacuum gets to it, and
    # the list's plans (which index serves a filter) depend on them
    await raw.execute(f"ANALYZE {STAGING}")


# --- SQLite ------------------------------------------------------------------------------


async def _replace_sqlite(engine: AsyncEngine, batches: Batches) -> int:
    placeholders = ", ".join("?" for _ in RECORD_FIELDS)
    count = 0
    async with engine.connect() as connection:
        await _run(connection, f"DROP TABLE IF EXISTS temp.{STAGING}")
        await _run(
            connection,
            f"CREATE TEMP TABLE {STAGING} AS SELECT {_COLUMNS} FROM {TABLE} WHERE 0",
        )
        try:
            insert = f"INSERT INTO temp.{STAGING} ({_COLUMNS}) VALUES ({placeholders})"
            async for batch in batches:
                async with connection.begin():
                    await connection.exec_driver_sql(insert, batch)
                count += len(batch)
            # one write transaction; the indexes rebuilt after the rows, not per row
            # (3.7 s instead of 7.1 s of write lock for 1.1M rows with one index)
            indexes = _indexes()
            async with connection.begin():
                await connection.exec_driver_sql(f"DELETE FROM {TABLE}")
                for index in indexes:
                    await connection.run_sync(index.drop)
                await connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PUBKEY_INDEX}")
                await connection.exec_driver_sql(f"DROP INDEX IF EXISTS {ADDRESS_INDEX}")
                await connection.exec_driver_sql(
                    f"INSERT INTO {TABLE} ({_COLUMNS}) "
                    f'SELECT {_COLUMNS} FROM temp.{STAGING} ORDER BY "index"'
                )
                for index in indexes:
                    await connection.run_sync(index.create)
                await connection.exec_driver_sql(  # both as migrated
                    f"CREATE INDEX {PUBKEY_INDEX} ON {TABLE} (pubkey)"
                )
                await connection.exec_driver_sql(
                    f"CREATE INDEX {ADDRESS_INDEX} "
                    f'ON {TABLE} (withdrawal_address, balance, "index")'
                )
        finally:
            await _run(connection, f"DROP TABLE IF EXISTS temp.{STAGING}")
    log.info("eth_validator_set_replaced", rows=count)
    return count


def _indexes() -> list[Index]:
    """The model's indexes (recreated exactly as migrated)."""
    table = EthValidatorRow.metadata.tables[TABLE]
    return sorted(table.indexes, key=lambda index: str(index.name))


async def _run(connection: AsyncConnection, statement: str) -> None:
    async with connection.begin():
        await connection.exec_driver_sql(statement)


# --- the withdrawal-address index ---------------------------------------------------------


class SqlWithdrawalIndex:
    """`ValidatorSetIndex` over the stored set: replaced wholesale by `replace`, one
    indexed query per address in `indices_for`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def replace(self, batches: Batches) -> int:
        return await replace_validator_set(self._engine, batches)

    async def indices_for(self, address: str) -> list[str]:
        address = address.lower()
        query = f'SELECT "index" FROM {TABLE} WHERE withdrawal_address = :address'
        parameters: dict[str, object] = {"address": address}
        if self._engine.dialect.name == "postgresql":  # through the address key's index
            query += f" AND {ADDRESS_KEY_SQL} = :key"
            parameters["key"] = hex_key(address)
        async with self._engine.connect() as connection:
            result = await connection.execute(text(query), parameters)
            return [str(index) for index in sorted(result.scalars())]
