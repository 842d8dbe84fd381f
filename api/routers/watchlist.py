"""The signed-in user's watchlist (issue 16): `GET/POST /api/watchlist`,
`DELETE /api/watchlist/{validatorId}`. Gated by the tier (free: 10 validators): a watch
beyond it is 403 TIER_LIMIT; after a downgrade the entries beyond the limit are listed
with `overLimit: true`. Not cached: per user, and small."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import ResourcesDep, UowDep
from api.presenters.watchlist import watched_out
from api.schemas.common import ErrorBody, MetaEnvelope, NoMeta, one
from api.schemas.watchlist import UnwatchedOut, WatchedOut, WatchIn, WatchlistMeta
from api.security import CurrentPrincipal
from services import tiers
from services import watchlist as service

router = APIRouter(prefix="/api/watchlist", tags=["watchlist"])  # limited per user at auth

_WATCH: dict[int | str, dict[str, Any]] = {
    200: {
        "model": MetaEnvelope[WatchedOut, NoMeta],
        "description": "Already on the watchlist: the entry, unchanged (idempotent)",
    },
    403: {
        "model": ErrorBody,
        "description": "The tier's number of watched validators is reached (`TIER_LIMIT`, "
        "details `{feature: watched_validators, limit, current, upgradeUrl}`), or CSRF / "
        "API-key read-only.",
    },
    404: {"model": ErrorBody, "description": "Unknown validator or malformed id."},
}
_NOT_WATCHED: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Not on the watchlist (or a malformed id)."}
}


@router.get("", summary="My watched validators, oldest first (the whole list in one page)")
async def list_watchlist(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[list[WatchedOut], WatchlistMeta]:
    entries, limits = await service.list_watched(uow, principal.user)
    limit = limits.watched_validators
    full = limit is not None and len(entries) >= limit
    return MetaEnvelope[list[WatchedOut], WatchlistMeta](
        data=[watched_out(e) for e in entries],
        meta=WatchlistMeta(
            next_cursor=None,
            limit=len(entries),
            watch_limit=limit,
            upgrade_url=tiers.upgrade_url(resources.settings.effective_app_origin)
            if full
            else None,
        ),
    )


@router.post(
    "",
    status_code=201,
    summary="Watch a validator of any chain (observed and scored hourly from now on)",
    responses=_WATCH,
)
async def watch(
    body: WatchIn,
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    response: Response,
) -> MetaEnvelope[WatchedOut, NoMeta]:
    entry, created = await service.watch(
        uow,
        resources.reads,
        principal.user,
        body.validator_id,
        resources.settings.effective_app_origin,
    )
    if not created:
        response.status_code = 200
    return one(watched_out(entry))


@router.delete(
    "/{validator_id}",
    summary="Stop watching a validator (always allowed)",
    responses=_NOT_WATCHED,
)
async def unwatch(
    validator_id: str, principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[UnwatchedOut, NoMeta]:
    chain, address = await service.unwatch(uow, principal.user, validator_id)
    return one(UnwatchedOut(validator_id=f"{chain.value}:{address}"))
