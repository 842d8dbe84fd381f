"""The portfolio's performance block (domain.portfolio.performance): a position counts
its own events, a chain every event of the user's wallets on it (closed positions too),
and chains without events show zeros, not nulls."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.chains import Position, PositionKind
from domain.models import Chain, LinkedWallet
from domain.portfolio import build_portfolio
from domain.portfolio.performance import portfolio_rewards
from domain.rewards.performance import DayTotal
from domain.rewards.windows import Window, Windows

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
USER = uuid.uuid4()


def wallet(chain: Chain, address: str) -> LinkedWallet:
    return LinkedWallet(uuid.uuid4(), USER, chain, address, True, NOW)


def total(chain: Chain, owner: str, key: str, days_ago: int, amount: int) -> DayTotal:
    at = NOW - timedelta(days=days_ago, hours=1)
    return DayTotal(
        chain=chain,
        owner=owner,
        position_key=key,
        day=at.date(),
        bucket=Windows(NOW).bucket(at),
        amount=amount,
        events=1,
        estimated=0,
        stake_sum=10**12,
        stake_count=1,
        start=at - timedelta(days=1),
        end=at,
    )


def test_positions_count_their_own_events_and_chains_all_of_the_wallets() -> None:
    wallets = [wallet(Chain.SOL, "sol-owner"), wallet(Chain.ATOM, "atom-owner")]
    held = Position(
        Chain.SOL, "sol-owner", "vote", PositionKind.STAKE, 10**12, "active", "acct-1", NOW
    )
    prices = {("sol", "usd"): Decimal("150"), ("atom", "usd"): Decimal("7")}
    portfolio = build_portfolio(wallets, [held], {}, prices, {}, NOW)
    totals = [
        total(Chain.SOL, "sol-owner", "acct-1", 0, 100_000_000),
        total(Chain.SOL, "sol-owner", "acct-1", 3, 200_000_000),
        total(
            Chain.SOL, "sol-owner", "acct-closed", 10, 400_000_000
        ),  # a stake account closed since
    ]
    closes = {("sol", t.day, "usd"): Decimal("100") for t in totals}
    rewards = portfolio_rewards(portfolio, totals, closes, [None], None)
    (position,) = rewards.holdings
    assert position.get(Window.ALL).rewards.base_units == 300_000_000
    sol, atom = rewards.chains
    assert (
        sol.chain is Chain.SOL and sol.performance.get(Window.ALL).rewards.base_units == 700_000_000
    )
    assert sol.performance.get(Window.WEEK).rewards.base_units == 300_000_000
    fiat = sol.performance.get(Window.ALL).rewards.fiat
    assert fiat is not None and fiat.usd == Decimal("70.00")  # 0.7 SOL × 100 USD
    assert fiat.eur is None  # no EUR close: null, not a partial sum
    assert atom.performance.get(Window.ALL).rewards.base_units == 0
    assert atom.performance.get(Window.ALL).realised_apy is None
    everything = rewards.windows[3]
    assert everything.window is Window.ALL and everything.events == 3
    assert everything.realised_apy is not None and everything.realised_apy > 0
    assert rewards.nominal_apy is None  # no yield breakdowns given
