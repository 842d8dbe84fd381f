"""Real yield (DESIGN.md §7): what staking earns after inflation, validator fee and
slashing risk, per chain and validator, with the provenance of every input.

    inputs.chain_inputs(...)      chain metrics rows -> network nominal and inflation
    calculator.real_yield(...)    -> RealYield, every part separately, with confidence
    context.NetworkYieldContext   a chain's figures at one moment: network and validator yields
    calculation.calculation(...)  the public calculator: a breakdown applied to an amount
    slashing.slashing_factor(...) a validator's risk relative to the network base
    parameters                    the yield_config parameters and their defaults
"""

from domain.real_yield.calculator import (
    NOT_EARNING,
    Confidence,
    RealYield,
    ValidatorInputs,
    YieldAverage,
    formula,
    is_earning,
    real_yield,
    slashing_risk,
    stake_weighted_median,
    weighted_average,
)
from domain.real_yield.context import ChainYields, NetworkYieldContext
from domain.real_yield.inputs import ChainInputs, YieldDataMissing, chain_inputs
from domain.real_yield.parameters import (
    DEFAULTS,
    Parameter,
    SlashingEvent,
    YieldParameters,
    default_rows,
    parameters_from_rows,
)
from domain.real_yield.slashing import (
    SlashingRecord,
    slashing_factor,
    slashing_factor_from_score,
    validator_slashing_factor,
)

NETWORK = "_network"  # the `validator` of a chain's network-average snapshot row

__all__ = [
    "DEFAULTS",
    "NETWORK",
    "NOT_EARNING",
    "ChainInputs",
    "ChainYields",
    "Confidence",
    "NetworkYieldContext",
    "Parameter",
    "RealYield",
    "SlashingEvent",
    "SlashingRecord",
    "ValidatorInputs",
    "YieldAverage",
    "YieldDataMissing",
    "YieldParameters",
    "chain_inputs",
    "default_rows",
    "formula",
    "is_earning",
    "parameters_from_rows",
    "real_yield",
    "slashing_factor",
    "slashing_factor_from_score",
    "slashing_risk",
    "stake_weighted_median",
    "validator_slashing_factor",
    "weighted_average",
]
