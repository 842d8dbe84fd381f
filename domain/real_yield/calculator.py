"""Real yield of a validator (or the network average) from the chain's figures:

    real       = nominal − inflation − fee − slashing risk
    compounded = (1 + nominal − fee − slashing risk) / (1 + inflation) − 1

`nominal` is the gross reward rate before commission, so the fee (nominal × commission)
is not counted twice; the slashing risk is the expected annual loss, Σ over the chain's
event kinds of (fraction × base annual rate), times the validator's slashing factor.
The subtraction is the stories' figure; the compounded one is what staking is worth in
purchasing power (rewards grow the stake while inflation grows the supply). All parts are
annual fractions (0.05 = 5 %), kept to 18 places; `real` is computed from the kept parts
so the breakdown adds up exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.chains import ValidatorStatus
from domain.models import Chain
from domain.real_yield.inputs import ChainInputs
from domain.real_yield.parameters import YieldParameters
from domain.real_yield.precision import exact, rounded


class Confidence(StrEnum):
    EXACT = "exact"  # every input is from the calculation's day
    FALLBACK = "fallback"  # some input is a last known value or a default (see `fallback`)


# validators that earn no rewards in this state (jailed, not in the active set, slashed,
# exited, not yet activated); DELINQUENT earns what its votes earn (its performance)
NOT_EARNING = frozenset(
    {
        ValidatorStatus.INACTIVE,
        ValidatorStatus.PENDING,
        ValidatorStatus.JAILED,
        ValidatorStatus.TOMBSTONED,
        ValidatorStatus.SLASHED,
        ValidatorStatus.EXITED,
    }
)

ONE = Decimal(1)

_NOMINAL = {
    Chain.ETH: "nominal = consensus APR (base reward per increment × epochs per year / "
    "increment, from the total active balance) + execution rewards estimate",
    Chain.SOL: "nominal = validator inflation / (activated stake / total supply)",
    Chain.ATOM: "nominal = mint inflation × (1 − community tax) / (bonded tokens / total supply)",
}
_INFLATION = {
    Chain.ETH: "inflation = (annual issuance − annual burn) / supply",
    Chain.SOL: "inflation = getInflationRate().total",
    Chain.ATOM: "inflation = mint inflation",
}


def formula(chain: Chain, *, per_validator: bool) -> str:
    """The formula used, in words (returned with every result)."""
    nominal = _NOMINAL[chain]
    if chain is Chain.SOL and per_validator:
        nominal += " × the validator's vote-credit performance"
    return "; ".join(
        (
            "real = nominal − inflation − fee − slashing risk",
            nominal,
            _INFLATION[chain],
            "fee = nominal × commission",
            "slashing risk = Σ(slash fraction × annual event rate) × slashing factor",
            "compounded = (1 + nominal − fee − slashing risk) / (1 + inflation) − 1",
        )
    )


def is_earning(status: ValidatorStatus | str | None) -> bool:
    return status is None or ValidatorStatus(status) not in NOT_EARNING


@dataclass(frozen=True, slots=True)
class ValidatorInputs:
    """What the calculator needs of one validator."""

    address: str
    commission: Decimal | None  # None: not reported (ETH has none at protocol level)
    earning: bool = True  # False: earns nothing now (see NOT_EARNING), nominal is 0
    performance: Decimal | None = None  # SOL: vote-credit performance 0..1 (None: unknown)
    performance_current: bool = True  # False: the last known value, from an earlier day
    slashing_factor: Decimal = ONE  # 1 = the network base risk


@dataclass(frozen=True, slots=True)
class RealYield:
    chain: Chain
    validator: str | None  # the validator's address; None: the network average
    nominal_apy: Decimal
    inflation_rate: Decimal
    validator_fee: Decimal
    slashing_risk: Decimal
    real_yield: Decimal  # nominal − inflation − fee − slashing risk
    real_yield_compounded: Decimal  # (1 + net) / (1 + inflation) − 1
    commission: Decimal
    slashing_factor: Decimal
    earning: bool
    confidence: Confidence
    fallback: tuple[str, ...]  # inputs that used a last known value or a default
    estimated: tuple[str, ...]  # inputs that are configured estimates by method
    fetched_at: datetime  # when the oldest chain figure used was observed
    performance: Decimal | None = None


def slashing_risk(chain: Chain, factor: Decimal, params: YieldParameters) -> Decimal:
    """Expected annual loss: Σ (fraction × annual rate) over the chain's event kinds,
    scaled by the validator's slashing factor."""
    with exact():
        base = sum((e.fraction * e.annual_rate for e in params.events(chain)), Decimal(0))
        return base * factor


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return min(high, max(low, value))


def real_yield(
    inputs: ChainInputs,
    params: YieldParameters,
    validator: ValidatorInputs | None = None,
    *,
    network_commission: Decimal | None = None,
) -> RealYield:
    """The breakdown for `validator`, or for the network average when it is None (then
    `network_commission`, the stake-weighted median commission, is the fee's rate)."""
    chain = inputs.chain
    fallback = list(inputs.fallback)
    with exact():
        # commission: ETH has none at protocol level; elsewhere a missing one falls back
        # to the network's median
        commission = validator.commission if validator is not None else network_commission
        if commission is None:
            if chain is Chain.ETH:
                commission = Decimal(0)
            else:
                commission = network_commission if network_commission is not None else Decimal(0)
                fallback.append("commission")
        commission = _clamp(commission, Decimal(0), ONE)

        nominal = inputs.nominal
        performance: Decimal | None = None
        if chain is Chain.SOL and validator is not None:
            performance = validator.performance
            if performance is None:
                performance = params.sol_default_performance
                fallback.append("performance")
            elif not validator.performance_current:
                fallback.append("performance")
            performance = _clamp(performance, Decimal(0), ONE)
            nominal *= performance
        earning = validator.earning if validator is not None else True
        if not earning:
            nominal = Decimal(0)

        factor = ONE
        if validator is not None:
            factor = _clamp(
                validator.slashing_factor, params.slashing_factor_min, params.slashing_factor_max
            )
        nominal = rounded(nominal)
        inflation = rounded(inputs.inflation)
        fee = rounded(nominal * commission)
        risk = rounded(slashing_risk(chain, factor, params))
        net = nominal - fee - risk
        real = net - inflation
        if inflation <= -1:
            raise ValueError(f"{chain.value}: inflation of {inflation} leaves nothing to divide")
        compounded = rounded((1 + net) / (1 + inflation) - 1)
    fallback_inputs = tuple(dict.fromkeys(fallback))
    return RealYield(
        chain=chain,
        validator=validator.address if validator is not None else None,
        nominal_apy=nominal,
        inflation_rate=inflation,
        validator_fee=fee,
        slashing_risk=risk,
        real_yield=real,
        real_yield_compounded=compounded,
        commission=commission,
        slashing_factor=factor,
        earning=earning,
        confidence=Confidence.FALLBACK if fallback_inputs else Confidence.EXACT,
        fallback=fallback_inputs,
        estimated=inputs.estimated,
        fetched_at=inputs.fetched_at,
        performance=performance,
    )


def stake_weighted_median(values: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """The value at which half of the stake is reached, going up from the lowest: the
    median of `(value, stake)` pairs weighted by stake (None without any stake)."""
    pairs = sorted((value, stake) for value, stake in values if stake > 0)
    total = sum(stake for _, stake in pairs)
    if total == 0:
        return None
    reached = 0
    for value, stake in pairs:
        reached += stake
        if 2 * reached >= total:
            return value
    return pairs[-1][0]  # pragma: no cover (the loop always returns)


@dataclass(frozen=True, slots=True)
class YieldAverage:
    """The parts of several breakdowns, averaged with weights (e.g. stake)."""

    nominal_apy: Decimal
    inflation_rate: Decimal
    validator_fee: Decimal
    slashing_risk: Decimal
    real_yield: Decimal
    real_yield_compounded: Decimal
    weight: Decimal


def weighted_average(
    items: Sequence[tuple[RealYield | YieldAverage, Decimal]],
) -> YieldAverage | None:
    """Σ weight × part / Σ weight for every part (None when the weights sum to 0); the
    average real yield is again nominal − inflation − fee − slashing risk."""
    with exact():
        total = sum((weight for _, weight in items), Decimal(0))
        if total <= 0:
            return None

        def mean(name: str) -> Decimal:
            return rounded(sum((getattr(y, name) * w for y, w in items), Decimal(0)) / total)

        nominal, inflation = mean("nominal_apy"), mean("inflation_rate")
        fee, risk = mean("validator_fee"), mean("slashing_risk")
        return YieldAverage(
            nominal_apy=nominal,
            inflation_rate=inflation,
            validator_fee=fee,
            slashing_risk=risk,
            real_yield=nominal - inflation - fee - risk,
            real_yield_compounded=mean("real_yield_compounded"),
            weight=total,
        )
