"""Building the VRS responses: a stored score in a tier's view, the daily history, the
methodology — from domain results to wire models (the router only parses and caches)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from api.schemas.vrs import (
    MethodChainOut,
    MethodFactorOut,
    MethodologyOut,
    MethodWindowOut,
    VrsFactorOut,
    VrsHistoryOut,
    VrsOut,
    VrsPointOut,
)
from domain.models import Chain
from domain.tiers import TierLimits
from domain.vrs import FACTORS, METHODOLOGY_VERSION, Confidence, VrsConfig, VrsScore, VrsStatus
from domain.vrs import tier_view as view_of
from domain.vrs.history import HistoryPoint
from domain.vrs.methodology import methodology
from domain.vrs.tiers import visible_factors
from infrastructure.db.models import EthValidatorRow, ValidatorRow
from infrastructure.db.uow import SqlUnitOfWork

FREE_VIEW_FACTORS = 3  # what the methodology lists as the free tier's factors


async def known(uow: SqlUnitOfWork, chain: Chain, address: str) -> bool:
    """Is this a validator we know of (scored or not)?"""
    if await uow.session.get(ValidatorRow, (chain.value, address)) is not None:
        return True
    # the validators table holds only the ETH validators someone stakes with or watches
    if chain is Chain.ETH and address.isascii() and address.isdigit() and len(address) < 19:
        return await uow.session.get(EthValidatorRow, int(address)) is not None
    return False


def view_name(limits: TierLimits) -> Literal["basic", "full"]:
    return "full" if len(visible_factors(limits.vrs_factors)) == len(FACTORS) else "basic"


def _ids(chain: Chain, address: str, limits: TierLimits) -> dict[str, Any]:
    return {
        "validator_id": f"{chain.value}:{address}",
        "chain": chain,
        "address": address,
        "view": view_name(limits),
    }


def score_out(chain: Chain, address: str, score: VrsScore | None, limits: TierLimits) -> VrsOut:
    if score is None:  # known, never scored: pending until the pipeline has history
        return VrsOut(
            **_ids(chain, address, limits),
            status=VrsStatus.PENDING,
            total=None,
            band=None,
            confidence=Confidence.LOW,
            data_days=0,
            calculated_at=None,
            methodology_version=METHODOLOGY_VERSION,
            factors=[],
        )
    view = view_of(score, limits.vrs_factors)
    return VrsOut(
        **_ids(chain, address, limits),
        status=score.status,
        total=view.total,
        band=view.band,
        confidence=score.confidence,
        data_days=score.data_days,
        calculated_at=score.calculated_at,
        methodology_version=score.methodology_version,
        factors=[
            VrsFactorOut(
                name=f.factor,
                score=f.score,
                weight=float(f.weight),
                configured_weight=float(f.configured_weight),
                band=f.band,
                unavailable=f.unavailable,
                locked=f.locked,
            )
            for f in view.factors
        ],
    )


def history_out(
    chain: Chain,
    address: str,
    points: Sequence[HistoryPoint],
    first_scored_at: datetime | None,
    limits: TierLimits,
) -> VrsHistoryOut:
    return VrsHistoryOut(
        **_ids(chain, address, limits),
        first_scored_at=first_scored_at,
        points=[
            VrsPointOut(
                date=p.day,
                calculated_at=p.calculated_at,
                status=p.status,
                total=p.total,
                band=p.band,
                drop=p.drop,
                drop_points=p.drop_points,
                drop_since=p.drop_since,
            )
            for p in points
        ],
    )


def methodology_out(config: VrsConfig) -> MethodologyOut:
    method = methodology(config)
    weight_sum = sum(config.weights.values())
    recent, horizon = config.recent_days, config.horizon_days
    return MethodologyOut(
        version=method.version,
        windows=[
            MethodWindowOut(from_day=1, to_day=recent, weight=float(config.recent_weight)),
            MethodWindowOut(from_day=recent + 1, to_day=horizon, weight=float(config.older_weight)),
        ],
        pending_days=config.pending_days,
        high_confidence_days=config.high_confidence_days,
        medium_confidence_days=config.medium_confidence_days,
        free_factors=list(visible_factors(FREE_VIEW_FACTORS)),
        rules=list(method.rules),
        chains=[
            MethodChainOut(
                chain=chain,
                factors=[
                    MethodFactorOut(
                        name=f.factor,
                        definition=f.definition,
                        inputs=list(f.inputs),
                        weight=round(float(config.weights[f.factor] / weight_sum), 4),
                        available=f.available,
                    )
                    for f in factors
                ],
            )
            for chain, factors in method.chains.items()
        ],
    )
