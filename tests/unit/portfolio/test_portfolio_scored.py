"""The portfolio as listed (pure): each holding with its own validator's score in the
tier's view (none: pending) and its own breakdown; the yield history's window; the
history's query (chain and validatorId)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput, NotFound
from domain.models import Chain
from domain.portfolio import build_portfolio, scored_portfolio
from domain.real_yield.history import history_window
from domain.vrs import FACTORS, Factor, ScoreConfidence, VrsConfig, VrsScore, VrsStatus
from services.yield_history import parse_target
from tests.unit.portfolio.test_portfolio_yield_view import NOW, context, linked, stake


def score(validator: str, **points: int) -> VrsScore:
    scores: dict[Factor, int | None] = {**dict.fromkeys(FACTORS, 50)}
    scores.update({Factor(k): v for k, v in points.items()})
    return VrsScore(
        chain=Chain.SOL,
        validator=validator,
        calculated_at=NOW,
        status=VrsStatus.SCORED,
        total=50,
        scores=scores,
        weights=VrsConfig().weights,
        data_days=30,
        confidence=ScoreConfidence.MEDIUM,
    )


def test_each_holding_gets_its_validators_score_in_the_tier_view_and_its_yield() -> None:
    wallet = linked(Chain.SOL, "owner")
    positions = [stake(Chain.SOL, "owner", 10, "a"), stake(Chain.SOL, "owner", 5, "b")]
    portfolio = build_portfolio([wallet], positions, {}, {}, {}, NOW)
    scores = {(Chain.SOL, "v-a"): score("v-a", uptime=100, performance=0, decentralization=0)}
    network = context(Chain.SOL, "0.07").network()
    scored = scored_portfolio(portfolio, scores, 3, [network, None])
    first, second = scored.holdings
    assert first.holding.position.validator == "v-a" and first.real_yield is network
    assert first.vrs is not None and first.vrs.factors_shown == 3
    # the free view counts uptime, slashing, commission only: (30×100 + 25×50 + 20×50) / 75
    assert first.vrs.total == 70
    pro = scored_portfolio(portfolio, scores, 5, [None, None]).holdings[0].vrs
    # all five: (30×100 + 25×50 + 20×50 + 15×0 + 10×0) / 100 = 52.5, half up
    assert pro is not None and pro.total == 53 and pro.factors_shown == 5
    assert second.vrs is None and second.real_yield is None  # pending, no chain data
    with pytest.raises(ValueError):  # one breakdown per holding
        scored_portfolio(portfolio, scores, 3, [network])


def test_the_history_window_is_capped_by_the_tier() -> None:
    today = date(2026, 12, 3)
    default = history_window(None, 7, today)
    assert (default.days, default.first_day, default.clamped) == (7, date(2026, 11, 27), False)
    asked = history_window(30, 7, today)
    assert (asked.days, asked.requested_days, asked.max_days, asked.clamped) == (7, 30, 7, True)
    short = history_window(1, 30, today)
    assert (short.first_day, short.last_day, short.clamped) == (today, today, False)


def test_the_history_query_names_a_chain_and_maybe_a_validator() -> None:
    assert parse_target("sol", None) == (Chain.SOL, None)
    assert parse_target(None, "atom:cosmosvaloper1x") == (Chain.ATOM, "cosmosvaloper1x")
    assert parse_target(" ETH ", "eth:42") == (Chain.ETH, "42")
    assert parse_target("sol", "Vote111") == (Chain.SOL, "Vote111")
    for chain, validator, error in (
        (None, None, InvalidInput),
        ("", "  ", InvalidInput),
        (None, "Vote111", InvalidInput),  # a bare address needs its chain
        ("sol", "atom:cosmosvaloper1x", InvalidInput),  # the two disagree
        ("btc", None, NotFound),
        (None, "btc:x", NotFound),
        (None, "sol:", NotFound),
    ):
        with pytest.raises(error):
            parse_target(chain, validator)


def test_a_pending_score_has_no_total_in_any_view() -> None:
    wallet = linked(Chain.SOL, "owner")
    portfolio = build_portfolio([wallet], [stake(Chain.SOL, "owner", 1, "a")], {}, {}, {}, NOW)
    pending = VrsScore(
        chain=Chain.SOL,
        validator="v-a",
        calculated_at=NOW,
        status=VrsStatus.PENDING,
        total=None,
        scores=dict.fromkeys(FACTORS),
        weights=VrsConfig().weights,
        data_days=2,
        confidence=ScoreConfidence.LOW,
    )
    (held,) = scored_portfolio(portfolio, {(Chain.SOL, "v-a"): pending}, 5, [None]).holdings
    assert held.vrs is not None and held.vrs.total is None
