"""Reward events from the ingest against the demo network, on SQLite and PostgreSQL: each
demo wallet's events sum to the demo network's own ledger to the base unit (ETH, SOL,
ATOM) over the same span; a re-fetch stores nothing twice; a failing rewards read keeps
the positions; deleting the account deletes the wallet's events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy import delete, func, select
from structlog.testing import capture_logs

from domain.chains import Position
from domain.errors import ChainUnavailable
from domain.models import Chain
from domain.rewards.derive import RewardBasis
from domain.rewards.events import RewardEvent, RewardKind
from infrastructure.chains.demo.cosmos import CosmosDemo
from infrastructure.chains.demo.ethereum import EthereumDemo
from infrastructure.chains.demo.solana import SolanaDemo
from infrastructure.chains.demo.solana_world import Clock as SolanaClock
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.models import (
    ChainMetricsRow,
    RewardDayRow,
    RewardEventRow,
    StakingPositionRow,
    ValidatorObservationRow,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services.ingest import Ingest
from services.reward_ingest import backfill_rewards
from tests.integration.conftest import forget_chain_validators

START = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # after the demo whale's slashing


@pytest.fixture(autouse=True)
async def leave_no_trace(resources: Resources) -> AsyncIterator[None]:
    """These tests ingest at instants in November 2026; the PostgreSQL test database is
    shared by the whole run, and other tests count the rows of their own (current) hour:
    the observations and metrics of those instants and the demo wallets' positions and
    events go when the test ends."""
    yield
    async with resources.session_factory() as session:
        for model in (ValidatorObservationRow, ChainMetricsRow):
            await session.execute(
                delete(model).where(
                    model.observed_at >= START - timedelta(days=2),
                    model.observed_at < START + timedelta(days=6),
                )
            )
        await session.commit()
    for chain in Chain:
        await forget_wallets(resources, chain)


def ingest(resources: Resources) -> Ingest:
    return Ingest(resources.chains(), lambda: SqlUnitOfWork(resources.session_factory))


async def forget_wallets(resources: Resources, chain: Chain) -> None:
    """The demo wallets' positions and events from other tests (a shared PostgreSQL
    database; positions read at a later clock would make these be skipped as older)."""
    owners = list(demo_addresses(chain).values())
    async with resources.session_factory() as session:
        for model in (StakingPositionRow, RewardEventRow, RewardDayRow):
            await session.execute(
                delete(model).where(model.chain == chain.value, model.owner.in_(owners))
            )
        await session.commit()


async def drive(resources: Resources, chain: Chain, times: Sequence[datetime]) -> Ingest:
    """The chain's hourly ingest at the first instant, then each demo wallet's positions
    fetched again at every following one (the demo network's clock set to it)."""
    await forget_chain_validators(resources, chain)
    await forget_wallets(resources, chain)
    runner = ingest(resources)
    clock = resources.chains().clock
    try:
        clock.fixed = times[0]
        await runner.run(chain)
        for at in times[1:]:
            clock.fixed = at
            for address in demo_addresses(chain).values():
                await runner.wallet_positions(chain, address)
    finally:
        clock.fixed = None
    return runner


async def events_of(resources: Resources, chain: Chain, owner: str) -> list[RewardEvent]:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        return await uow.reward_events.of_owner(chain, owner)


async def rollup_of(resources: Resources, chain: Chain, owner: str) -> dict[str, int]:
    """The wallet's daily rollup (`reward_days`), summed per position."""
    async with resources.session_factory() as session:
        rows = await session.execute(
            select(RewardDayRow.position_key, func.sum(RewardDayRow.amount))
            .where(RewardDayRow.chain == chain.value, RewardDayRow.owner == owner)
            .group_by(RewardDayRow.position_key)
        )
        return {key: int(amount) for key, amount in rows if amount}


def sums(events: Sequence[RewardEvent]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for event in events:
        total[event.position_key] += event.amount
    return {key: amount for key, amount in total.items() if amount}


def nonzero(ledger: dict[str, int]) -> dict[str, int]:
    return {key: amount for key, amount in ledger.items() if amount}


async def test_eth_events_sum_to_the_demo_ledger(resources: Resources) -> None:
    times = [START + timedelta(hours=h) for h in range(7)]
    await drive(resources, Chain.ETH, times)
    demo = EthereumDemo(resources.settings.demo_seed, resources.settings.demo_eth_validators)
    whale = demo_addresses(Chain.ETH)["whale"]
    events = await events_of(resources, Chain.ETH, whale)

    ledger = nonzero(demo.ledger(whale, times[0], times[-1]))
    assert len(ledger) >= 8  # the whale's active validators all earned
    assert sums(events) == ledger
    # the sweep withdrew meanwhile (0x01 validators): income, not a loss
    assert all(e.kind is RewardKind.REWARD and e.amount > 0 for e in events)
    assert {e.period for e in events} == {
        f"ingest:{a:%Y-%m-%dT%H:%M:%SZ}/{b:%Y-%m-%dT%H:%M:%SZ}" for a, b in pairwise(times)
    }
    assert all(e.stake and e.stake >= 32 * 10**9 for e in events)
    staker = demo_addresses(Chain.ETH)["staker"]
    staker_events = await events_of(resources, Chain.ETH, staker)
    assert sums(staker_events) == nonzero(demo.ledger(staker, times[0], times[-1]))


async def test_sol_events_are_the_inflation_rewards_of_each_epoch(resources: Resources) -> None:
    times = [START + timedelta(hours=12 * k) for k in range(9)]  # 4 days: 2+ epochs
    await drive(resources, Chain.SOL, times)
    demo = SolanaDemo(resources.settings.demo_seed)
    first, last = SolanaClock.at(times[0]).epoch, SolanaClock.at(times[-1]).epoch
    assert last - first >= 2
    for name, accounts in (("whale", 4), ("staker", 1)):  # those earning all along
        owner = demo_addresses(Chain.SOL)[name]
        events = await events_of(resources, Chain.SOL, owner)
        ledger = nonzero(demo.rewards.ledger(owner, first - 1, last - 1))
        assert len(ledger) >= accounts
        assert sums(events) == ledger
        assert {e.epoch for e in events} == set(range(first - 1, last))
        assert all(e.period == f"epoch:{e.epoch}" and not e.estimated for e in events)
    assert await events_of(resources, Chain.SOL, demo_addresses(Chain.SOL)["empty"]) == []


async def test_atom_accruals_sum_to_the_demo_ledger_across_the_daily_claims(
    resources: Resources,
) -> None:
    times = [START + timedelta(hours=h) for h in range(31)]  # two midnights (claims)
    await drive(resources, Chain.ATOM, times)
    demo = CosmosDemo(resources.settings.demo_seed)
    world = demo._world
    for name in ("whale", "staker"):
        owner = demo_addresses(Chain.ATOM)[name]
        events = await events_of(resources, Chain.ATOM, owner)
        ledger = nonzero(
            {
                f"delegation:{world.by_index[index].operator}": demo.rewards.ledger(
                    index, amount, times[0], times[-1]
                )
                for index, amount in world.delegations(owner)
            }
        )
        assert len(ledger) >= 2
        assert sums(events) == ledger
        # the claims at midnight: the accrual across each is estimated, the rest exact
        estimated = {e.occurred_at for e in events if e.estimated}
        assert estimated == {datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 22, tzinfo=UTC)}


async def test_atom_a_first_claim_is_estimated_from_the_chain_parameters(
    resources: Resources,
) -> None:
    """A claim before the delegation has an accrual of its own: the interval is estimated
    from inflation, the community tax, the bonded ratio and the commission."""
    times = [datetime(2026, 11, 20, 23, 0, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)]
    await drive(resources, Chain.ATOM, times)
    demo = CosmosDemo(resources.settings.demo_seed)
    world = demo._world
    whale = demo_addresses(Chain.ATOM)["whale"]
    events = {e.position_key: e for e in await events_of(resources, Chain.ATOM, whale)}
    earning = {
        f"delegation:{world.by_index[index].operator}": demo.rewards.ledger(
            index, amount, times[0], times[1]
        )
        for index, amount in world.delegations(whale)
    }
    earning = nonzero(earning)
    assert set(events) == set(earning) and len(earning) >= 3
    for key, truth in earning.items():
        assert events[key].estimated
        assert abs(events[key].amount - truth) <= truth // 100  # the next day's parameters


async def count_events(resources: Resources, chain: Chain) -> int:
    async with resources.session_factory() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(RewardEventRow)
                .where(RewardEventRow.chain == chain.value)
            )
        )


@pytest.mark.parametrize("chain", [Chain.ETH, Chain.SOL, Chain.ATOM])
async def test_a_refetch_never_double_counts(resources: Resources, chain: Chain) -> None:
    step = timedelta(hours=24 if chain is Chain.SOL else 1)
    times = [START, START + step, START + 2 * step]
    runner = await drive(resources, chain, times)
    stored = await count_events(resources, chain)
    assert stored > 0
    clock = resources.chains().clock
    try:
        clock.fixed = times[-1]  # the same instant again: the hourly job and a retry
        await runner.run(chain)
        for address in demo_addresses(chain).values():
            await runner.wallet_positions(chain, address)
    finally:
        clock.fixed = None
    assert await count_events(resources, chain) == stored
    # and the very same events offered again are all ignored
    whale = demo_addresses(chain)["whale"]
    again = await events_of(resources, chain, whale)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        assert await uow.reward_events.add_many(again) == 0
        await uow.commit()
    assert await count_events(resources, chain) == stored
    for address in demo_addresses(chain).values():  # nor does the daily rollup
        mine = await events_of(resources, chain, address)
        assert await rollup_of(resources, chain, address) == sums(mine)


async def test_the_hourly_ingest_stores_events_too(resources: Resources) -> None:
    runner = await drive(resources, Chain.ATOM, [START])
    clock = resources.chains().clock
    try:
        clock.fixed = START + timedelta(hours=1)
        await runner.run(Chain.ATOM)
    finally:
        clock.fixed = None
    for name in ("whale", "staker"):
        events = await events_of(resources, Chain.ATOM, demo_addresses(Chain.ATOM)[name])
        assert events and {e.occurred_at for e in events} == {START + timedelta(hours=1)}


async def test_events_from_superseded_readings_are_dropped(resources: Resources) -> None:
    """An ingest that derived its events from readings another ingest has replaced
    meanwhile stores none of them (that one counted the interval), only the positions."""
    await drive(resources, Chain.ATOM, [START, START + timedelta(hours=1)])
    whale = demo_addresses(Chain.ATOM)["whale"]
    async with SqlUnitOfWork(resources.session_factory) as uow:
        stale = await uow.reward_events.basis(Chain.ATOM, whale)
    runner = ingest(resources)
    adapter = resources.chains().adapters[Chain.ATOM]
    clock = resources.chains().clock
    try:
        clock.fixed = START + timedelta(hours=3)  # a slow job read at 3 h ...
        positions = await adapter.fetch_positions(whale)
        late = await adapter.fetch_rewards(whale, positions, stale)  # type: ignore[attr-defined]
        assert late
        clock.fixed = START + timedelta(hours=2)  # ... while another stored 2 h first
        await runner.wallet_positions(Chain.ATOM, whale)
    finally:
        clock.fixed = None
    before = sums(await events_of(resources, Chain.ATOM, whale))
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await Ingest._store(uow, Chain.ATOM, whale, positions, START + timedelta(hours=3),
                            late, stale)  # fmt: skip
        await uow.commit()
    assert sums(await events_of(resources, Chain.ATOM, whale)) == before  # not counted twice
    async with SqlUnitOfWork(resources.session_factory) as uow:
        assert (await uow.reward_events.basis(Chain.ATOM, whale)).read_at == START + timedelta(
            hours=3
        )


async def test_a_failing_rewards_read_keeps_the_positions(resources: Resources) -> None:
    runner = await drive(resources, Chain.ATOM, [START])
    adapter = resources.chains().adapters[Chain.ATOM]
    whale = demo_addresses(Chain.ATOM)["whale"]

    async def broken(address: str, positions: Sequence[Position], basis: RewardBasis) -> list:
        path = f"/cosmos/distribution/v1beta1/delegators/{address}/rewards"
        raise ChainUnavailable(f"cosmos-lcd answered HTTP 503 on {path}", endpoint=path)

    clock = resources.chains().clock
    adapter.fetch_rewards = broken  # type: ignore[attr-defined]
    try:
        clock.fixed = START + timedelta(hours=1)
        with capture_logs() as logs:
            assert await runner.wallet_positions(Chain.ATOM, whale) >= 2
    finally:
        del adapter.fetch_rewards  # type: ignore[attr-defined]
        clock.fixed = None
    async with resources.session_factory() as session:
        fetched = await session.scalars(
            select(StakingPositionRow.fetched_at).where(StakingPositionRow.owner == whale)
        )
        assert set(fetched) == {START + timedelta(hours=1)}
    assert await events_of(resources, Chain.ATOM, whale) == []
    failed = [entry for entry in logs if entry["event"] == "rewards_failed"]
    assert failed == [
        {"event": "rewards_failed", "log_level": "warning", "chain": "atom",
         "code": "CHAIN_UNAVAILABLE"}
    ]  # fmt: skip
    assert whale[:12] not in str(logs)  # no address, not even a shortened one


async def test_deleting_the_account_deletes_the_wallets_events(resources: Resources) -> None:
    await drive(resources, Chain.ATOM, [START, START + timedelta(hours=1)])
    whale = demo_addresses(Chain.ATOM)["whale"]
    staker = demo_addresses(Chain.ATOM)["staker"]
    assert await events_of(resources, Chain.ATOM, whale)
    staker_events = await events_of(resources, Chain.ATOM, staker)
    assert staker_events
    assert await rollup_of(resources, Chain.ATOM, whale) == sums(
        await events_of(resources, Chain.ATOM, whale)
    )
    staker_days = await rollup_of(resources, Chain.ATOM, staker)
    assert staker_days == sums(staker_events)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        owner = await uow.wallets.owner_of(Chain.ATOM, whale)
        assert owner is not None
        user = await uow.users.get(owner.user_id)
        assert user is not None
        await uow.personal_data.delete_user(user.id, user.email)
        await uow.commit()
    assert await events_of(resources, Chain.ATOM, whale) == []
    assert await rollup_of(resources, Chain.ATOM, whale) == {}  # the daily rollup too
    assert await events_of(resources, Chain.ATOM, staker) == staker_events  # not theirs
    assert await rollup_of(resources, Chain.ATOM, staker) == staker_days


@pytest.mark.parametrize("chain", [Chain.ETH, Chain.SOL, Chain.ATOM])
async def test_backfilled_history_sums_to_the_demo_ledger_and_continues(
    resources: Resources, chain: Chain
) -> None:
    """The demo seed's reward history: (since, the stored reading] as the ingest would
    have read it; the next ingest continues it; a second backfill adds nothing."""
    since = START - timedelta(days=2)
    runner = await drive(resources, chain, [START])
    sources = resources.chains()
    factory = lambda: SqlUnitOfWork(resources.session_factory)  # noqa: E731
    whale = demo_addresses(chain)["whale"]
    assert await backfill_rewards(sources, factory, chain, whale, since) > 0
    try:
        sources.clock.fixed = START + timedelta(hours=1)
        await runner.wallet_positions(chain, whale)
    finally:
        sources.clock.fixed = None
    end = START + timedelta(hours=1)
    events = await events_of(resources, chain, whale)
    if chain is Chain.ETH:
        demo = EthereumDemo(resources.settings.demo_seed, resources.settings.demo_eth_validators)
        ledger = demo.ledger(whale, since, end)
    elif chain is Chain.SOL:
        first, last = SolanaClock.at(since).epoch, SolanaClock.at(end).epoch
        ledger = SolanaDemo(resources.settings.demo_seed).rewards.ledger(whale, first - 1, last - 1)
    else:
        cosmos = CosmosDemo(resources.settings.demo_seed)
        ledger = {
            f"delegation:{cosmos._world.by_index[i].operator}": cosmos.rewards.ledger(
                i, amount, since, end
            )
            for i, amount in cosmos._world.delegations(whale)
        }
    assert sums(events) == nonzero(ledger)
    assert await backfill_rewards(sources, factory, chain, whale, since) == 0


async def test_a_demo_pro_users_csv_export_totals_equal_the_portfolios_performance(
    resources: Resources,
) -> None:
    """Issue 14's check on the demo network: one user holding the demo whale's wallets of
    all three chains, their rewards ingested hour by hour, set to pro: the CSV export read
    back with Python's csv module sums, per chain, to the portfolio's "since first seen"
    performance, in base units and in USD at each day's close."""
    import csv
    import io

    from api.presenters.rewards import csv_stream
    from domain.models import Tier
    from domain.rewards.windows import Window
    from infrastructure.db.models import LinkedWalletRow
    from services import portfolio, price_closes, rewards

    times = [START + timedelta(hours=h) for h in range(0, 50, 7)]  # two days, three epochs
    for chain in Chain:
        await drive(resources, chain, times)
    factory = lambda: SqlUnitOfWork(resources.session_factory)  # noqa: E731
    async with factory() as uow:  # one user holds the whale's three wallets
        owner = await uow.wallets.owner_of(Chain.ATOM, demo_addresses(Chain.ATOM)["whale"])
        assert owner is not None
        user_id = owner.user_id
    async with resources.session_factory() as session, session.begin():
        for chain in (Chain.ETH, Chain.SOL):
            await session.execute(
                delete(LinkedWalletRow).where(
                    LinkedWalletRow.chain == chain.value,
                    LinkedWalletRow.address == demo_addresses(chain)["whale"],
                )
            )
    now = times[-1] + timedelta(minutes=30)
    async with factory() as uow:
        for chain in (Chain.ETH, Chain.SOL):
            await uow.wallets.link(user_id, chain, demo_addresses(chain)["whale"])
        await uow.users.set_tier(user_id, Tier.PRO, now)
        await uow.commit()
    prices = resources.chains().prices
    await price_closes.backfill(factory, prices, START.date() - timedelta(days=1), now.date(), now)

    async with factory() as uow:
        scored = await portfolio.scored(uow, user_id, Tier.PRO, None, now)
    assert scored.rewards is not None and scored.rewards.since is None  # pro: everything
    text = b"".join(
        [
            chunk
            async for chunk in csv_stream(rewards.export_rows(factory, user_id, 2026, "usd"), "usd")
        ]
    ).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {row["chain"] for row in rows} == {"eth", "sol", "atom"}
    for block in scored.rewards.chains:
        everything = block.performance.get(Window.ALL)
        mine = [row for row in rows if row["chain"] == block.chain.value]
        assert mine and everything.events == len(mine)
        assert sum(int(row["amount_base_units"]) for row in mine) == everything.rewards.base_units
        assert sum(Decimal(row["amount"]) for row in mine) == everything.rewards.coins
        assert everything.rewards.fiat is not None
        usd = sum(Decimal(row["value_usd"]) for row in mine)
        assert usd.quantize(Decimal("0.01")) == everything.rewards.fiat.usd
        assert everything.realised_apy is not None and everything.realised_apy > 0
