"""A chain's network figures at one moment, ready to compute real yields from: the
network average and any validator's (not to be confused with `domain.vrs.ChainContext`,
the risk score's per-chain context); and what one run of the yield step produced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.models import Chain
from domain.real_yield.calculator import RealYield, ValidatorInputs, real_yield
from domain.real_yield.inputs import ChainInputs
from domain.real_yield.parameters import YieldParameters


@dataclass(frozen=True, slots=True)
class NetworkYieldContext:
    """A chain's network figures and the stake-weighted median commission."""

    inputs: ChainInputs
    network_commission: Decimal | None
    parameters: YieldParameters

    def network(self) -> RealYield:
        return real_yield(self.inputs, self.parameters, network_commission=self.network_commission)

    def validator(self, inputs: ValidatorInputs) -> RealYield:
        return real_yield(
            self.inputs, self.parameters, inputs, network_commission=self.network_commission
        )


@dataclass(frozen=True, slots=True)
class ChainYields:
    """One run of the yield step for a chain: the network average first, then every
    active validator by address; `snapshots` of them were new for `day`."""

    chain: Chain
    day: date
    results: tuple[RealYield, ...]
    snapshots: int

    @property
    def validators(self) -> int:
        return len(self.results) - 1
