"""A validator's slashing factor: how its risk compares with the network base (1).

A validator that is slashed (ETH) or tombstoned (ATOM) — now or within the window —
carries the maximum, whatever else is known: the flag is a fact of the chain, while a
risk score may predate it (the score of the hour before the slash, or a VRS step that
failed since). Otherwise the factor comes from the validator's VRS slashing-history
score when it has one (100: no incidents → the clean factor; 0 → the maximum), else
from its own record and recent observations. Bounds and weights come from
`yield_config`. Solana has no protocol slashing: its validators are never "slashed",
only delinquent (offline hours).
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
    """The maximum when slashed; else the clean factor + per-hour weights of jailed and
    offline hours, within [slashing_factor_min, slashing_factor_max]."""
    if record.slashed:
        return params.slashing_factor_max
    with exact():
        factor = (
            params.slashing_factor_clean
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


def validator_slashing_factor(
    record: SlashingRecord | None, score: int | None, params: YieldParameters
) -> Decimal:
    """A validator's factor from what is known of it: slashed or tombstoned → the
    maximum; else its VRS slashing score when it has one; else its record; else (nothing
    known) the clean factor."""
    if record is not None and record.slashed:
        return params.slashing_factor_max
    if score is not None:
        return slashing_factor_from_score(score, params)
    if record is not None:
        return slashing_factor(record, params)
    return params.slashing_factor_clean
