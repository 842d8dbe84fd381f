"""Portfolio domain values -> wire models (contract v1)."""

from __future__ import annotations

from api.presenters.chain_values import amount, decimal_text, fiat, last_error
from api.presenters.rewards import portfolio_performance_out, position_performance_out
from api.presenters.vrs import summary_out
from api.schemas.common import NoMeta
from api.schemas.portfolio import (
    ChainBlock,
    PortfolioOut,
    PortfolioResponse,
    PositionOut,
    RealYieldSummaryOut,
    ValidatorRef,
)
from domain.addresses import shorten
from domain.amounts import Prices
from domain.chains import Position, Validator
from domain.portfolio import ChainSummary, Holding, ScoredHolding, ScoredPortfolio
from domain.real_yield import RealYield
from domain.rewards.performance import Performance


def validator_ref(holding: Holding) -> ValidatorRef:
    return position_validator_ref(holding.position, holding.validator)


def position_validator_ref(position: Position, known: Validator | None) -> ValidatorRef:
    """A position's validator as positions show it (`known`: its stored row, if any)."""
    return ValidatorRef(
        id=f"{position.chain.value}:{position.validator}",
        address=position.validator,
        name=known.name if known else None,
        status=known.status.value if known else None,
        commission=None
        if known is None or known.commission is None
        else decimal_text(known.commission),
    )


def real_yield_summary(result: RealYield | None) -> RealYieldSummaryOut | None:
    if result is None:
        return None
    return RealYieldSummaryOut(
        nominal_apy=decimal_text(result.nominal_apy),
        inflation_rate=decimal_text(result.inflation_rate),
        validator_fee=decimal_text(result.validator_fee),
        slashing_risk=decimal_text(result.slashing_risk),
        real_yield=decimal_text(result.real_yield),
        confidence=result.confidence.value,
    )


def position(
    scored: ScoredHolding, performance: Performance | None = None, prices: Prices | None = None
) -> PositionOut:
    holding = scored.holding
    p = holding.position
    return PositionOut(
        chain=p.chain,
        wallet=shorten(p.owner),
        wallet_id=holding.wallet.id,
        validator=validator_ref(holding),
        amount=amount(holding.amount),
        rewards=None if holding.rewards is None else amount(holding.rewards),
        status=p.status,
        kind=p.kind.value,
        completes_at=p.completes_at,
        fetched_at=p.fetched_at,
        vrs=summary_out(scored.vrs),
        real_yield=real_yield_summary(scored.real_yield),
        performance=None
        if performance is None
        else position_performance_out(performance, prices or {}),
    )


def chain_block(summary: ChainSummary) -> ChainBlock:
    return ChainBlock(
        chain=summary.chain,
        wallets=summary.wallets,
        positions=summary.positions,
        validators=summary.validators,
        total=amount(summary.total),
        fetched_at=summary.freshness.fetched_at,
        stale=summary.freshness.stale,
        last_error=last_error(summary.freshness.last_error),
    )


def portfolio(scored: ScoredPortfolio) -> PortfolioOut:
    value, rewards = scored.portfolio, scored.rewards
    return PortfolioOut(
        wallets=value.wallets,
        positions=[
            position(h, None if rewards is None else rewards.holdings[i], value.prices)
            for i, h in enumerate(scored.holdings)
        ],
        chains=[chain_block(c) for c in value.chains],
        total_fiat=fiat(value.total_fiat),
        chain_count=value.chain_count,
        validator_count=value.validator_count,
        position_count=value.position_count,
        performance=None if rewards is None else portfolio_performance_out(rewards, value.prices),
    )


def portfolio_json(value: ScoredPortfolio) -> bytes:
    """The response body `{data: portfolio, meta: {}}` as cached and sent."""
    return PortfolioResponse(data=portfolio(value), meta=NoMeta()).model_dump_json().encode()
