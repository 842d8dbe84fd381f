"""VRS use-case results -> wire models (the router only parses, caches and serialises)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from api.schemas.vrs import (
    MethodChainOut,
    MethodFactorOut,
    MethodologyOut,
    MethodWindowOut,
    View,
    VrsFactorChangeOut,
    VrsFactorOut,
    VrsHistoryMeta,
    VrsHistoryOut,
    VrsLastDropOut,
    VrsOut,
    VrsPointOut,
    VrsScoreMeta,
    VrsSummaryOut,
)
from domain.models import Chain
from domain.vrs import METHODOLOGY_VERSION, ScoreConfidence, VrsStatus
from domain.vrs.drops import LastDrop
from domain.vrs.methodology import Methodology
from domain.vrs.reads import HistoryRead, ScoreRead
from domain.vrs.tiers import VrsView, configured_share, visible_factors

FREE_VIEW_FACTORS = 3  # what the methodology lists as the free tier's factors


def validator_id(chain: Chain, address: str) -> str:
    return f"{chain.value}:{address}"


def _view(full: bool) -> View:
    return "full" if full else "basic"


PENDING_SUMMARY = VrsSummaryOut(
    total=None, band=None, confidence=ScoreConfidence.LOW, status=VrsStatus.PENDING
)


def summary_out(view: VrsView | None) -> VrsSummaryOut:
    """The list-row form of a tier view; None (never scored, or no recent score) is
    pending."""
    if view is None:
        return PENDING_SUMMARY
    return VrsSummaryOut(
        total=view.total,
        band=view.band,
        confidence=view.score.confidence,
        status=view.score.status,
    )


def score_out(read: ScoreRead) -> VrsOut:
    ids: dict[str, Any] = {
        "validator_id": validator_id(read.chain, read.address),
        "chain": read.chain,
        "address": read.address,
        "view": _view(read.full),
        "pending_reason": None if read.pending is None else read.pending.reason,
        "scored_from": None if read.pending is None else read.pending.scored_from,
    }
    view = read.view
    if read.score is None or view is None:  # known, never scored: pending until it has history
        return VrsOut(
            **ids,
            status=VrsStatus.PENDING,
            total=None,
            band=None,
            confidence=ScoreConfidence.LOW,
            data_days=0,
            calculated_at=None,
            methodology_version=METHODOLOGY_VERSION,
            factors=[],
        )
    score = read.score
    return VrsOut(
        **ids,
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


def score_meta(read: ScoreRead, upgrade_url: str) -> VrsScoreMeta:
    return VrsScoreMeta(
        tier=read.limits.tier,
        factors_shown=read.limits.vrs_factors,
        upgrade_url=None if read.full else upgrade_url,
    )


def history_out(read: HistoryRead) -> VrsHistoryOut:
    return VrsHistoryOut(
        validator_id=validator_id(read.chain, read.address),
        chain=read.chain,
        address=read.address,
        view=_view(read.full),
        first_scored_at=read.first_scored_at,
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
            for p in read.points
        ],
        last_drop=_last_drop_out(read.last_drop),
    )


def _last_drop_out(drop: LastDrop | None) -> VrsLastDropOut | None:
    if drop is None:
        return None
    causes = [
        VrsFactorChangeOut(factor=c.factor, before=c.before, after=c.after, delta=c.delta)
        for c in drop.causes
    ]
    return VrsLastDropOut.model_validate(
        {
            "from": drop.since,  # a keyword in Python: the field is `from_`
            "to": drop.day,
            "before": drop.before,
            "after": drop.after,
            "fell": drop.fell,
            "causes": causes,
        }
    )


def history_meta(read: HistoryRead, upgrade_url: str) -> VrsHistoryMeta:
    return VrsHistoryMeta(
        tier=read.limits.tier,
        days=read.days,
        requested_days=read.requested_days,
        max_days=read.limits.history_days,
        clamped=read.clamped,
        upgrade_url=upgrade_url if read.clamped or not read.full else None,
    )


def methodology_out(method: Methodology) -> MethodologyOut:
    config = method.config
    weight_sum = sum(config.weights.values(), Decimal(0))
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
                        weight=float(configured_share(config.weights[f.factor], weight_sum)),
                        available=f.available,
                    )
                    for f in factors
                ],
            )
            for chain, factors in method.chains.items()
        ],
    )
