"""vrs_config rows → VrsConfig (defaults = the documented numbers), and the published
methodology."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.models import Chain
from domain.vrs import FACTORS, METHODOLOGY_VERSION, Factor, VrsConfig
from domain.vrs.methodology import methodology


def test_defaults_are_the_documented_numbers() -> None:
    config = VrsConfig()
    assert {f.value: int(w) for f, w in config.weights.items()} == {
        "uptime": 30,
        "slashing": 25,
        "commission": 20,
        "performance": 15,
        "decentralization": 10,
    }
    assert (config.recent_days, config.recent_weight) == (30, Decimal("0.7"))
    assert (config.horizon_days, config.older_weight) == (90, Decimal("0.3"))
    assert config.pending_days == 7
    assert (config.high_confidence_days, config.medium_confidence_days) == (60, 30)


def test_rows_round_trip_and_override_defaults() -> None:
    assert VrsConfig.from_rows(VrsConfig().as_rows()) == VrsConfig()
    assert VrsConfig.from_rows({}) == VrsConfig()
    tuned = VrsConfig.from_rows({"weight.uptime": "40", "window.recent_days": "14"})
    assert tuned.weights[Factor.UPTIME] == 40 and tuned.recent_days == 14
    assert tuned.weights[Factor.SLASHING] == 25


@pytest.mark.parametrize(
    "rows",
    [
        {"weight.uptme": "30"},  # misspelt
        {"weight.uptime": "-1"},
        {"weight.uptime": "lots"},
        {"window.recent_days": "90"},  # not shorter than the horizon
        {"window.recent_days": "2.5"},
        {"pending_days": "0"},
        {"window.recent_weight": "0", "window.older_weight": "0"},
        {"confidence.medium_days": "70"},
    ],
)
def test_invalid_rows_are_refused(rows: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="vrs_config"):
        VrsConfig.from_rows(rows)


def test_methodology_describes_every_factor_of_every_chain() -> None:
    method = methodology(VrsConfig())
    assert method.version == METHODOLOGY_VERSION
    assert set(method.chains) == set(Chain)
    for chain, factors in method.chains.items():
        assert [f.factor for f in factors] == list(FACTORS), chain
        assert all(f.definition for f in factors)
    eth_commission = method.chains[Chain.ETH][2]
    assert not eth_commission.available and eth_commission.inputs == ()
    assert all(f.available and f.inputs for c in (Chain.SOL, Chain.ATOM) for f in method.chains[c])
    assert any("70 %" in rule and "31-90" in rule for rule in method.rules)
    # the numbers are quoted from the code
    assert "10 points plus 1 per hour" in method.chains[Chain.SOL][1].definition
    assert "30 points plus 1 per hour" in method.chains[Chain.ATOM][1].definition
    assert "at least 4 consecutive samples" in method.chains[Chain.ETH][1].definition
    for chain in (Chain.SOL, Chain.ATOM):
        text = method.chains[chain][2].definition
        assert "(25 + 0.25 per point raised)" in text and "a cut costs 0" in text
        assert "0.2 per percentage point" in text
    assert "0.5 × (1 − missed / window ÷ 0.05)" in method.chains[Chain.ATOM][0].definition
