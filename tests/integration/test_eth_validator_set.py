"""The stored ETH validator set on SQLite and PostgreSQL: replaced wholesale (twice, the
second smaller), untouched by a stream that fails midway, looked up by withdrawal
address, and still matching the migrations afterwards (`alembic check`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import ChainUnavailable
from domain.models import Chain
from infrastructure.chains.demo.ethereum import EthereumDemo
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.ethereum.adapter import EthereumAdapter
from infrastructure.chains.ethereum.validator_set import ValidatorRecord
from infrastructure.chains.http import ChainHttp
from infrastructure.db.eth_validator_set import SqlWithdrawalIndex, replace_validator_set
from infrastructure.db.migrate import alembic_config
from infrastructure.db.models import EthValidatorRow

ALICE = "0x" + "a1" * 20
BOB = "0x" + "b0" * 20


def record(index: int, address: str | None, *, prefix: int = 1) -> ValidatorRecord:
    exit_epoch = 400_000 if index % 7 == 0 else None
    return (
        index,
        f"0x{index:096x}",
        prefix if address else 0,
        address,
        "exited_unslashed" if exit_epoch else "active_ongoing",
        index % 11 == 0,
        32 * 10**9 + index,
        32 * 10**9,
        None if index % 5 == 0 else index,
        exit_epoch,
    )


def validator_set(count: int, owner: dict[int, str]) -> list[ValidatorRecord]:
    return [record(i, owner.get(i, f"0x{i:040x}" if i % 3 else None)) for i in range(count)]


async def batches(
    records: list[ValidatorRecord], size: int = 100, fail_after: int | None = None
) -> AsyncIterator[list[ValidatorRecord]]:
    for number, start in enumerate(range(0, len(records), size)):
        if fail_after is not None and number >= fail_after:
            raise ChainUnavailable(
                "stream broke off", endpoint="/eth/v1/beacon/states/head/validators"
            )
        await asyncio.sleep(0)
        yield records[start : start + size]


async def stored(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(EthValidatorRow.__table__).order_by("index"))
        return [tuple(row) for row in rows]


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(EthValidatorRow)))


@pytest.fixture
async def clean(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The engine on an empty `eth_validators`, emptied again afterwards."""
    await replace_validator_set(engine, batches([]))
    yield engine
    await replace_validator_set(engine, batches([]))


def owners(entries: Iterable[tuple[str, list[int]]]) -> dict[int, str]:
    return {index: address for address, indices in entries for index in indices}


async def test_replace_twice_then_look_up(clean: AsyncEngine) -> None:
    engine, index = clean, SqlWithdrawalIndex(clean)
    first = validator_set(1_000, owners([(ALICE, [5, 17, 998]), (BOB, [6])]))
    assert await replace_validator_set(engine, batches(first)) == 1_000
    assert await stored(engine) == [tuple(r) for r in first]
    assert await index.indices_for(ALICE) == ["5", "17", "998"]
    assert await index.indices_for(ALICE.upper().replace("0X", "0x")) == ["5", "17", "998"]

    second = validator_set(300, owners([(ALICE, [17]), (BOB, [6, 250])]))  # smaller
    assert await replace_validator_set(engine, batches(second, size=7)) == 300
    assert await count(engine) == 300
    assert await stored(engine) == [tuple(r) for r in second]
    # the same pooled connections answer for the new table
    assert await index.indices_for(ALICE) == ["17"]
    assert await index.indices_for(BOB) == ["6", "250"]
    assert await index.indices_for("0x" + "cc" * 20) == []


async def test_a_failed_stream_leaves_the_old_set(clean: AsyncEngine) -> None:
    engine, index = clean, SqlWithdrawalIndex(clean)
    old = validator_set(500, owners([(ALICE, [1, 2, 3])]))
    await replace_validator_set(engine, batches(old))
    new = validator_set(800, owners([(ALICE, [4])]))
    with pytest.raises(ChainUnavailable):
        await replace_validator_set(engine, batches(new, fail_after=3))
    assert await stored(engine) == [tuple(r) for r in old]
    assert await index.indices_for(ALICE) == ["1", "2", "3"]
    # duplicate indices (invalid data) fail at the key: the old set stays too
    duplicated = [*new, record(4, BOB)]
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await replace_validator_set(engine, batches(duplicated))
    assert await count(engine) == 500
    # and the next replacement works
    assert await replace_validator_set(engine, batches(new)) == 800
    assert await index.indices_for(ALICE) == ["4"]


async def test_the_schema_still_matches_the_migrations(clean: AsyncEngine) -> None:
    await replace_validator_set(clean, batches(validator_set(50, {})))
    async with clean.connect() as connection:
        await connection.run_sync(lambda sync: command.check(alembic_config(connection=sync)))

        def names(sync: Any) -> tuple[Any, ...]:
            inspector = inspect(sync)
            return (
                inspector.get_pk_constraint("eth_validators")["name"],
                sorted(ix["name"] for ix in inspector.get_indexes("eth_validators")),
                "eth_validators_new" in inspector.get_table_names(),
            )

        pk, indexes, staging_left = await connection.run_sync(names)
    assert indexes == [  # the list's and the lookups' indexes, rebuilt as migrated
        "ix_eth_validators_active_balance",
        "ix_eth_validators_pubkey",
        "ix_eth_validators_rare_balance",
        "ix_eth_validators_rare_status",
        "ix_eth_validators_withdrawal_address",
        "ix_eth_validators_withdrawn_balance",
    ]
    assert not staging_left
    if clean.dialect.name == "postgresql":
        assert pk == "pk_eth_validators"


@pytest.mark.postgres
async def test_concurrent_replacements_take_turns(postgres_url: str) -> None:
    from infrastructure.db.engine import create_engine

    engine = create_engine(postgres_url)
    try:
        one, two = validator_set(400, {}), validator_set(200, {})
        results = await asyncio.gather(
            replace_validator_set(engine, batches(one)),
            replace_validator_set(engine, batches(two)),
        )
        assert sorted(results) == [200, 400]
        assert await count(engine) in (200, 400)
        async with engine.connect() as connection:
            staging = await connection.scalar(text("SELECT to_regclass('eth_validators_new')"))
        assert staging is None
    finally:
        await replace_validator_set(engine, batches([]))
        await engine.dispose()


async def test_the_demo_set_end_to_end(clean: AsyncEngine) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    demo = EthereumDemo(seed=3, validators=2_500)
    http = ChainHttp(
        "eth-beacon",
        ["http://eth-beacon.demo"],
        transport=httpx.MockTransport(lambda request: demo(request, now)),
    )
    index = SqlWithdrawalIndex(clean)
    adapter = EthereumAdapter(http, index, now=lambda: now)
    assert await replace_validator_set(clean, adapter.stream_validator_set()) == 2_500
    assert await count(clean) == 2_500
    await replace_validator_set(clean, batches([]))
    # the port's whole-set step: the adapter streams into its index, the SQL table
    whole = await adapter.fetch_validator_set()
    assert (whole.size, whole.validators, await count(clean)) == (2_500, [], 2_500)
    whale = demo_addresses(Chain.ETH)["whale"]
    assert len(await index.indices_for(whale)) == 10
    positions = await adapter.fetch_positions(whale)
    assert len(positions) == 10 and all(p.amount > 0 for p in positions)
    await http.aclose()
