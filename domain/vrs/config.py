"""The tunable numbers of the score (DESIGN.md §7). The defaults are the documented ones;
in the app they come from `vrs_config` rows (name -> value), read at run time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from domain.vrs.model import FACTORS, Factor

DEFAULT_WEIGHTS: Mapping[Factor, Decimal] = {
    Factor.UPTIME: Decimal(30),
    Factor.SLASHING: Decimal(25),
    Factor.COMMISSION: Decimal(20),
    Factor.PERFORMANCE: Decimal(15),
    Factor.DECENTRALIZATION: Decimal(10),
}
WEIGHT_PREFIX = "weight."
# row name -> dataclass field, for everything but the weights
_SCALARS = {
    "window.recent_days": "recent_days",
    "window.recent_weight": "recent_weight",
    "window.horizon_days": "horizon_days",
    "window.older_weight": "older_weight",
    "pending_days": "pending_days",
    "confidence.high_days": "high_confidence_days",
    "confidence.medium_days": "medium_confidence_days",
}
_WHOLE_DAYS = frozenset(
    {
        "recent_days",
        "horizon_days",
        "pending_days",
        "high_confidence_days",
        "medium_confidence_days",
    }
)


@dataclass(frozen=True, slots=True)
class VrsConfig:
    weights: Mapping[Factor, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    recent_days: int = 30  # the recent window: the last 30 days ...
    recent_weight: Decimal = Decimal("0.7")  # ... weigh 70 %
    horizon_days: int = 90  # days 31-90 form the older window; anything older is ignored
    older_weight: Decimal = Decimal("0.3")
    pending_days: int = 7  # fewer days of observations: pending, no score
    high_confidence_days: int = 60
    medium_confidence_days: int = 30

    def __post_init__(self) -> None:
        if set(self.weights) != set(FACTORS):
            raise ValueError("vrs_config: a weight for every factor is required")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("vrs_config: weights must be >= 0 and not all 0")
        if not 0 < self.recent_days < self.horizon_days:
            raise ValueError("vrs_config: need 0 < window.recent_days < window.horizon_days")
        if self.recent_weight < 0 or self.older_weight < 0:
            raise ValueError("vrs_config: window weights must be >= 0")
        if self.recent_weight + self.older_weight <= 0:
            raise ValueError("vrs_config: window weights must not both be 0")
        if self.pending_days < 1:
            raise ValueError("vrs_config: pending_days must be >= 1")
        if not 0 < self.medium_confidence_days <= self.high_confidence_days:
            raise ValueError("vrs_config: need 0 < confidence.medium_days <= confidence.high_days")

    @classmethod
    def from_rows(cls, rows: Mapping[str, str]) -> VrsConfig:
        """From `vrs_config` rows; a missing row keeps its default, an unknown one is an
        error (a misspelt name must not silently change nothing)."""
        unknown = sorted(
            name
            for name in rows
            if name not in _SCALARS
            and name.removeprefix(WEIGHT_PREFIX) not in {f.value for f in FACTORS}
        )
        if unknown:
            raise ValueError(f"vrs_config: unknown names {unknown}")
        defaults = cls()
        weights = dict(defaults.weights)
        values: dict[str, object] = {}
        try:
            for factor in FACTORS:
                if (text := rows.get(WEIGHT_PREFIX + factor.value)) is not None:
                    weights[factor] = Decimal(text)
            for name, attribute in _SCALARS.items():
                if (text := rows.get(name)) is not None:
                    values[attribute] = int(text) if attribute in _WHOLE_DAYS else Decimal(text)
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"vrs_config: not a number ({exc})") from exc
        return cls(weights=weights, **values)  # type: ignore[arg-type]

    def as_rows(self) -> dict[str, str]:
        """The rows that reproduce this config (the migration seeds the defaults)."""
        rows = {WEIGHT_PREFIX + f.value: str(self.weights[f]) for f in FACTORS}
        rows.update({name: str(getattr(self, attribute)) for name, attribute in _SCALARS.items()})
        return rows
