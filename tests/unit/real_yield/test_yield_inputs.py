"""Each chain's nominal rate and inflation from its metrics, and where every input came
from (today's row, a last known value, a default, a configured estimate)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.models import Chain
from domain.real_yield import DEFAULTS, YieldDataMissing, chain_inputs
from tests.unit.real_yield.builders import DAY, NOON, YESTERDAY, atom, eth, sol

EPOCHS_PER_YEAR = Decimal("82181.25")  # 31,557,600 s / (12 s × 32 slots)


def test_eth_nominal_is_the_consensus_apr_plus_the_execution_estimate() -> None:
    inputs = chain_inputs(Chain.ETH, [eth()], DAY, DEFAULTS)
    # 296 gwei per increment per epoch × 82,181.25 epochs / 1e9 gwei = 0.02432565
    assert inputs.terms["consensusApr"] == Decimal("0.02432565")
    assert inputs.nominal == Decimal("0.02432565") + Decimal("0.003")
    assert inputs.terms["epochsPerYear"] == EPOCHS_PER_YEAR


def test_eth_inflation_is_net_issuance_over_supply() -> None:
    inputs = chain_inputs(Chain.ETH, [eth()], DAY, DEFAULTS)
    assert inputs.inflation == Decimal("0.02")  # (1,000,000 − 200,000) / 40,000,000
    assert inputs.fallback == ()
    assert inputs.estimated == ("executionRewards",)  # burn measured, supply configured


def test_eth_marks_the_adapters_estimates() -> None:
    row = eth(estimated=("nominal_apr", "total_supply", "inflation"))
    row = eth(
        estimated=row.estimated,
        details={**row.details, "burnSource": "estimate"},
    )
    inputs = chain_inputs(Chain.ETH, [row], DAY, DEFAULTS)
    assert inputs.estimated == ("executionRewards", "totalSupply", "annualBurn")
    assert inputs.fallback == ()  # estimates by method are not stale data


def test_eth_without_the_base_reward_recomputes_it_with_the_mainnet_constant() -> None:
    row = eth(details={"annualIssuance": "1000000", "annualBurn": "200000"})
    inputs = chain_inputs(Chain.ETH, [row], DAY, DEFAULTS)
    # 1e9 × 64 // isqrt(1e16) = 640 gwei; × 82,181.25 / 1e9
    assert inputs.terms["consensusApr"] == Decimal("0.052596")
    assert inputs.fallback == ("baseRewardPerIncrement",)


def test_eth_rows_without_the_parts_use_the_adapters_inflation() -> None:
    row = eth(details={"baseRewardPerIncrement": "296"}, inflation=Decimal("0.0071"))
    assert chain_inputs(Chain.ETH, [row], DAY, DEFAULTS).inflation == Decimal("0.0071")


def test_sol_nominal_is_validator_inflation_over_the_staked_share() -> None:
    inputs = chain_inputs(Chain.SOL, [sol()], DAY, DEFAULTS)
    assert inputs.terms["stakedRatio"] == Decimal("0.6")
    assert inputs.nominal == Decimal("0.075")  # 0.045 / (600 / 1000)
    assert inputs.inflation == Decimal("0.05")  # getInflationRate().total


def test_atom_nominal_is_mint_inflation_net_of_tax_over_the_bonded_ratio() -> None:
    inputs = chain_inputs(Chain.ATOM, [atom()], DAY, DEFAULTS)
    assert inputs.terms["bondedRatio"] == Decimal("0.5")
    assert inputs.nominal == Decimal("0.18")  # 0.10 × (1 − 0.10) / 0.5
    assert inputs.inflation == Decimal("0.10")
    assert inputs.fetched_at == NOON and inputs.fallback == ()


def test_a_missing_day_uses_the_last_known_row_and_says_so() -> None:
    inputs = chain_inputs(Chain.ATOM, [atom(YESTERDAY)], DAY, DEFAULTS)
    assert inputs.nominal == Decimal("0.18")
    assert set(inputs.fallback) == {"inflation", "communityTax", "totalStaked", "totalSupply"}
    assert inputs.fetched_at == YESTERDAY


def test_one_missing_field_falls_back_alone() -> None:
    rows = [atom(community_tax=None), atom(YESTERDAY, community_tax=Decimal("0.2"))]
    inputs = chain_inputs(Chain.ATOM, rows, DAY, DEFAULTS)
    assert inputs.fallback == ("communityTax",)
    assert inputs.nominal == Decimal("0.16")  # 0.10 × 0.8 / 0.5
    assert inputs.fetched_at == YESTERDAY  # the oldest figure used


def test_the_newest_row_wins_whatever_the_order() -> None:
    rows = [sol(YESTERDAY, inflation=Decimal("0.09")), sol(), sol(NOON - timedelta(hours=5))]
    assert chain_inputs(Chain.SOL, rows, DAY, DEFAULTS).inflation == Decimal("0.05")


def test_rows_of_later_days_and_beyond_the_window_are_not_used() -> None:
    tomorrow = sol(NOON + timedelta(days=1), inflation=Decimal("0.09"))
    assert chain_inputs(Chain.SOL, [tomorrow, sol()], DAY, DEFAULTS).inflation == Decimal("0.05")
    ancient = sol(NOON - timedelta(days=31))
    with pytest.raises(YieldDataMissing) as caught:
        chain_inputs(Chain.SOL, [ancient], DAY, DEFAULTS)
    assert caught.value.code == "YIELD_DATA_UNAVAILABLE"


def test_no_data_at_all_names_what_is_missing() -> None:
    with pytest.raises(YieldDataMissing) as caught:
        chain_inputs(Chain.ATOM, [atom(community_tax=None)], DAY, DEFAULTS)
    assert caught.value.missing == ("communityTax",)
    with pytest.raises(YieldDataMissing):
        chain_inputs(Chain.SOL, [], DAY, DEFAULTS)
    with pytest.raises(YieldDataMissing):  # a zero supply is no supply
        chain_inputs(Chain.SOL, [sol(total_supply=0)], DAY, DEFAULTS)


def test_rows_of_other_chains_are_ignored() -> None:
    with pytest.raises(YieldDataMissing):
        chain_inputs(Chain.SOL, [atom()], DAY, DEFAULTS)
