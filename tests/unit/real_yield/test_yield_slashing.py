"""The slashing factor: from the VRS slashing score, else from the validator's record."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.real_yield import (
    DEFAULTS,
    SlashingRecord,
    slashing_factor,
    slashing_factor_from_score,
    validator_slashing_factor,
)


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


def test_a_vrs_slashing_score_maps_linearly_onto_the_factor() -> None:
    assert slashing_factor_from_score(100, DEFAULTS) == 1  # clean history: the network base
    assert slashing_factor_from_score(0, DEFAULTS) == 5  # the worst: the maximum
    assert slashing_factor_from_score(75, DEFAULTS) == 2  # 1 + (5 − 1) × 0.25
    assert slashing_factor_from_score(75, DEFAULTS) < slashing_factor_from_score(74, DEFAULTS)


def test_slashed_or_tombstoned_is_the_worst_factor_whatever_the_weights() -> None:
    slashed = SlashingRecord(observed_hours=1, slashed=True)
    assert slashing_factor(slashed, DEFAULTS) == DEFAULTS.slashing_factor_max == 5
    # not clean + slashed weight: the maximum, also when that sum would stay below it
    wide = replace(DEFAULTS, slashing_factor_max=Decimal(9))
    assert slashing_factor(slashed, wide) == 9


def test_the_flag_beats_a_clean_risk_score_from_before_the_slash() -> None:
    slashed = SlashingRecord(observed_hours=0, slashed=True)
    assert validator_slashing_factor(slashed, 100, DEFAULTS) == 5
    jailed = SlashingRecord(observed_hours=10, jailed_hours=4)
    assert validator_slashing_factor(jailed, 100, DEFAULTS) == 1  # a score decides otherwise
    assert validator_slashing_factor(jailed, None, DEFAULTS) == Decimal("1.2")
    assert validator_slashing_factor(None, 0, DEFAULTS) == 5
    assert validator_slashing_factor(None, None, DEFAULTS) == 1  # nothing known: the base
