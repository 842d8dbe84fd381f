"""A validator's slashing factor: how its risk compares with the network base (1).

From the validator's VRS slashing-history score when it has one (100: no incidents →
the clean factor; 0 → the maximum), otherwise from its own record and recent
observations. Bounds and weights come from `yield_config`.
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


def slashing_factor_from_score(score: int, params: YieldParameters) -> Decimal:
    """The VRS slashing-history score (0–100, 100 = clean) as a factor: linear from the
    clean factor at 100 to slashing_factor_max at 0, within the bounds."""
    with exact():
        clamped = min(100, max(0, score))
        factor = params.slashing_factor_clean + (
            params.slashing_factor_max - params.slashing_factor_clean
        ) * (Decimal(100 - clamped) / 100)
        return min(params.slashing_factor_max, max(params.slashing_factor_min, factor))
