"""yield_config: documented defaults (the migration seeds exactly these), rows override
them, unusable rows are reported, new slashing kinds need no code."""

from __future__ import annotations

import importlib.util
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

from domain.models import Chain
from domain.real_yield import DEFAULTS, YieldParameters, default_rows, parameters_from_rows
from domain.real_yield.parameters import DESCRIPTIONS

MIGRATION = Path(__file__).resolve().parents[3] / "migrations/versions/2026_11_25_0006_yield.py"


def test_every_parameter_is_documented() -> None:
    scalars = {f.name for f in fields(YieldParameters)} - {"slashing_events"}
    assert set(DESCRIPTIONS) == scalars
    assert all(row.description for row in default_rows())


def test_the_migration_seeds_the_documented_defaults() -> None:
    spec = importlib.util.spec_from_file_location("yield_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeded = {(chain, name): (Decimal(value), text) for chain, name, value, text in module.SEED}
    documented = {(r.chain, r.name): (r.value, r.description) for r in default_rows()}
    assert seeded == documented


def test_the_seeded_rows_give_back_the_defaults() -> None:
    rows = [(r.chain, r.name, str(r.value)) for r in default_rows()]
    parameters, ignored = parameters_from_rows(rows)
    assert parameters == DEFAULTS and ignored == []


def test_rows_override_defaults() -> None:
    parameters, ignored = parameters_from_rows(
        [
            ("eth", "execution_rewards_apr", "0.0045"),
            ("all", "slashing_factor_max", Decimal(3)),
            ("atom", "double_sign.fraction", "0.1"),
        ]
    )
    assert ignored == []
    assert parameters.eth_execution_rewards_apr == Decimal("0.0045")
    assert parameters.slashing_factor_max == 3
    double_sign = next(e for e in parameters.events(Chain.ATOM) if e.kind == "double_sign")
    assert (double_sign.fraction, double_sign.annual_rate) == (Decimal("0.1"), Decimal("0.002"))
    assert parameters.sol_default_performance == DEFAULTS.sol_default_performance


def test_a_new_slashing_kind_is_just_two_rows() -> None:
    parameters, _ = parameters_from_rows(
        [("sol", "duplicate_vote.fraction", "0.01"), ("sol", "duplicate_vote.annual_rate", "0.1")]
    )
    kinds = {e.kind: e for e in parameters.events(Chain.SOL)}
    assert set(kinds) == {"duplicate_block", "duplicate_vote"}
    assert kinds["duplicate_vote"].fraction * kinds["duplicate_vote"].annual_rate == Decimal(
        "0.001"
    )


def test_unusable_rows_are_ignored_and_reported() -> None:
    parameters, ignored = parameters_from_rows(
        [
            ("all", "no_such_parameter", "1"),
            ("eth", "slashing_factor_min", "0.1"),  # exists only for "all"
            ("eth", "seconds_per_slot", "0"),  # a divisor
            ("atom", "downtime.fraction", "1.5"),  # more than the whole stake
            ("sol", "default_performance", "abc"),
            ("all", "fallback_max_days", "-1"),
            ("all", "slashing_factor_min", "9"),  # above the maximum
        ]
    )
    assert parameters == DEFAULTS
    assert set(ignored) == {
        "all/no_such_parameter",
        "eth/slashing_factor_min",
        "eth/seconds_per_slot",
        "atom/downtime.fraction",
        "sol/default_performance",
        "all/fallback_max_days",
        "all/slashing_factor_min",
        "all/slashing_factor_max",
    }
