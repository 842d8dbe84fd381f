"""Watchlist entries for the wire."""

from __future__ import annotations

from api.schemas.watchlist import WatchedOut, WatchedVrsOut
from services.watchlist import WatchedEntry


def watched_out(entry: WatchedEntry) -> WatchedOut:
    view = entry.vrs
    return WatchedOut(
        validator_id=f"{entry.chain.value}:{entry.validator}",
        chain=entry.chain,
        name=entry.name,
        added_at=entry.added_at,
        vrs=None
        if view is None
        else WatchedVrsOut(
            status=view.score.status,
            total=view.total,
            band=view.band,
            factors_shown=view.factors_shown,
            calculated_at=view.score.calculated_at,
        ),
        over_limit=entry.over_limit,
    )
