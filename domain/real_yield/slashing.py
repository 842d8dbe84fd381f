"""A validator's slashing factor: how its risk compares with the network base (1).

Interim measure from the validator's own record and recent observations; it will be
replaced by the VRS slashing score. Bounds and weights come from `yield_config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.real_yield.parameters import YieldParameters
from domain.real_yield.precision import exact


@dataclass(frozen=True, slots=True)
class SlashingRecord:
    """A validator's incidents within the window (hourly observations)."""

    observed_hours: int  # observations in the window
    jailed_hours: int = 0  # of them jailed (ATOM)
    offline_hours: int = 0  # of them delinquent (SOL) or with uptime 0 (any chain)
    slashed: bool = False  # slashed or tombstoned now or in the window


def slashing_factor(record: SlashingRecord, params: YieldParameters) -> Decimal:
    """clean factor + slashed weight (once) + per-hour weights of jailed and offline
    hours, within [slashing_factor_min, slashing_factor_max]."""
    with exact():
        factor = (
            params.slashing_factor_clean
            + (params.slashing_factor_slashed if record.slashed else Decimal(0))
            + params.slashing_factor_jailed_hour * record.jailed_hours
            + params.slashing_factor_offline_hour * record.offline_hours
        )
        return min(params.slashing_factor_max, max(params.slashing_factor_min, factor))
