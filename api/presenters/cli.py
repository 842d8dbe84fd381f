"""CLI results -> the wire models of `--json` (api/schemas/cli.py)."""

from __future__ import annotations

from api.presenters.chain_values import amount_of
from api.presenters.portfolio import position_validator_ref
from api.schemas.cli import (
    FetchedChainOut,
    FetchOut,
    FetchResponse,
    LivePositionOut,
    LivePositionsResponse,
    SeedOut,
    SeedResponse,
)
from api.schemas.common import NoMeta
from domain.chains import Position
from domain.ingest import IngestReport, LivePositions
from services.demo_seed import SeedReport


def live_position(live: LivePositions, p: Position) -> LivePositionOut:
    return LivePositionOut(
        chain=p.chain,
        address=p.owner,
        key=p.key,
        validator=position_validator_ref(p, live.validators.get(p.validator)),
        amount=amount_of(p.chain, p.amount, live.prices),
        rewards=None if p.rewards is None else amount_of(p.chain, p.rewards, live.prices),
        status=p.status,
        kind=p.kind.value,
        completes_at=p.completes_at,
        fetched_at=p.fetched_at,
    )


def live_positions_json(live: LivePositions) -> str:
    data = [live_position(live, p) for p in live.positions]
    return LivePositionsResponse(data=data, meta=NoMeta()).model_dump_json(indent=2)


def fetch_json(
    reports: list[IngestReport], errors: dict[str, str], prices: int | None, failures: list[str]
) -> str:
    chains = [
        FetchedChainOut(
            chain=r.chain,
            counts=r.counts,
            failed_wallets=r.failed_addresses,
            error=errors.get(r.chain.value),
        )
        for r in reports
    ]
    out = FetchOut(chains=chains, prices=prices, failures=failures)
    return FetchResponse(data=out, meta=NoMeta()).model_dump_json(indent=2)


def seed_json(report: SeedReport, seconds: float) -> str:
    out = SeedOut(
        fetched_at=report.fetched_at,
        days=report.days,
        observations=report.observations,
        scores=report.scores,
        score_days=report.score_days,
        rewards=report.rewards,
        seconds=round(seconds, 1),
    )
    return SeedResponse(data=out, meta=NoMeta()).model_dump_json(indent=2)
