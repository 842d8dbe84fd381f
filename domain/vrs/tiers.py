"""Tier views of a stored score, computed at delivery: a tier showing n factors sees the
first n (free: uptime, slashing, commission) with their weights renormalised to a 0-100
total; the others are locked (withheld). The tier is never part of the stored score."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.vrs.model import FACTORS, Band, Factor, VrsScore, VrsStatus, band_of, total_of

WEIGHT_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class FactorView:
    factor: Factor
    score: int | None  # None: unavailable or locked
    weight: Decimal  # its share of this view's total (0 when it does not count)
    configured_weight: Decimal  # its configured share of all five (a fraction, like `weight`)
    unavailable: bool
    locked: bool

    @property
    def band(self) -> Band | None:
        return None if self.score is None else band_of(self.score)


@dataclass(frozen=True, slots=True)
class VrsView:
    score: VrsScore
    factors_shown: int
    total: int | None
    factors: tuple[FactorView, ...]  # empty while pending

    @property
    def band(self) -> Band | None:
        return None if self.total is None else band_of(self.total)

    @property
    def full(self) -> bool:
        return self.factors_shown >= len(FACTORS)


def configured_share(weight: Decimal, total: Decimal) -> Decimal:
    """A configured weight (e.g. 30 of 100) as a fraction of all five (0.3)."""
    return (weight / total).quantize(WEIGHT_PLACES) if total > 0 else Decimal(0)


def visible_factors(count: int) -> tuple[Factor, ...]:
    return FACTORS[: max(0, min(count, len(FACTORS)))]


def tier_view(score: VrsScore, factors_shown: int) -> VrsView:
    visible = visible_factors(factors_shown)
    if score.status is VrsStatus.PENDING:
        return VrsView(score, len(visible), None, ())
    counted = [f for f in visible if score.scores.get(f) is not None and score.weights[f] > 0]
    denominator = sum((score.weights[f] for f in counted), Decimal(0))
    configured = sum((score.weights[f] for f in FACTORS), Decimal(0))  # > 0: VrsConfig checks
    views = []
    for factor in FACTORS:
        locked = factor not in visible
        weight = Decimal(0)
        if factor in counted and denominator > 0:
            weight = (score.weights[factor] / denominator).quantize(WEIGHT_PLACES)
        views.append(
            FactorView(
                factor=factor,
                score=None if locked else score.scores.get(factor),
                weight=weight,
                configured_weight=configured_share(score.weights[factor], configured),
                unavailable=score.scores.get(factor) is None,
                locked=locked,
            )
        )
    return VrsView(
        score, len(visible), total_of(score.scores, score.weights, visible), tuple(views)
    )
