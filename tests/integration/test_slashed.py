"""Slashed means slashed, end to end on the demo network (SQLite and PostgreSQL): the
whale's validator that the demo beacon node slashes on SLASH_AT carries the worst
slashing factor in its yield — even when the newest risk score predates the slash — and
a slashing score of 0 in its VRS; a slashed ETH validator only the whole-set index knows
carries it too. (Solana has no protocol slashing: nothing to test there.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.models import Chain
from domain.real_yield import slashing_risk
from domain.vrs import FACTORS, Factor, ScoreConfidence, VrsConfig, VrsScore, VrsStatus
from infrastructure.chains.demo.ethereum import SLASH_AT
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.models import EthValidatorRow, StakingPositionRow, ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.resources import Resources
from services import real_yield, vrs
from services.real_yield import slashing_factors
from workers.context import JobDeps

WHALE = demo_addresses(Chain.ETH)["whale"]


async def slashed_whale_validator(resources: Resources) -> str:
    """The one of the whale's validators that the index says is slashed."""
    async with resources.session_factory() as session:
        staked = await session.scalars(
            select(StakingPositionRow.validator).where(
                StakingPositionRow.chain == "eth", StakingPositionRow.owner == WHALE
            )
        )
        indices = [int(v) for v in staked]
        slashed = list(
            await session.scalars(
                select(EthValidatorRow.index).where(
                    EthValidatorRow.index.in_(indices), EthValidatorRow.slashed
                )
            )
        )
    assert len(indices) == 10 and len(slashed) == 1
    return str(slashed[0])


def clean_score(validator: str, at: datetime) -> VrsScore:
    return VrsScore(
        chain=Chain.ETH,
        validator=validator,
        calculated_at=at,
        status=VrsStatus.SCORED,
        total=97,
        scores={**dict.fromkeys(FACTORS, 95), Factor.SLASHING: 100, Factor.COMMISSION: None},
        weights=VrsConfig().weights,
        data_days=90,
        confidence=ScoreConfidence.HIGH,
    )


async def test_a_score_from_before_the_slash_does_not_clean_the_yield(
    resources: Resources,
) -> None:
    clock = resources.chains().clock
    now = SLASH_AT + timedelta(hours=2)  # slashed; the hourly VRS step has not run since
    clock.fixed = now
    try:
        await JobDeps.from_resources(resources).ingest().run(Chain.ETH)
    finally:
        clock.fixed = None
    index = await slashed_whale_validator(resources)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.vrs_scores.add([clean_score(index, SLASH_AT - timedelta(hours=1))])
        await uow.commit()
        assert (await uow.yield_inputs.slashing_scores(Chain.ETH, now, [index]))[index] == 100
        params = await uow.yield_config.parameters()
        factors = await slashing_factors(uow, Chain.ETH, as_of=now, only=[index])
        result = await real_yield.breakdown(uow, Chain.ETH, index, now)
        owner = await uow.wallets.owner_of(Chain.ETH, WHALE)
        assert owner is not None
        mine = await real_yield.portfolio_yield(uow, owner.user_id, Chain.ETH, now)

    worst = params.slashing_factor_max
    assert factors == {index: worst}  # was 1: the pre-slash score won over the flag
    assert result.slashing_factor == worst
    assert result.slashing_risk == slashing_risk(Chain.ETH, worst, params) > 0
    assert not result.earning and result.nominal_apy == 0
    by_validator = {h.holding.position.validator: h.result for h in mine.holdings}
    slashed = by_validator[index]
    assert slashed is not None and slashed.slashing_factor == worst
    others = [r for v, r in by_validator.items() if v != index and r is not None]
    assert others and all(r.slashing_factor < worst for r in others)


async def test_the_slashed_validator_scores_0_for_slashing_and_so_the_worst_factor(
    resources: Resources,
) -> None:
    clock = resources.chains().clock
    now = datetime(2033, 2, 1, 10, tzinfo=UTC)  # an hour of its own (shared PostgreSQL)
    deps = JobDeps.from_resources(resources)
    ingest = deps.ingest()
    try:
        clock.fixed = now - timedelta(days=10)
        await ingest.run(Chain.ETH)
        index = await slashed_whale_validator(resources)
        async with resources.session_factory() as session:
            ids = sorted(
                await session.scalars(
                    select(StakingPositionRow.validator).where(StakingPositionRow.chain == "eth")
                )
            )
        for day in range(10, -1, -1):  # a daily sample, as the demo seed backfills
            clock.fixed = now - timedelta(days=day)
            sample = await ingest.read_history(Chain.ETH, ids, now - timedelta(days=day))
            await ingest.store_history(Chain.ETH, [sample])
    finally:
        clock.fixed = None
    run = await vrs.score_chain(deps.uow, deps.cache, deps.reads, Chain.ETH, [now])
    assert run.scored >= 10
    async with SqlUnitOfWork(resources.session_factory) as uow:
        scores = await uow.vrs_scores.latest_scores(Chain.ETH, ids, as_of=now)
        factors = await slashing_factors(uow, Chain.ETH, as_of=now, only=ids)
        params = await uow.yield_config.parameters()
    slashed = scores[index]
    assert slashed.status is VrsStatus.SCORED
    assert slashed.scores[Factor.SLASHING] == 0 and slashed.scores[Factor.UPTIME] == 0
    assert all(s.scores[Factor.SLASHING] == 100 for v, s in scores.items() if v != index)
    assert factors[index] == params.slashing_factor_max
    assert all(factors.get(v, 1) == 1 for v in ids if v != index)


async def test_a_slashed_eth_validator_only_the_index_knows_is_slashed_too(
    resources: Resources,
) -> None:
    await JobDeps.from_resources(resources).ingest().run(Chain.ETH)
    async with resources.session_factory() as session:
        observed = select(ValidatorRow.address).where(ValidatorRow.chain == "eth")
        unobserved = list(
            await session.scalars(
                select(EthValidatorRow.index)
                .where(EthValidatorRow.slashed)
                .order_by(EthValidatorRow.index)
                .limit(50)
            )
        )
        known = set(await session.scalars(observed))
    slashed = [str(i) for i in unobserved if str(i) not in known][:3]
    assert slashed  # the demo set has validators slashed long ago
    async with SqlUnitOfWork(resources.session_factory) as uow:
        params = await uow.yield_config.parameters()
        factors = await slashing_factors(uow, Chain.ETH, only=[*slashed, "0", "not-an-index"])
    assert factors == dict.fromkeys(slashed, params.slashing_factor_max)


async def test_the_demo_hubs_tombstoned_validator_carries_the_worst_factor(
    resources: Resources,
) -> None:
    clock = resources.chains().clock
    now = datetime(2033, 3, 1, 10, 20, tzinfo=UTC)  # an hour of its own (shared PostgreSQL)
    clock.fixed = now
    try:
        await JobDeps.from_resources(resources).ingest().run(Chain.ATOM)
    finally:
        clock.fixed = None
    async with resources.session_factory() as session:
        tombstoned = list(
            await session.scalars(
                select(ValidatorRow.address).where(
                    ValidatorRow.chain == "atom", ValidatorRow.slashed
                )
            )
        )
    assert len(tombstoned) == 1  # the demo Hub tombstones exactly one
    (address,) = tombstoned
    clean = replace(clean_score(address, now - timedelta(hours=1)), chain=Chain.ATOM)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        await uow.vrs_scores.add([clean])
        await uow.commit()
        params = await uow.yield_config.parameters()
        factors = await slashing_factors(uow, Chain.ATOM, as_of=now, only=[address])
        result = await real_yield.breakdown(uow, Chain.ATOM, address, now)
    assert factors == {address: params.slashing_factor_max}
    assert result.slashing_factor == params.slashing_factor_max and not result.earning
