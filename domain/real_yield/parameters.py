"""The parameters of the real-yield calculation: one `yield_config` (DESIGN.md §7).

At run time they are rows of the `yield_config` table (chain, name, value, description),
editable without a code change; the defaults below are the documented values the
migration seeds and the ones used when the table (or a row) is missing, so the
calculator runs without a database.

Row names: `chain` is `eth`, `sol`, `atom` or `all`. A scalar row `(chain, name)` sets
the field `{chain}_{name}` (`all`: `name`) of `YieldParameters`. Slashing event kinds
are open-ended: any pair of rows `(chain, "<kind>.fraction")` and
`(chain, "<kind>.annual_rate")` is one kind of event on that chain, so a newly activated
slashing condition (e.g. on Solana) is a new pair of rows, not a code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation

from domain.models import Chain

ALL = "all"  # the `chain` of rows that apply to every chain
_CHAINS = frozenset(c.value for c in Chain)


@dataclass(frozen=True, slots=True)
class SlashingEvent:
    """One kind of penalty event at the network's base rate."""

    kind: str
    fraction: Decimal  # share of the stake lost per event (0..1)
    annual_rate: Decimal  # expected events per validator and year at the network base
    fraction_doc: str = ""
    annual_rate_doc: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A documented `yield_config` row."""

    chain: str
    name: str
    value: Decimal
    description: str


def _default_events() -> dict[Chain, tuple[SlashingEvent, ...]]:
    return {
        Chain.ETH: (
            SlashingEvent(
                "slashing",
                Decimal("0.04"),
                Decimal("0.0002"),
                "Stake lost by a slashed validator: the initial 1/32 penalty plus the "
                "penalties and missed rewards of the forced exit (~36 days); no correlation "
                "penalty (isolated slashings).",
                "Slashings per validator-year on mainnet (a few hundred among ~1M validators "
                "over four years).",
            ),
        ),
        Chain.SOL: (
            SlashingEvent(
                "duplicate_block",
                Decimal(0),
                Decimal(0),
                "Stake lost per slashing event: 0, mainnet has no protocol slashing today "
                "(set it when a slashing SIMD is activated).",
                "Slashing events per validator-year (0 while there is no protocol slashing).",
            ),
        ),
        Chain.ATOM: (
            SlashingEvent(
                "double_sign",
                Decimal("0.05"),
                Decimal("0.002"),
                "slash_fraction_double_sign of x/slashing (the validator is also tombstoned).",
                "Double-sign (tombstoning) events per validator-year on the Hub.",
            ),
            SlashingEvent(
                "downtime",
                Decimal("0.0001"),
                Decimal("0.05"),
                "slash_fraction_downtime of x/slashing (the validator is also jailed).",
                "Downtime jailings per validator-year on the Hub.",
            ),
        ),
    }


@dataclass(frozen=True, slots=True)
class YieldParameters:
    """Every tunable number of the calculation with its documented default; what each
    one means is in `DESCRIPTIONS` (also the rows' descriptions in `yield_config`)."""

    # Ethereum: the consensus spec's reward formula, the execution layer
    eth_execution_rewards_apr: Decimal = Decimal("0.003")
    eth_base_reward_factor: Decimal = Decimal(64)
    eth_effective_balance_increment: Decimal = Decimal(1_000_000_000)
    eth_seconds_per_slot: Decimal = Decimal(12)
    eth_slots_per_epoch: Decimal = Decimal(32)
    eth_seconds_per_year: Decimal = Decimal(31_557_600)
    # Solana
    sol_default_performance: Decimal = Decimal(1)
    # every chain: last known values, the slashing factor
    fallback_max_days: Decimal = Decimal(30)
    slashing_factor_min: Decimal = Decimal("0.5")
    slashing_factor_max: Decimal = Decimal(5)
    slashing_factor_clean: Decimal = Decimal(1)
    slashing_factor_slashed: Decimal = Decimal(4)
    slashing_factor_jailed_hour: Decimal = Decimal("0.05")
    slashing_factor_offline_hour: Decimal = Decimal("0.01")
    slashing_factor_window_days: Decimal = Decimal(90)
    # per chain: the kinds of penalty events (see SlashingEvent)
    slashing_events: Mapping[Chain, tuple[SlashingEvent, ...]] = field(
        default_factory=_default_events
    )

    def events(self, chain: Chain) -> tuple[SlashingEvent, ...]:
        return self.slashing_events.get(chain, ())


DESCRIPTIONS: dict[str, str] = {
    "eth_execution_rewards_apr": "Execution-layer rewards (priority fees + MEV) per staked ETH "
    "and year, added to the consensus APR. An estimate: the Beacon API does not report it.",
    "eth_base_reward_factor": "BASE_REWARD_FACTOR of the consensus spec; used only when a "
    "metrics row has no baseRewardPerIncrement (then recomputed from the total active "
    "balance, and marked as a fallback).",
    "eth_effective_balance_increment": "EFFECTIVE_BALANCE_INCREMENT of the consensus spec, in "
    "gwei (1 ETH).",
    "eth_seconds_per_slot": "SECONDS_PER_SLOT of the consensus spec.",
    "eth_slots_per_epoch": "SLOTS_PER_EPOCH of the consensus spec.",
    "eth_seconds_per_year": "Seconds per year (365.25 days) to annualise the per-epoch reward.",
    "sol_default_performance": "Vote-credit performance (0..1, 1 = cluster median) assumed for "
    "a validator without an observation; marked as a fallback when used.",
    "fallback_max_days": "How many days back a last known value may come from when today's "
    "is missing; older values are not used.",
    "slashing_factor_min": "Lower bound of a validator's slashing factor (1 = the network's "
    "base risk).",
    "slashing_factor_max": "Upper bound of a validator's slashing factor.",
    "slashing_factor_clean": "Slashing factor of a validator observed without any incident in "
    "the window (below 1 would reward a clean record: the base rates include validators "
    "with incidents).",
    "slashing_factor_slashed": "Added to the slashing factor when the validator is or was "
    "slashed or tombstoned.",
    "slashing_factor_jailed_hour": "Added to the slashing factor per hourly observation spent "
    "jailed.",
    "slashing_factor_offline_hour": "Added to the slashing factor per hourly observation spent "
    "delinquent or offline (uptime 0).",
    "slashing_factor_window_days": "Days of observations the slashing factor looks back.",
}


_SCALARS = tuple(f.name for f in fields(YieldParameters) if f.name != "slashing_events")


def _row_key(attribute: str) -> tuple[str, str]:
    """Field name -> (chain, name) of its row."""
    prefix, _, rest = attribute.partition("_")
    return (prefix, rest) if prefix in _CHAINS else (ALL, attribute)


def default_rows() -> list[Parameter]:
    """The documented defaults as `yield_config` rows (what the migration seeds)."""
    defaults = YieldParameters()
    rows = [
        Parameter(*_row_key(name), getattr(defaults, name), DESCRIPTIONS[name]) for name in _SCALARS
    ]
    for chain, events in defaults.slashing_events.items():
        for e in events:
            rows.append(Parameter(chain.value, f"{e.kind}.fraction", e.fraction, e.fraction_doc))
            rows.append(
                Parameter(chain.value, f"{e.kind}.annual_rate", e.annual_rate, e.annual_rate_doc)
            )
    return rows


# divisors and spec constants: 0 would make the formula undefined
_POSITIVE = frozenset(
    {
        "eth_base_reward_factor",
        "eth_effective_balance_increment",
        "eth_seconds_per_slot",
        "eth_slots_per_epoch",
        "eth_seconds_per_year",
    }
)


def _in_range(attribute: str, value: Decimal) -> bool:
    if not value.is_finite() or value < 0 or (attribute in _POSITIVE and value == 0):
        return False
    bounded = attribute.endswith(".fraction") or attribute.endswith("_performance")
    return not bounded or value <= 1


def parameters_from_rows(
    rows: Iterable[tuple[str, str, Decimal | str]],
) -> tuple[YieldParameters, list[str]]:
    """The parameters from `(chain, name, value)` rows over the defaults, and the rows
    ignored (unknown, unparsable or out of range) as "chain/name", for the log."""
    defaults = YieldParameters()
    scalars: dict[str, Decimal] = {}
    event_rows: dict[Chain, dict[str, dict[str, Decimal]]] = {}
    ignored: list[str] = []
    for chain_name, name, raw in rows:
        try:
            value = Decimal(raw)
        except (InvalidOperation, TypeError, ValueError):
            ignored.append(f"{chain_name}/{name}")
            continue
        kind, dot, part = name.partition(".")
        attribute = name if chain_name == ALL else f"{chain_name}_{name}"
        if not _in_range(attribute, value):
            ignored.append(f"{chain_name}/{name}")
        elif dot and part in {"fraction", "annual_rate"} and chain_name in _CHAINS:
            event_rows.setdefault(Chain(chain_name), {}).setdefault(kind, {})[part] = value
        elif attribute in _SCALARS and _row_key(attribute) == (chain_name, name):
            scalars[attribute] = value
        else:
            ignored.append(f"{chain_name}/{name}")
    events = dict(defaults.slashing_events)
    for chain, kinds in event_rows.items():
        known = {event.kind: event for event in events.get(chain, ())}
        for kind, parts in kinds.items():
            base = known.get(kind, SlashingEvent(kind, Decimal(0), Decimal(0)))
            known[kind] = replace(
                base,
                fraction=parts.get("fraction", base.fraction),
                annual_rate=parts.get("annual_rate", base.annual_rate),
            )
        events[chain] = tuple(known[kind] for kind in sorted(known))
    parameters = replace(defaults, slashing_events=events, **scalars)
    if parameters.slashing_factor_min > parameters.slashing_factor_max:
        ignored += ["all/slashing_factor_min", "all/slashing_factor_max"]
        parameters = replace(
            parameters,
            slashing_factor_min=defaults.slashing_factor_min,
            slashing_factor_max=defaults.slashing_factor_max,
        )
    return parameters, ignored


DEFAULTS = YieldParameters()
