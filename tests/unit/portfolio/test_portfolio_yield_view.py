"""Real yield of a portfolio (pure): which positions earn, stake-weighted averages per
chain, USD-weighted overall (none when a chain with positions has no USD price), and the
calculator's yearly amounts that add up exactly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.chains import Position, PositionKind
from domain.errors import InvalidInput, NotFound
from domain.models import Chain, LinkedWallet
from domain.portfolio import (
    PortfolioYield,
    build_portfolio,
    earns,
    portfolio_yield,
    position_inputs,
)
from domain.real_yield import (
    DEFAULTS,
    ChainInputs,
    NetworkYieldContext,
    RealYield,
    ValidatorInputs,
)
from domain.real_yield.calculation import calculation, parse_amount, parse_validator, per_year

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def context(chain: Chain, nominal: str) -> NetworkYieldContext:
    inputs = ChainInputs(
        chain=chain, nominal=Decimal(nominal), inflation=Decimal("0.01"), fetched_at=NOW
    )
    return NetworkYieldContext(
        inputs=inputs, network_commission=Decimal("0.05"), parameters=DEFAULTS
    )


def stake(chain: Chain, owner: str, amount: int, key: str, **fields: object) -> Position:
    values: dict[str, object] = {"kind": PositionKind.STAKE, "status": "active"}
    values.update(fields)
    return Position(
        chain=chain,
        owner=owner,
        validator=f"v-{key}",
        amount=amount,
        key=key,
        fetched_at=NOW,
        **values,  # type: ignore[arg-type]
    )


def linked(chain: Chain, address: str) -> LinkedWallet:
    return LinkedWallet(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        chain=chain,
        address=address,
        is_primary=False,
        linked_at=NOW,
    )


def test_only_stake_that_is_active_or_deactivating_earns() -> None:
    assert earns(stake(Chain.SOL, "a", 1, "1"))
    assert earns(stake(Chain.SOL, "a", 1, "1", status="deactivating"))
    assert not earns(stake(Chain.SOL, "a", 1, "1", status="activating"))
    assert not earns(stake(Chain.ATOM, "a", 1, "1", kind=PositionKind.UNBONDING))
    known = {"v-1": ValidatorInputs(address="v-1", commission=Decimal("0.1"))}
    unbonding = stake(Chain.ATOM, "a", 1, "1", kind=PositionKind.UNBONDING)
    assert position_inputs(unbonding, known).earning is False
    assert position_inputs(unbonding, known).commission == Decimal("0.1")
    unknown = position_inputs(stake(Chain.ATOM, "a", 1, "2"), known)
    assert (unknown.address, unknown.commission, unknown.earning) == ("v-2", None, True)


def _view(prices: dict[tuple[str, str], Decimal]) -> PortfolioYield:
    wallets = [linked(Chain.SOL, "S"), linked(Chain.ATOM, "A")]
    positions = [
        stake(Chain.ATOM, "A", 3_000_000, "a1"),  # 3 ATOM
        stake(Chain.SOL, "S", 1_000_000_000, "s1"),  # 1 SOL
        stake(Chain.SOL, "S", 3_000_000_000, "s2"),  # 3 SOL
    ]
    portfolio = build_portfolio(wallets, positions, {}, prices, {}, NOW)
    sol, atom = context(Chain.SOL, "0.07"), context(Chain.ATOM, "0.15")
    results: list[RealYield | None] = [
        (atom if h.chain is Chain.ATOM else sol).validator(
            ValidatorInputs(address=h.position.validator, commission=Decimal("0.1"))
        )
        for h in portfolio.holdings
    ]
    return portfolio_yield(portfolio, results)


def test_averages_weigh_by_base_units_within_a_chain_and_usd_across() -> None:
    prices = {("sol", "usd"): Decimal("100"), ("atom", "usd"): Decimal("10")}
    view = _view(prices)
    assert [c.chain for c in view.chains] == [Chain.SOL, Chain.ATOM]  # eth, sol, atom order
    assert [h.holding.chain for h in view.holdings] == [Chain.SOL, Chain.SOL, Chain.ATOM]
    sol, atom = view.chains
    assert sol.average is not None and atom.average is not None
    assert sol.average.weight == 4_000_000_000 and sol.total.base_units == 4_000_000_000
    # 1 SOL = 100 USD ... 3 SOL = 300 USD, 3 ATOM = 30 USD: overall weights 400 : 30
    assert view.overall is not None and view.overall_weighting == "usd"
    expected = (sol.average.real_yield * 400 + atom.average.real_yield * 30) / 430
    assert abs(view.overall.real_yield - expected) < Decimal("1e-17")
    first = view.holdings[0]
    assert first.result is not None and first.yearly_real is not None
    assert first.yearly_real.base_units == per_year(1_000_000_000, first.result.real_yield)


def test_no_overall_figure_when_a_chain_with_positions_has_no_usd_price() -> None:
    view = _view({("sol", "usd"): Decimal("100")})
    assert view.overall is None and view.overall_weighting is None
    assert all(c.average is not None for c in view.chains)


def test_a_chain_without_data_has_positions_but_no_breakdown() -> None:
    wallets = [linked(Chain.SOL, "S")]
    portfolio = build_portfolio(wallets, [stake(Chain.SOL, "S", 5, "s")], {}, {}, {}, NOW)
    view = portfolio_yield(portfolio, [None])
    assert view.holdings[0].result is None and view.holdings[0].yearly_real is None
    assert view.chains[0].positions == 1 and view.chains[0].average is None
    assert view.overall is None


def test_the_calculation_adds_up_in_base_units() -> None:
    result = context(Chain.ATOM, "0.15").network()
    calc = calculation(result, parse_amount("100"), {("atom", "eur"): Decimal("5")})
    yearly = calc.yearly
    assert calc.amount.base_units == 100_000_000 and calc.amount.fiat is not None
    assert yearly.real.base_units == (
        yearly.nominal.base_units
        - yearly.validator_fee.base_units
        - yearly.slashing_risk.base_units
        - yearly.inflation.base_units
    )
    assert "compounded" in calc.formula


@pytest.mark.parametrize("raw", [0, "-1", "NaN", "inf", True, None, "1e40"])
def test_amounts_must_be_positive_finite_numbers(raw: object) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(raw)


def test_validator_ids_name_their_chain() -> None:
    assert parse_validator(Chain.SOL, "sol:Vote1") == "Vote1"
    assert parse_validator(Chain.SOL, "Vote1") == "Vote1"
    assert parse_validator(Chain.SOL, "  ") is None
    with pytest.raises(NotFound):
        parse_validator(Chain.SOL, "atom:x")
