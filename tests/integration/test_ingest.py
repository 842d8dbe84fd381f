"""The ingest service per chain against the demo network, on SQLite and PostgreSQL:
validators, the demo wallets' positions, observations, metrics; idempotent; failures
isolated; the same steps for every chain (the adapter port, no per-chain branch)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from domain.errors import ChainUnavailable
from domain.models import Chain
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.chains.http import ChainHttp
from infrastructure.db.models import (
    ChainMetricsRow,
    ChainSyncRow,
    EthValidatorRow,
    StakingPositionRow,
    ValidatorObservationRow,
    ValidatorRow,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services.ingest import Ingest
from tests.integration.conftest import forget_chain_validators


def ingest(resources: Resources) -> Ingest:
    return Ingest(resources.chains(), lambda: SqlUnitOfWork(resources.session_factory))


async def count(resources: Resources, model: Any, *where: Any) -> int:
    async with resources.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def positions_of(resources: Resources, chain: Chain, name: str) -> list[StakingPositionRow]:
    owner = demo_addresses(chain)[name]
    async with resources.session_factory() as session:
        rows = await session.scalars(
            select(StakingPositionRow).where(
                StakingPositionRow.chain == chain.value, StakingPositionRow.owner == owner
            )
        )
        return list(rows)


@pytest.mark.parametrize("chain", [Chain.ETH, Chain.SOL, Chain.ATOM])
async def test_ingest_fills_a_chain_from_the_demo_network(
    resources: Resources, chain: Chain
) -> None:
    await forget_chain_validators(resources, chain)
    report = await ingest(resources).run(chain)

    if chain is Chain.ETH:
        assert await count(resources, EthValidatorRow) == 2_000
    else:
        stored = await count(resources, ValidatorRow, ValidatorRow.chain == chain.value)
        assert stored == report.counts["validators"] > 100
    whale = await positions_of(resources, chain, "whale")
    assert len(whale) >= 2 and all(p.amount > 0 for p in whale)
    assert await positions_of(resources, chain, "empty") == []
    assert report.counts["observations"] > 0
    assert await count(resources, ChainMetricsRow, ChainMetricsRow.chain == chain.value) >= 1
    async with resources.session_factory() as session:
        sync = {
            row.step: row
            for row in await session.scalars(
                select(ChainSyncRow).where(ChainSyncRow.chain == chain.value)
            )
        }
    assert set(sync) == {"validators", "positions", "observations", "metrics"}
    assert all(row.last_success_at is not None for row in sync.values())


async def test_a_second_ingest_in_the_same_hour_adds_no_rows(resources: Resources) -> None:
    runner = ingest(resources)
    await runner.run(Chain.ATOM)
    first = (
        await count(resources, ValidatorObservationRow, ValidatorObservationRow.chain == "atom"),
        await count(resources, ChainMetricsRow, ChainMetricsRow.chain == "atom"),
        await count(resources, StakingPositionRow, StakingPositionRow.chain == "atom"),
    )
    await runner.run(Chain.ATOM)
    second = (
        await count(resources, ValidatorObservationRow, ValidatorObservationRow.chain == "atom"),
        await count(resources, ChainMetricsRow, ChainMetricsRow.chain == "atom"),
        await count(resources, StakingPositionRow, StakingPositionRow.chain == "atom"),
    )
    assert first == second


async def test_a_failing_chain_keeps_its_data_and_records_the_failure(resources: Resources) -> None:
    from infrastructure.chains.cosmos.adapter import CosmosAdapter

    runner = ingest(resources)
    await runner.run(Chain.ATOM)
    before = await positions_of(resources, Chain.ATOM, "whale")
    validators_before = await count(resources, ValidatorRow, ValidatorRow.chain == "atom")

    async def no_wait(_: float) -> None:
        pass

    # a real adapter whose node is gone (nothing listens on port 1)
    dead = ChainHttp("cosmos-lcd", ["http://127.0.0.1:1"], attempts=2, sleep=no_wait, timeout=2)
    resources.chains().adapters[Chain.ATOM] = CosmosAdapter(dead)
    with pytest.raises(ChainUnavailable):
        await runner.run(Chain.ATOM)
    await dead.aclose()
    await runner.run(Chain.SOL)  # other chains are unaffected

    assert [p.key for p in await positions_of(resources, Chain.ATOM, "whale")] == [
        p.key for p in before
    ]
    assert await count(resources, ValidatorRow, ValidatorRow.chain == "atom") == validators_before
    async with resources.session_factory() as session:
        failed = await session.get(ChainSyncRow, ("atom", "validators"))
        sol = await session.get(ChainSyncRow, ("sol", "validators"))
    assert failed is not None and failed.last_error_at is not None
    assert "ChainUnavailable" in (failed.last_error or "")
    assert sol is not None and sol.last_success_at is not None
    assert sol.last_error_at is None or sol.last_error_at < sol.last_success_at


async def test_wallet_positions_and_prices(resources: Resources) -> None:
    runner = ingest(resources)
    stored = await runner.wallet_positions(Chain.SOL, demo_addresses(Chain.SOL)["staker"])
    assert stored >= 1
    assert await runner.prices() == 6


async def test_an_older_fetch_never_overwrites_newer_positions(resources: Resources) -> None:
    from datetime import timedelta

    from infrastructure.db.repositories.chain_data import ChainDataRepository

    await ingest(resources).run(Chain.SOL)
    whale = demo_addresses(Chain.SOL)["whale"]
    before = [p.key for p in await positions_of(resources, Chain.SOL, "whale")]
    stale = before and (await positions_of(resources, Chain.SOL, "whale"))[
        0
    ].fetched_at - timedelta(minutes=5)
    async with resources.session_factory() as session, session.begin():
        written = await ChainDataRepository(session).replace_positions(Chain.SOL, whale, [], stale)
    assert written is False  # a slow job's empty answer from before the ingest is dropped
    assert [p.key for p in await positions_of(resources, Chain.SOL, "whale")] == before


async def test_a_linked_wallet_by_id_and_an_unlinked_one(resources: Resources) -> None:
    """The `fetch_wallet_positions` job's use case: the wallet looked up by id."""
    import uuid

    staker = demo_addresses(Chain.ATOM)["staker"]
    async with SqlUnitOfWork(resources.session_factory) as uow:
        wallet = await uow.wallets.owner_of(Chain.ATOM, staker)
    assert wallet is not None
    runner = ingest(resources)
    assert await runner.linked_wallet_positions(wallet.id) >= 1
    assert [p.owner for p in await positions_of(resources, Chain.ATOM, "staker")] != []
    assert await runner.linked_wallet_positions(uuid.uuid4()) == 0  # unlinked meanwhile


async def test_a_linked_wallets_positions_drop_its_owners_reads_only(
    resources: Resources,
) -> None:
    """A newly linked wallet's first fetch changes what its owner sees, nobody else's
    portfolio: the owner's cached reads go (by exact key), another user's stay."""
    import uuid

    from services import cache_keys

    staker = demo_addresses(Chain.ATOM)["staker"]
    async with SqlUnitOfWork(resources.session_factory) as uow:
        wallet = await uow.wallets.owner_of(Chain.ATOM, staker)
    assert wallet is not None
    someone_else = uuid.uuid4()
    mine = [
        cache_keys.portfolio(wallet.user_id, None),
        cache_keys.user_yield(wallet.user_id, "atom"),
    ]
    theirs = [cache_keys.portfolio(someone_else, None), cache_keys.portfolio(someone_else, "atom")]
    for key in mine + theirs:
        await resources.cache.set(key, b"old", 300)
    runner = Ingest(
        resources.chains(), lambda: SqlUnitOfWork(resources.session_factory), resources.reads
    )
    assert await runner.linked_wallet_positions(wallet.id) >= 1
    assert await resources.cache.get_many(*mine) == [None, None]
    assert await resources.cache.get_many(*theirs) == [b"old", b"old"]


async def test_every_chain_goes_through_the_same_steps(resources: Resources) -> None:
    """A streamed set (ETH) stores no validator rows from the set itself; the validators
    someone stakes with are read by id and observed, like the listed sets' validators."""
    eth = await ingest(resources).run(Chain.ETH)
    staked = {p.validator for p in await positions_of(resources, Chain.ETH, "whale")}
    stored = await count(resources, ValidatorRow, ValidatorRow.chain == "eth")
    observed = await count(
        resources, ValidatorObservationRow, ValidatorObservationRow.chain == "eth"
    )
    assert eth.counts["validators"] == 2_000  # the whole set, streamed into its index
    assert staked and stored >= len(staked) and stored < 2_000
    assert observed == eth.counts["observations"] >= len(staked)


async def test_ingest_writes_drop_the_cached_reads_of_that_chain(resources: Resources) -> None:
    from services import cache_keys

    cache = resources.cache
    sol_page = cache_keys.validators_first_page("sol", "stake", 50)
    atom_page = cache_keys.validators_first_page("atom", "stake", 50)
    for key in (sol_page, atom_page):
        await cache.set(key, b"old", 300)
    await Ingest(
        resources.chains(), lambda: SqlUnitOfWork(resources.session_factory), resources.reads
    ).run(Chain.SOL)
    assert await cache.get(sol_page) is None
    assert await cache.get(atom_page) == b"old"  # another chain's entries stay


async def test_live_positions_with_the_names_stored_before(resources: Resources) -> None:
    """`staketrack positions`: read now, nothing stored; names from an earlier fetch."""
    runner = ingest(resources)
    whale = demo_addresses(Chain.ATOM)["whale"]
    await runner.run(Chain.ATOM)
    stored = [(p.key, p.fetched_at) for p in await positions_of(resources, Chain.ATOM, "whale")]
    live = await runner.live_positions(Chain.ATOM, whale)
    assert len(live.positions) >= 2 and live.address == whale
    assert set(live.validator_names) == {p.validator for p in live.positions}
    after = [(p.key, p.fetched_at) for p in await positions_of(resources, Chain.ATOM, "whale")]
    assert after == stored  # nothing written
