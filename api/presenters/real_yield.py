"""Real-yield domain values -> wire models (contract v1): rates as decimal fractions in
text, amounts in the one amount shape."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.presenters.chain_values import amount, decimal_text
from api.presenters.portfolio import validator_ref
from api.schemas.common import NoMeta
from api.schemas.real_yield import (
    CalculateOut,
    CalculateResponse,
    ChainYield,
    PositionYield,
    YearlyAmounts,
    YieldAverageOut,
    YieldBreakdown,
    YieldHistoryMeta,
    YieldHistoryOut,
    YieldHistoryResponse,
    YieldPointOut,
    YieldPortfolioOut,
    YieldPortfolioResponse,
)
from domain.addresses import shorten
from domain.portfolio import HoldingYield, PortfolioYield
from domain.real_yield import RealYield, YieldAverage
from domain.real_yield.calculation import Calculation
from domain.real_yield.history import YieldHistoryRead


def breakdown(result: RealYield) -> YieldBreakdown:
    return YieldBreakdown(**_breakdown_fields(result))


def _breakdown_fields(result: RealYield) -> dict[str, Any]:
    return {
        "chain": result.chain,
        "validator_id": None
        if result.validator is None
        else f"{result.chain.value}:{result.validator}",
        "nominal_apy": decimal_text(result.nominal_apy),
        "inflation_rate": decimal_text(result.inflation_rate),
        "validator_fee": decimal_text(result.validator_fee),
        "slashing_risk": decimal_text(result.slashing_risk),
        "real_yield": decimal_text(result.real_yield),
        "real_yield_compounded": decimal_text(result.real_yield_compounded),
        "commission": decimal_text(result.commission),
        "slashing_factor": decimal_text(result.slashing_factor),
        "performance": None if result.performance is None else decimal_text(result.performance),
        "earning": result.earning,
        "confidence": result.confidence.value,
        "fallback_inputs": list(result.fallback),
        "estimated_inputs": list(result.estimated),
        "fetched_at": result.fetched_at,
    }


def calculation(value: Calculation) -> CalculateOut:
    yearly = value.yearly
    return CalculateOut(
        **_breakdown_fields(value.result),
        amount=amount(value.amount),
        yearly=YearlyAmounts(
            nominal=amount(yearly.nominal),
            validator_fee=amount(yearly.validator_fee),
            slashing_risk=amount(yearly.slashing_risk),
            inflation=amount(yearly.inflation),
            real=amount(yearly.real),
            real_compounded=amount(yearly.real_compounded),
        ),
        formula=value.formula,
    )


def calculation_response(value: Calculation) -> CalculateResponse:
    return CalculateResponse(data=calculation(value), meta=NoMeta())


def average(value: YieldAverage | None) -> YieldAverageOut | None:
    if value is None:
        return None
    return YieldAverageOut(
        nominal_apy=decimal_text(value.nominal_apy),
        inflation_rate=decimal_text(value.inflation_rate),
        validator_fee=decimal_text(value.validator_fee),
        slashing_risk=decimal_text(value.slashing_risk),
        real_yield=decimal_text(value.real_yield),
        real_yield_compounded=decimal_text(value.real_yield_compounded),
    )


def position_yield(value: HoldingYield) -> PositionYield:
    holding = value.holding
    return PositionYield(
        chain=holding.chain,
        wallet=shorten(holding.position.owner),
        wallet_id=holding.wallet.id,
        validator=validator_ref(holding),
        amount=amount(holding.amount),
        status=holding.position.status,
        kind=holding.position.kind.value,
        breakdown=None if value.result is None else breakdown(value.result),
        yearly_real=None if value.yearly_real is None else amount(value.yearly_real),
    )


def portfolio_yield(value: PortfolioYield) -> YieldPortfolioOut:
    return YieldPortfolioOut(
        positions=[position_yield(h) for h in value.holdings],
        chains=[
            ChainYield(
                chain=c.chain,
                positions=c.positions,
                total=amount(c.total),
                average=average(c.average),
            )
            for c in value.chains
        ],
        overall=average(value.overall),
        overall_weighting="usd" if value.overall is not None else None,
    )


def portfolio_yield_json(value: PortfolioYield) -> bytes:
    """The response body `{data: ..., meta: {}}` as cached and sent."""
    return (
        YieldPortfolioResponse(data=portfolio_yield(value), meta=NoMeta())
        .model_dump_json()
        .encode()
    )


def history_point(day: date, result: RealYield) -> YieldPointOut:
    fields = _breakdown_fields(result)
    for name in ("chain", "validator_id"):
        del fields[name]
    return YieldPointOut(date=day, **fields)


def history_json(read: YieldHistoryRead, upgrade_url: str) -> bytes:
    """The response body `{data: history, meta: window}` as cached and sent."""
    window = read.window
    body = YieldHistoryResponse(
        data=YieldHistoryOut(
            chain=read.chain,
            validator_id=None if read.validator is None else f"{read.chain.value}:{read.validator}",
            points=[history_point(day, result) for day, result in read.points],
        ),
        meta=YieldHistoryMeta(
            tier=read.limits.tier,
            days=window.days,
            requested_days=window.requested_days,
            max_days=window.max_days,
            clamped=window.clamped,
            upgrade_url=upgrade_url if window.clamped else None,
        ),
    )
    return body.model_dump_json().encode()
