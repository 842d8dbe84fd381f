"""What one chain's ingest did (the ingest service's answer to jobs and the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from domain.amounts import Prices
from domain.chains import Position, Validator
from domain.models import Chain

Progress = Callable[[str, int], None]  # (step, items done so far)
INGEST_STEPS = ("validators", "positions", "observations", "metrics")


def no_progress(step: str, done: int) -> None:
    pass


@dataclass
class IngestReport:
    chain: Chain
    counts: dict[str, int] = field(default_factory=dict)  # step -> items stored
    failed_addresses: int = 0  # wallets whose positions could not be read this time


@dataclass(frozen=True)
class LivePositions:
    """One address's positions read from the chain now (not stored), with their
    validators where a fetch stored them before, and the latest prices stored."""

    chain: Chain
    address: str
    positions: list[Position]
    validators: dict[str, Validator]  # by address
    prices: Prices = field(default_factory=dict)

    @property
    def validator_names(self) -> dict[str, str]:
        return {address: v.name for address, v in self.validators.items() if v.name}
