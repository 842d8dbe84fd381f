"""Portfolio domain values -> wire models (contract v1)."""

from __future__ import annotations

from api.presenters.chain_values import amount, decimal_text, fiat, last_error
from api.schemas.common import NoMeta
from api.schemas.portfolio import (
    ChainBlock,
    PortfolioOut,
    PortfolioResponse,
    PositionOut,
    ValidatorRef,
)
from domain.addresses import shorten
from domain.portfolio import ChainSummary, Holding, Portfolio


def validator_ref(holding: Holding) -> ValidatorRef:
    position, known = holding.position, holding.validator
    return ValidatorRef(
        id=f"{position.chain.value}:{position.validator}",
        address=position.validator,
        name=known.name if known else None,
        status=known.status.value if known else None,
        commission=None
        if known is None or known.commission is None
        else decimal_text(known.commission),
    )


def position(holding: Holding) -> PositionOut:
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


def portfolio(value: Portfolio) -> PortfolioOut:
    return PortfolioOut(
        wallets=value.wallets,
        positions=[position(h) for h in value.holdings],
        chains=[chain_block(c) for c in value.chains],
        total_fiat=fiat(value.total_fiat),
        chain_count=value.chain_count,
        validator_count=value.validator_count,
        position_count=value.position_count,
    )


def portfolio_json(value: Portfolio) -> bytes:
    """The response body `{data: portfolio, meta: {}}` as cached and sent."""
    return PortfolioResponse(data=portfolio(value), meta=NoMeta()).model_dump_json().encode()
