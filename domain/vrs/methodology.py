"""How the score is made, per chain, as data: every factor's definition, inputs and weight,
the windows and rules, and the methodology version (served by GET /api/vrs/methodology).
The numbers are quoted from the code that applies them, so the text cannot drift."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.models import Chain
from domain.vrs import factors as f
from domain.vrs.config import VrsConfig
from domain.vrs.history import DROP_DAYS, DROP_POINTS
from domain.vrs.model import FACTORS, METHODOLOGY_VERSION, Factor


@dataclass(frozen=True, slots=True)
class FactorMethod:
    factor: Factor
    definition: str
    inputs: tuple[str, ...]
    available: bool = True  # False: the chain cannot measure it (always unavailable)


@dataclass(frozen=True, slots=True)
class Methodology:
    version: str
    config: VrsConfig
    chains: dict[Chain, tuple[FactorMethod, ...]]
    rules: tuple[str, ...]


def _n(value: Decimal | int) -> str:
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


def _spell(chain: Chain) -> str:
    base, hour = f.SPELL_POINTS[chain]
    spell = "every one" if f.MIN_SPELL_HOURS[chain] <= 0 else "a spell"
    if f.MIN_SPELL_SAMPLES[chain] > 1:
        spell += f" of at least {f.MIN_SPELL_SAMPLES[chain]} consecutive samples"
    if f.MIN_SPELL_HOURS[chain] > 0:
        spell += f" longer than {_n(f.MIN_SPELL_HOURS[chain])} h"
    return f"{spell} costs {_n(base)} points plus {_n(hour)} per hour in each window it touches"


_COMMISSION = (
    "Driven by the raises, the level a minor term. Per window: 100 − "
    f"({_n(f.RAISE_POINTS)} + {_n(f.RAISE_POINTS_PER_PP)} per point raised) for every raise "
    f"in it (×{_n(f.REVERT_MULTIPLIER)} when reverted within "
    f"{int(f.REVERT_WITHIN.total_seconds() // 3600)} h: raise-and-revert around an epoch "
    f"boundary weighs most; a cut costs {_n(f.DECREASE_POINTS)}: it is not a raise) − "
    f"{_n(f.LEVEL_POINTS)} per percentage point of mean commission; a raise weighs as its "
    "window does, so a recent one most"
)
_SHARE = (
    f"100 × (1 − {_n(f.SHARE_POINTS)} × stake share): 0 at a third of all stake, "
    "where a validator alone could halt the chain"
)

CHAINS: dict[Chain, tuple[FactorMethod, ...]] = {
    Chain.ETH: (
        FactorMethod(
            Factor.UPTIME,
            "Mean attestation liveness of the last finalized epoch per hourly sample "
            "(an included attestation counts when the node has no liveness data; 0 once "
            "slashed) × 100.",
            ("beacon liveness", "attestation rewards"),
        ),
        FactorMethod(
            Factor.SLASHING,
            "0 once slashed (flag or status; permanent), or in a window with a slashing; "
            "else 100 less offline spells (not live, inactivity penalties; a sporadic "
            "missed attestation is uptime and performance, not an outage): "
            f"{_spell(Chain.ETH)}.",
            ("validator slashed flag and status", "beacon liveness"),
        ),
        FactorMethod(
            Factor.COMMISSION,
            "Unavailable: plain Ethereum validators charge no protocol-level commission. "
            "Its weight goes to the other factors and confidence is at most medium.",
            (),
            available=False,
        ),
        FactorMethod(
            Factor.PERFORMANCE,
            "Mean attestation rewards actual / ideal (source, target, head) × 100.",
            ("beacon attestation rewards",),
        ),
        FactorMethod(
            Factor.DECENTRALIZATION,
            f"{_SHARE}; the share is the active stake of every validator withdrawing to the "
            "same address (the entity) over all active stake, as of the calculation. "
            "Unavailable for BLS (0x00) withdrawal credentials.",
            ("validator set: withdrawal address, effective balance, status",),
        ),
    ),
    Chain.SOL: (
        FactorMethod(
            Factor.UPTIME,
            "Mean per hourly sample of 0 while delinquent, else the vote credits of the last "
            "completed epoch against the cluster's best × 100.",
            ("getVoteAccounts: delinquent, epochCredits",),
        ),
        FactorMethod(
            Factor.SLASHING,
            "No protocol slashing on mainnet: 100 less the incidents the network punishes "
            f"with lost rewards, delinquency spells: {_spell(Chain.SOL)}.",
            ("getVoteAccounts: delinquent",),
        ),
        FactorMethod(
            Factor.COMMISSION,
            f"{_COMMISSION}.",
            ("getVoteAccounts: commission",),
        ),
        FactorMethod(
            Factor.PERFORMANCE,
            "Mean per sample of: vote credits this epoch against the cluster median "
            f"(capped at 1) and 1 − {_n(f.SKIP_EXCESS_POINTS)} × skip rate above the cluster "
            "median skip rate; × 100.",
            ("getVoteAccounts: epochCredits", "getBlockProduction"),
        ),
        FactorMethod(
            Factor.DECENTRALIZATION,
            f"Mean per sample of {_SHARE}, less {_n(f.TOP_THIRD_POINTS)} while in the "
            "superminority (the fewest largest validators holding more than a third).",
            ("getVoteAccounts: activatedStake of every vote account",),
        ),
    ),
    Chain.ATOM: (
        FactorMethod(
            Factor.UPTIME,
            "Mean per sample × 100 of: 1 while the signed-blocks window shows no missed "
            f"block, else {_n(f.ATOM_MISSED_SAMPLE)} × (1 − missed / window ÷ "
            f"{_n(f.ATOM_MISS_TOLERANCE)}), at least 0 (0 while jailed or tombstoned; no "
            "sample outside the active set). How often blocks are missed, and how many, "
            "in the range that matters, not a near-1 signed fraction.",
            ("slashing signing_infos: missed_blocks_counter", "slashing params"),
        ),
        FactorMethod(
            Factor.SLASHING,
            "Weighted by severity: 0 once tombstoned (double sign; permanent); else 100 less "
            f"jailings (downtime): {_spell(Chain.ATOM)}.",
            ("staking validators: jailed", "slashing signing_infos: tombstoned"),
        ),
        FactorMethod(
            Factor.COMMISSION,
            f"{_COMMISSION}; − {_n(f.MAX_RATE_POINTS_PER_PP)} per point of room left up to the "
            f"maximum commission rate (at most {_n(f.MAX_RATE_POINTS_CAP)}).",
            ("staking validators: commission rate, max_rate",),
        ),
        FactorMethod(
            Factor.PERFORMANCE,
            f"100 − {_n(f.MISS_EXCESS_POINTS)} per percentage point of missed blocks above "
            "the active set's median, plus the same for the rise from the window's earlier "
            "to its later half (the trend).",
            ("slashing signing_infos of the whole active set",),
        ),
        FactorMethod(
            Factor.DECENTRALIZATION,
            f"Mean per sample of {_SHARE} (voting-power share of the active set), less "
            f"{_n(f.TOP_THIRD_POINTS)} while among the top validators holding 33 %.",
            ("staking validators: tokens, status",),
        ),
    ),
}


def methodology(config: VrsConfig) -> Methodology:
    older_start = config.recent_days + 1
    rules = (
        "Every factor is 0-100, higher means lower risk.",
        f"Observations of the last {config.recent_days} days weigh "
        f"{_n(config.recent_weight * 100)} %, days {older_start}-{config.horizon_days} "
        f"{_n(config.older_weight * 100)} %, older ones nothing; a window without data "
        "gives its weight to the other.",
        "The total is the weighted mean of the available factors, the weights renormalised "
        "over them. An unavailable factor is never replaced by a made-up value.",
        f"Fewer than {config.pending_days} days of observations: pending, no score.",
        f"Confidence high: all {len(FACTORS)} factors and ≥ {config.high_confidence_days} "
        f"days; low: fewer than 3 factors or < {config.medium_confidence_days} days; "
        "medium otherwise.",
        "Bands: 80-100 green, 50-79 yellow, 0-49 red.",
        "Free tier: uptime, slashing and commission, weights renormalised over them; "
        "pro: all five. Computed at delivery; the stored score keeps every factor.",
        f"History: the last score of each day; a fall of more than {DROP_POINTS} points "
        f"within {DROP_DAYS} days is flagged.",
    )
    return Methodology(METHODOLOGY_VERSION, config, CHAINS, rules)
