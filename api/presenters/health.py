"""Readiness (domain/readiness.py) → wire models."""

from __future__ import annotations

from collections.abc import Iterable

from api.presenters.chain_values import last_error
from api.schemas.health import ChainReadinessOut
from domain.readiness import ChainReadiness


def chains_out(chains: Iterable[ChainReadiness]) -> dict[str, ChainReadinessOut]:
    return {
        c.chain.value: ChainReadinessOut(
            status=c.status.value,
            last_success_at=c.last_success_at,
            last_attempt_at=c.last_attempt_at,
            last_error=last_error(c.error),
        )
        for c in chains
    }
