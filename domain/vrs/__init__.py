"""Validator Risk Score (DESIGN.md §7, issue 6): five weighted factors per chain, time
weighted, with confidence; tier views and daily history derived from stored scores."""

from domain.vrs.config import DEFAULT_WEIGHTS, VrsConfig
from domain.vrs.context import ChainContext, HourStats, hour_stats
from domain.vrs.model import (
    FACTORS,
    METHODOLOGY_VERSION,
    Band,
    Factor,
    ScoreConfidence,
    VrsScore,
    VrsStatus,
    band_of,
)
from domain.vrs.scoring import score_validator
from domain.vrs.tiers import FactorView, VrsView, tier_view

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "METHODOLOGY_VERSION",
    "Band",
    "ChainContext",
    "Factor",
    "FactorView",
    "HourStats",
    "ScoreConfidence",
    "VrsConfig",
    "VrsScore",
    "VrsStatus",
    "VrsView",
    "band_of",
    "hour_stats",
    "score_validator",
    "tier_view",
]
