"""Real-yield use cases: from the stored chain data (metrics, validators, observations,
risk scores, `yield_config`) to domain breakdowns.

- `chain_yields` / `compute_chain_yields`: the network average and every active
  validator of a chain; the latter also stores the day's snapshots (the yield step,
  workers/jobs/real_yield.py).
- `portfolio_yield`: the signed-in user's positions with their breakdowns and averages
  (`GET /api/yield`).
- `calculate`: the public calculator (`POST /api/yield/calculate`), the breakdown of a
  (chain, validator) cached as a domain value between yield steps.
- `slashing_factors`: the one seam between the risk score and the slashing risk.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from domain.errors import NotFound
from domain.models import Chain
from domain.portfolio import CHAIN_ORDER, Holding, PortfolioYield, position_inputs
from domain.portfolio import portfolio_yield as yield_view
from domain.real_yield import (
    ChainInputs,
    ChainYields,
    Confidence,
    NetworkYieldContext,
    RealYield,
    ValidatorInputs,
    YieldDataMissing,
    YieldParameters,
    chain_inputs,
    is_earning,
    stake_weighted_median,
    validator_slashing_factor,
)
from domain.real_yield.calculation import (
    Calculation,
    calculation,
    parse_amount,
    parse_chain,
    parse_validator,
)
from domain.real_yield.slashing import SlashingRecord
from domain.validators import eth_key
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import cache_keys
from services import portfolio as portfolios  # a module: services.portfolio imports this one

log = get_logger(__name__)


class ReadCache(Protocol):
    """The cache-aside port of API reads (infrastructure.cache.reads.CachedReads)."""

    async def get_or_build(
        self,
        entity: str,
        key: str,
        ttl_seconds: float,
        build: Callable[[], Awaitable[bytes]],
    ) -> bytes: ...


# --- the slashing factor: the one seam to the risk score ----------------------------------


async def slashing_factors(
    uow: SqlUnitOfWork,
    chain: Chain,
    *,
    as_of: datetime | None = None,
    only: Collection[str] | None = None,
    parameters: YieldParameters | None = None,
) -> dict[str, Decimal]:
    """Validator address -> slashing factor (1 = the network base risk); validators not in
    the mapping count as 1.

    Slashed (ETH, also from the whole-set index) or tombstoned (ATOM), now or within the
    last `slashing_factor_window_days`: the maximum, even when a risk score from before
    the slash says otherwise. Else from the validator's latest VRS slashing-history
    score when it has one; else from its record (jailed flag) and its observations of
    the window (jailed hours, delinquent or offline hours). Bounded by yield_config."""
    params = parameters or await uow.yield_config.parameters()
    until = as_of or datetime.now(UTC)
    since = until - timedelta(days=int(params.slashing_factor_window_days))
    records = await uow.yield_inputs.slashing_records(chain, since, until, only)
    scores = await uow.yield_inputs.slashing_scores(chain, as_of, only)
    return {
        address: validator_slashing_factor(records.get(address), scores.get(address), params)
        for address in records.keys() | scores.keys()
    }


# --- loading the calculator's inputs ---------------------------------------------------------


async def _chain_inputs(
    uow: SqlUnitOfWork, chain: Chain, as_of: datetime, params: YieldParameters
) -> ChainInputs:
    """From the newest metrics; only when they lack something (or are not from `as_of`'s
    day) are the older metrics of the fallback window read."""
    day = as_of.date()
    newest = await uow.yield_inputs.metrics(chain, as_of, limit=1)
    try:
        inputs = chain_inputs(chain, newest, day, params)
    except YieldDataMissing:
        inputs = None
    if inputs is not None and not inputs.fallback:
        return inputs
    since = as_of - timedelta(days=int(params.fallback_max_days) + 1)
    window = await uow.yield_inputs.metrics(chain, as_of, since=since)
    return chain_inputs(chain, window, day, params)


async def network_context(
    uow: SqlUnitOfWork,
    chain: Chain,
    as_of: datetime,
    parameters: YieldParameters | None = None,
) -> NetworkYieldContext:
    """The chain's figures as of `as_of` and the stake-weighted median commission of its
    active validators (ETH: none). YieldDataMissing when the chain was never fetched."""
    params = parameters or await uow.yield_config.parameters()
    inputs = await _chain_inputs(uow, chain, as_of, params)
    if chain is Chain.ETH:
        commission: Decimal | None = Decimal(0)
    else:
        commission = stake_weighted_median(await uow.yield_inputs.active_commissions(chain))
    return NetworkYieldContext(inputs=inputs, network_commission=commission, parameters=params)


async def validator_inputs(
    uow: SqlUnitOfWork,
    chain: Chain,
    as_of: datetime,
    addresses: Collection[str] | None = None,
    parameters: YieldParameters | None = None,
) -> dict[str, ValidatorInputs]:
    """Inputs of these validators (None: every active one) that are known; a wanted
    address without a stored validator is left out."""
    params = parameters or await uow.yield_config.parameters()
    validators = await uow.yield_inputs.validators(chain, addresses)
    if addresses is not None and not validators:
        return {}
    only = None if addresses is None else [v.address for v in validators]
    performance: dict[str, tuple[Decimal, datetime]] = {}
    if chain is Chain.SOL:  # vote-credit performance scales SOL's nominal rate
        since = as_of - timedelta(days=int(params.fallback_max_days) + 1)
        performance = await uow.yield_inputs.latest_performance(chain, since, as_of, only)
    factors = await slashing_factors(uow, chain, as_of=as_of, only=only, parameters=params)
    day = as_of.date()
    result = {}
    for validator in validators:
        perf = performance.get(validator.address)
        result[validator.address] = ValidatorInputs(
            address=validator.address,
            commission=validator.commission,
            earning=is_earning(validator.status),
            performance=perf[0] if perf else None,
            performance_current=perf is None or perf[1].date() == day,
            slashing_factor=factors.get(validator.address, Decimal(1)),
        )
    return result


# --- the yield step ------------------------------------------------------------------------


async def chain_yields(uow: SqlUnitOfWork, chain: Chain, as_of: datetime) -> list[RealYield]:
    """The network average and every active validator of `chain` (ETH: every observed
    validator, whatever its status), by address."""
    params = await uow.yield_config.parameters()
    context = await network_context(uow, chain, as_of, params)
    wanted = await observed_eth_validators(uow) if chain is Chain.ETH else None
    inputs = await validator_inputs(uow, chain, as_of, wanted, params)
    return [context.network()] + [context.validator(inputs[address]) for address in sorted(inputs)]


async def observed_eth_validators(uow: SqlUnitOfWork) -> list[str]:
    """The ETH validators with a yield snapshot: the observed set (staked with, watched or
    viewed: the validators rows the ingest keeps), not the whole 1.1M set — each snapshot
    is an immutable daily row, so all of them would add ~1.1M rows a day for validators
    nobody looks at (README)."""
    return await uow.chain_data.validator_ids(Chain.ETH)


async def compute_chain_yields(uow: SqlUnitOfWork, chain: Chain, now: datetime) -> ChainYields:
    """The yield step for one chain: its yields as of `now` and `now`'s day snapshots (a
    snapshot that exists for the day is kept as it was), committed. Raises
    YieldDataMissing when the chain has never been fetched."""
    results = await chain_yields(uow, chain, now)
    written = await uow.yield_snapshots.add(results, now.date())
    await uow.commit()
    return ChainYields(chain=chain, day=now.date(), results=tuple(results), snapshots=written)


# --- the signed-in user's positions ---------------------------------------------------------


async def portfolio_yield(
    uow: SqlUnitOfWork, user_id: uuid.UUID, chain: Chain | None, now: datetime
) -> PortfolioYield:
    """Each of the user's positions with its breakdown (none while its chain has no data),
    weighted averages per chain and overall."""
    portfolio = await portfolios.get_portfolio(uow, user_id, chain, now)
    return yield_view(portfolio, await holding_yields(uow, portfolio.holdings, now))


async def holding_yields(
    uow: SqlUnitOfWork, holdings: Sequence[Holding], now: datetime
) -> list[RealYield | None]:
    """The breakdown of each holding as it applies to the position (None while its chain
    has no data): a fixed number of queries per chain, however many positions."""
    results: list[RealYield | None] = [None] * len(holdings)
    params: YieldParameters | None = None
    for c in CHAIN_ORDER:
        mine = [i for i, holding in enumerate(holdings) if holding.chain is c]
        if not mine:
            continue
        params = params or await uow.yield_config.parameters()
        try:
            context = await network_context(uow, c, now, params)
        except YieldDataMissing:
            continue
        wanted = {holdings[i].position.validator for i in mine}
        known = await validator_inputs(uow, c, now, wanted, params)
        for i in mine:
            results[i] = context.validator(position_inputs(holdings[i].position, known))
    return results


# --- the public calculator ----------------------------------------------------------------


async def breakdown(
    uow: SqlUnitOfWork, chain: Chain, address: str | None, now: datetime
) -> RealYield:
    """The network average (address None) or one validator's breakdown as of `now`."""
    context = await network_context(uow, chain, now)
    if address is None:
        return context.network()
    inputs = (await validator_inputs(uow, chain, now, [address], context.parameters)).get(address)
    if inputs is None and chain is Chain.ETH:  # any validator of the stored set
        inputs = await eth_set_inputs(uow, address, context.parameters, now)
    if inputs is None:
        raise NotFound(f"No such {chain.value} validator.", details={"field": "validatorId"})
    return context.validator(inputs)


async def eth_set_inputs(
    uow: SqlUnitOfWork, address: str, params: YieldParameters, now: datetime
) -> ValidatorInputs | None:
    """An ETH validator of the stored set (by index or pubkey) that nobody observes yet,
    so it has no validators row: ETH has no commission; earning by its status; its
    slashing factor from its slashed flag alone (no observations). None when the set does
    not hold it."""
    key = eth_key(address)
    if key is None:
        return None
    listed = await uow.eth_validators.get(key, 0, now)
    if listed is None or listed.eth is None:
        return None
    record = SlashingRecord(observed_hours=0, slashed=listed.eth.slashed)
    return ValidatorInputs(
        address=listed.validator.address,
        commission=None,
        earning=is_earning(listed.validator.status),
        performance=None,
        performance_current=True,
        slashing_factor=validator_slashing_factor(record, None, params),
    )


async def calculate(
    uow: SqlUnitOfWork,
    reads: ReadCache,
    ttl_seconds: float,
    *,
    chain: str,
    amount: Any,
    validator_id: str | None,
    now: datetime,
) -> Calculation:
    """Real yield of `amount` whole coins staked on `chain` with a validator (None: the
    network average): InvalidInput for an amount that is not a number > 0, NotFound for
    an unknown chain or validator, YieldDataMissing when the chain has no data yet.

    The breakdown is cached per (chain, validator) until the next yield step (as a domain
    value: see `encode_yield`); prices are read on each call."""
    coins = parse_amount(amount)
    c = parse_chain(chain)
    address = parse_validator(c, validator_id)

    async def build() -> bytes:
        return encode_yield(await breakdown(uow, c, address, now))

    key = cache_keys.yield_calculation(c.value, address)
    cached = await reads.get_or_build("yield", key, ttl_seconds, build)
    try:
        result = decode_yield(cached)
    except (KeyError, TypeError, ValueError):  # an entry in an older format: build anew
        log.warning("yield_cache_entry_unreadable", chain=c.value)
        result = await breakdown(uow, c, address, now)
    return calculation(result, coins, await uow.chain_data.latest_prices())


# --- a breakdown in the cache ---------------------------------------------------------------

_DECIMALS = (
    "nominal_apy",
    "inflation_rate",
    "validator_fee",
    "slashing_risk",
    "real_yield",
    "real_yield_compounded",
    "commission",
    "slashing_factor",
)


def encode_yield(result: RealYield) -> bytes:
    """A breakdown as compact JSON (decimals as exact strings)."""
    data: dict[str, Any] = {name: str(getattr(result, name)) for name in _DECIMALS}
    data.update(
        v=1,
        chain=result.chain.value,
        validator=result.validator,
        earning=result.earning,
        confidence=result.confidence.value,
        fallback=list(result.fallback),
        estimated=list(result.estimated),
        fetched_at=result.fetched_at.isoformat(),
        performance=None if result.performance is None else str(result.performance),
    )
    return json.dumps(data, separators=(",", ":")).encode()


def decode_yield(raw: bytes) -> RealYield:
    data = json.loads(raw)
    if data["v"] != 1:
        raise ValueError("unknown format")
    return RealYield(
        chain=Chain(data["chain"]),
        validator=data["validator"],
        earning=bool(data["earning"]),
        confidence=Confidence(data["confidence"]),
        fallback=tuple(data["fallback"]),
        estimated=tuple(data["estimated"]),
        fetched_at=datetime.fromisoformat(data["fetched_at"]),
        performance=None if data["performance"] is None else Decimal(data["performance"]),
        **{name: Decimal(data[name]) for name in _DECIMALS},
    )
