"""The interim slashing factor from a validator's record and recent observations."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.real_yield import DEFAULTS, SlashingRecord, slashing_factor


def test_a_clean_record_is_the_network_base() -> None:
    assert slashing_factor(SlashingRecord(observed_hours=2000), DEFAULTS) == 1


def test_incidents_add_their_weights() -> None:
    record = SlashingRecord(observed_hours=2000, jailed_hours=4, offline_hours=30)
    assert slashing_factor(record, DEFAULTS) == Decimal("1.5")  # 1 + 4 × 0.05 + 30 × 0.01


def test_the_factor_stays_within_its_bounds() -> None:
    slashed = SlashingRecord(observed_hours=10, jailed_hours=10, slashed=True)
    assert slashing_factor(slashed, DEFAULTS) == Decimal(5)  # 1 + 4 + 0.5, capped
    generous = replace(DEFAULTS, slashing_factor_clean=Decimal("0.2"))
    assert slashing_factor(SlashingRecord(observed_hours=10), generous) == Decimal("0.5")
