"""The breakdown: fee, slashing risk, the compounded figure, negative real yields,
fallbacks of validator inputs, determinism, and the stake-weighted helpers."""

from __future__ import annotations

import decimal
from dataclasses import replace
from decimal import Decimal

from domain.models import Chain
from domain.real_yield import (
    DEFAULTS,
    Confidence,
    SlashingEvent,
    ValidatorInputs,
    chain_inputs,
    formula,
    real_yield,
    slashing_risk,
    stake_weighted_median,
    weighted_average,
)
from tests.unit.real_yield.builders import DAY, YESTERDAY, atom, eth, sol

ATOM = chain_inputs(Chain.ATOM, [atom()], DAY, DEFAULTS)  # nominal 0.18, inflation 0.10
SOL = chain_inputs(Chain.SOL, [sol()], DAY, DEFAULTS)  # nominal 0.075, inflation 0.05
ETH = chain_inputs(Chain.ETH, [eth()], DAY, DEFAULTS)


def test_every_part_of_a_validators_breakdown() -> None:
    validator = ValidatorInputs("cosmosvaloper1abc", Decimal("0.05"), slashing_factor=Decimal(2))
    result = real_yield(ATOM, DEFAULTS, validator)
    assert (result.chain, result.validator) == (Chain.ATOM, "cosmosvaloper1abc")
    assert result.nominal_apy == Decimal("0.18")
    assert result.inflation_rate == Decimal("0.10")
    assert result.validator_fee == Decimal("0.009")  # 0.18 × 0.05
    # (0.05 × 0.002 double sign + 0.0001 × 0.05 downtime) × 2
    assert result.slashing_risk == Decimal("0.00021")
    assert result.real_yield == Decimal("0.07079")  # 0.18 − 0.10 − 0.009 − 0.00021
    # (1 + 0.18 − 0.009 − 0.00021) / 1.10 − 1 = 1.17079 / 1.1 − 1, to 18 places
    assert result.real_yield_compounded == Decimal("0.064354545454545455")
    assert result.confidence is Confidence.EXACT and result.fallback == ()


def test_the_parts_add_up_exactly() -> None:
    result = real_yield(SOL, DEFAULTS, ValidatorInputs("vote", Decimal("0.07")))
    parts = result.nominal_apy - result.inflation_rate - result.validator_fee
    assert parts - result.slashing_risk == result.real_yield


def test_the_network_average_uses_the_median_commission_and_the_base_risk() -> None:
    result = real_yield(ATOM, DEFAULTS, network_commission=Decimal("0.1"))
    assert result.validator is None and result.slashing_factor == 1
    assert result.validator_fee == Decimal("0.018")
    assert result.slashing_risk == Decimal("0.000105")


def test_a_negative_real_yield_comes_out_negative() -> None:
    validator = ValidatorInputs("vote", Decimal("0.1"), performance=Decimal("0.5"))
    result = real_yield(SOL, DEFAULTS, validator)
    assert result.nominal_apy == Decimal("0.0375")  # 0.075 × performance 0.5
    assert result.validator_fee == Decimal("0.00375")
    assert result.slashing_risk == 0  # no protocol slashing on Solana
    assert result.real_yield == Decimal("-0.01625")  # 0.0375 − 0.05 − 0.00375
    assert result.real_yield_compounded < 0


def test_sol_scales_the_nominal_by_the_validators_performance() -> None:
    full = real_yield(SOL, DEFAULTS, ValidatorInputs("a", Decimal(0), performance=Decimal(1)))
    half = real_yield(SOL, DEFAULTS, ValidatorInputs("b", Decimal(0), performance=Decimal("0.5")))
    assert (full.nominal_apy, half.nominal_apy) == (Decimal("0.075"), Decimal("0.0375"))
    assert half.performance == Decimal("0.5")
    network = real_yield(SOL, DEFAULTS, network_commission=Decimal(0))
    assert network.nominal_apy == Decimal("0.075") and network.performance is None


def test_unknown_performance_uses_the_default_and_says_so() -> None:
    result = real_yield(SOL, DEFAULTS, ValidatorInputs("vote", Decimal(0)))
    assert result.nominal_apy == Decimal("0.075")  # default performance 1
    assert result.confidence is Confidence.FALLBACK and result.fallback == ("performance",)
    stale = ValidatorInputs(
        "vote", Decimal(0), performance=Decimal("0.8"), performance_current=False
    )
    older = real_yield(SOL, DEFAULTS, stale)
    assert older.nominal_apy == Decimal("0.06") and older.fallback == ("performance",)


def test_a_missing_commission_falls_back_to_the_network_median() -> None:
    result = real_yield(
        ATOM, DEFAULTS, ValidatorInputs("v", None), network_commission=Decimal("0.1")
    )
    assert result.commission == Decimal("0.1") and result.fallback == ("commission",)
    eth_result = real_yield(ETH, DEFAULTS, ValidatorInputs("12345", None))
    assert eth_result.commission == 0 and eth_result.fallback == ()  # ETH has none


def test_metrics_fallbacks_carry_into_the_result() -> None:
    stale = chain_inputs(Chain.ATOM, [atom(YESTERDAY)], DAY, DEFAULTS)
    result = real_yield(stale, DEFAULTS, ValidatorInputs("v", Decimal("0.05")))
    assert result.confidence is Confidence.FALLBACK
    assert "inflation" in result.fallback and result.fetched_at == YESTERDAY
    assert result.real_yield == Decimal("0.07079") + Decimal("0.00021") - Decimal("0.000105")


def test_a_validator_that_earns_nothing_only_loses() -> None:
    jailed = ValidatorInputs("v", Decimal("0.05"), earning=False)
    result = real_yield(ATOM, DEFAULTS, jailed)
    assert result.nominal_apy == 0 and result.validator_fee == 0 and not result.earning
    assert result.real_yield == Decimal("-0.100105")


def test_the_slashing_factor_is_bounded_by_the_configuration() -> None:
    reckless = real_yield(ATOM, DEFAULTS, ValidatorInputs("v", Decimal(0), slashing_factor=50))
    assert reckless.slashing_factor == Decimal(5)
    assert reckless.slashing_risk == Decimal("0.000525")


def test_slashing_risk_sums_the_chains_event_kinds() -> None:
    params = replace(
        DEFAULTS,
        slashing_events={
            Chain.SOL: (
                SlashingEvent("a", Decimal("0.1"), Decimal("0.01")),
                SlashingEvent("b", Decimal("0.5"), Decimal("0.002")),
            )
        },
    )
    assert slashing_risk(Chain.SOL, Decimal(3), params) == Decimal("0.006")  # (0.001+0.001)×3
    assert slashing_risk(Chain.ATOM, Decimal(1), params) == 0  # no kinds configured


def test_same_inputs_same_digits_whatever_the_callers_decimal_context() -> None:
    validator = ValidatorInputs("vote", Decimal("0.07"), performance=Decimal("0.987654321"))
    inputs = chain_inputs(Chain.SOL, [sol(total_staked=617, total_supply=1009)], DAY, DEFAULTS)
    first = real_yield(inputs, DEFAULTS, validator)
    with decimal.localcontext(decimal.Context(prec=4, rounding=decimal.ROUND_FLOOR)):
        again = chain_inputs(Chain.SOL, [sol(total_staked=617, total_supply=1009)], DAY, DEFAULTS)
        second = real_yield(again, DEFAULTS, validator)
    assert first == second
    assert first.real_yield_compounded.as_tuple().exponent == -18


def test_the_formula_is_told_per_chain() -> None:
    assert "vote-credit performance" in formula(Chain.SOL, per_validator=True)
    assert "vote-credit performance" not in formula(Chain.SOL, per_validator=False)
    assert "community tax" in formula(Chain.ATOM, per_validator=False)
    assert "(1 + nominal − fee − slashing risk) / (1 + inflation) − 1" in formula(
        Chain.ETH, per_validator=True
    )


def test_stake_weighted_median() -> None:
    pairs = [(Decimal("0.10"), 30), (Decimal("0.05"), 10), (Decimal("0.07"), 20)]
    assert stake_weighted_median(pairs) == Decimal("0.07")  # 10 + 20 reach half of 60
    assert stake_weighted_median([(Decimal("0.05"), 10), (Decimal("0.5"), 11)]) == Decimal("0.5")
    assert stake_weighted_median([(Decimal("0.05"), 0)]) is None
    assert stake_weighted_median([]) is None


def test_weighted_average_of_breakdowns() -> None:
    a = real_yield(ATOM, DEFAULTS, ValidatorInputs("a", Decimal(0)))
    b = real_yield(ATOM, DEFAULTS, ValidatorInputs("b", Decimal("0.1")))
    average = weighted_average([(a, Decimal(1)), (b, Decimal(3))])
    assert average is not None
    assert average.validator_fee == Decimal("0.0135")  # (0 + 3 × 0.018) / 4
    assert (
        average.real_yield
        == (average.nominal_apy - average.inflation_rate - average.validator_fee)
        - average.slashing_risk
    )
    assert average.weight == 4
    assert weighted_average([]) is None
