"""A chain's network figures from its stored metrics: the gross reward rate (nominal)
and the inflation, per chain formula, with every input's provenance.

Each input is taken from the newest metrics row that has it. A value from a row of an
earlier day than the calculation's is a *fallback* (the last known value); so is a
configured default used because no row reported the value. Values the chain adapter
itself marked as configured estimates (ETH supply and burn without an execution node,
execution rewards) are listed as *estimated*: they are the method, not stale data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from domain.chains import ChainMetrics
from domain.errors import DomainError
from domain.models import Chain
from domain.real_yield.parameters import YieldParameters
from domain.real_yield.precision import exact


class YieldDataMissing(DomainError):
    """An input without which the chain's yield cannot be computed was never reported
    (within the fallback window): typically the chain has not been fetched yet."""

    code = "YIELD_DATA_UNAVAILABLE"
    message = "No chain data to compute the yield from yet; try again later."

    def __init__(self, chain: Chain, missing: Sequence[str]) -> None:
        super().__init__(
            f"No {chain.value} chain data to compute the yield from yet; try again later.",
            details={"chain": chain.value, "missing": list(missing)},
        )
        self.chain = chain
        self.missing = tuple(missing)


@dataclass(frozen=True, slots=True)
class ChainInputs:
    """What the calculator needs of a chain, network-wide."""

    chain: Chain
    nominal: Decimal  # gross network reward rate before commission, per year
    inflation: Decimal  # annual supply growth (ETH: net of the burn)
    fetched_at: datetime  # observed_at of the oldest metrics row used
    fallback: tuple[str, ...] = ()  # inputs that used a last known value or a default
    estimated: tuple[str, ...] = ()  # inputs that are configured estimates by method
    terms: dict[str, Decimal] = field(default_factory=dict)  # intermediate figures


# input name -> how to read it from a metrics row (None: not in that row)
Reader = Callable[[ChainMetrics], Decimal | None]


def _detail(key: str) -> Reader:
    def read(metrics: ChainMetrics) -> Decimal | None:
        raw = metrics.details.get(key)
        if raw is None:
            return None
        try:
            value = Decimal(raw)
        except (InvalidOperation, TypeError, ValueError):
            return None
        return value if value.is_finite() else None

    return read


def _positive(reader: Reader) -> Reader:
    """A denominator: 0 or less counts as not reported."""

    def read(metrics: ChainMetrics) -> Decimal | None:
        value = reader(metrics)
        return value if value is not None and value > 0 else None

    return read


def _int(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


READERS: dict[str, Reader] = {
    "totalStaked": _positive(lambda m: Decimal(m.total_staked)),
    "totalSupply": _positive(lambda m: _int(m.total_supply)),
    "inflation": lambda m: m.inflation,
    "communityTax": lambda m: m.community_tax,
    "baseRewardPerIncrement": _positive(_detail("baseRewardPerIncrement")),
    "annualIssuance": _detail("annualIssuance"),
    "annualBurn": _detail("annualBurn"),
    "validatorInflation": _detail("validatorInflation"),
}


class _Resolver:
    """Picks each input from the newest row that has it, and records where it came from."""

    def __init__(
        self, chain: Chain, rows: Sequence[ChainMetrics], day: date, max_days: int
    ) -> None:
        oldest = day - timedelta(days=max_days)
        self._chain = chain
        self._rows = sorted(
            (r for r in rows if r.chain is chain and oldest <= r.observed_at.date() <= day),
            key=lambda r: r.observed_at,
            reverse=True,
        )
        self._day = day
        self.used: list[ChainMetrics] = []
        self.fallback: list[str] = []
        self.missing: list[str] = []

    def get(self, name: str) -> tuple[Decimal, ChainMetrics] | None:
        reader = READERS[name]
        for row in self._rows:
            value = reader(row)
            if value is not None:
                self.used.append(row)
                if row.observed_at.date() < self._day:
                    self.fallback.append(name)
                return value, row
        return None

    def value(self, name: str) -> Decimal | None:
        found = self.get(name)
        return None if found is None else found[0]

    def require(self, name: str) -> Decimal:
        value = self.value(name)
        if value is None:
            self.missing.append(name)
            return Decimal(0)
        return value

    def finish(
        self,
        nominal: Decimal,
        inflation: Decimal,
        terms: dict[str, Decimal],
        estimated: Sequence[str] = (),
    ) -> ChainInputs:
        if self.missing:
            raise YieldDataMissing(self._chain, self.missing)
        return ChainInputs(
            chain=self._chain,
            nominal=nominal,
            inflation=inflation,
            fetched_at=min(row.observed_at for row in self.used),
            fallback=tuple(dict.fromkeys(self.fallback)),
            estimated=tuple(estimated),
            terms=terms,
        )


def _estimated(row: ChainMetrics, field_name: str) -> bool:
    return field_name in row.estimated


def eth_inputs(resolver: _Resolver, params: YieldParameters) -> ChainInputs:
    """Consensus APR by the spec's reward formula (a fully participating validator earns
    its base reward every epoch): `base reward per increment × epochs per year /
    EFFECTIVE_BALANCE_INCREMENT`, the base reward per increment being
    `increment × BASE_REWARD_FACTOR // isqrt(total active balance)` — the adapter's figure,
    computed with the chain's own spec constants. Plus the execution-rewards estimate.
    Inflation = (annual issuance − annual burn) / supply."""
    increment = params.eth_effective_balance_increment
    epochs_per_year = params.eth_seconds_per_year / (
        params.eth_seconds_per_slot * params.eth_slots_per_epoch
    )
    total_active = resolver.require("totalStaked")
    per_increment = resolver.value("baseRewardPerIncrement")
    if per_increment is None and total_active > 0:  # recompute with the mainnet constant
        per_increment = Decimal(
            int(increment) * int(params.eth_base_reward_factor) // math.isqrt(int(total_active))
        )
        resolver.fallback.append("baseRewardPerIncrement")
    consensus = (per_increment or Decimal(0)) * epochs_per_year / increment
    nominal = consensus + params.eth_execution_rewards_apr
    estimated = ["executionRewards"]

    issuance, burn, supply = (
        resolver.get("annualIssuance"),
        resolver.get("annualBurn"),
        resolver.get("totalSupply"),
    )
    if issuance is not None and burn is not None and supply is not None:
        inflation = (issuance[0] - burn[0]) / supply[0]
        if _estimated(supply[1], "total_supply"):
            estimated.append("totalSupply")
        if burn[1].details.get("burnSource") == "estimate":
            estimated.append("annualBurn")
    else:  # an older row without the parts: the adapter's own quotient
        found = resolver.get("inflation")
        if found is None:
            resolver.missing.append("inflation")
            inflation = Decimal(0)
        else:
            inflation = found[0]
            if _estimated(found[1], "inflation"):
                estimated.append("inflation")
    return resolver.finish(
        nominal,
        inflation,
        estimated=estimated,
        terms={
            "consensusApr": consensus,
            "executionRewardsApr": params.eth_execution_rewards_apr,
            "epochsPerYear": epochs_per_year,
        },
    )


def sol_inputs(resolver: _Resolver, params: YieldParameters) -> ChainInputs:
    """Staking rewards go to activated stake only: nominal = getInflationRate().validator
    / (activated stake of all vote accounts / total supply); inflation =
    getInflationRate().total."""
    validator_inflation = resolver.require("validatorInflation")
    staked = resolver.require("totalStaked")
    supply = resolver.require("totalSupply")
    inflation = resolver.require("inflation")
    ratio = staked / supply if supply else Decimal(0)
    nominal = validator_inflation / ratio if ratio else Decimal(0)
    return resolver.finish(
        nominal,
        inflation,
        terms={"validatorInflation": validator_inflation, "stakedRatio": ratio},
    )


def atom_inputs(resolver: _Resolver, params: YieldParameters) -> ChainInputs:
    """Minted tokens go to bonded stake less the community pool's cut: nominal =
    mint inflation × (1 − community tax) / (pool.bonded_tokens / bank supply of uatom);
    inflation = mint inflation."""
    inflation = resolver.require("inflation")
    tax = resolver.require("communityTax")
    bonded = resolver.require("totalStaked")
    supply = resolver.require("totalSupply")
    ratio = bonded / supply if supply else Decimal(0)
    nominal = inflation * (1 - tax) / ratio if ratio else Decimal(0)
    return resolver.finish(nominal, inflation, terms={"communityTax": tax, "bondedRatio": ratio})


_FORMULAS = {Chain.ETH: eth_inputs, Chain.SOL: sol_inputs, Chain.ATOM: atom_inputs}


def chain_inputs(
    chain: Chain, rows: Sequence[ChainMetrics], day: date, params: YieldParameters
) -> ChainInputs:
    """The chain's network figures on `day` from its metrics rows (any order; rows of
    other chains, of later days or older than the fallback window are ignored). Raises
    YieldDataMissing when a required input was not reported in the window."""
    with exact():
        resolver = _Resolver(chain, rows, day, int(params.fallback_max_days))
        return _FORMULAS[chain](resolver, params)
