"""A user's alerts (story 5.3): `GET/POST /api/alerts`, `GET /api/alerts/history`
(keyset paginated, newest first), `GET/PATCH/DELETE /api/alerts/{id}`.

`/api/alerts/history` is registered before `/api/alerts/{alert_id}`, and the id is a
UUID path parameter, so `history` (and slice A2's `/api/alerts/unsubscribe`, included
before this router) never reach it. Another user's alert answers 404 like an unknown one.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.cursors import CursorSigner
from api.deps import ResourcesDep, UowDep
from api.presenters import alerts as present
from api.schemas.alerts import (
    AlertHistoryOut,
    AlertIn,
    AlertOut,
    AlertPatch,
    AlertsMeta,
    DeletedAlertOut,
)
from api.schemas.common import ErrorBody, ListMeta, MetaEnvelope, NoMeta, one
from api.security import CurrentPrincipal
from infrastructure.settings import Settings
from services import alerts as service
from services import tiers

router = APIRouter(prefix="/api/alerts", tags=["alerts"])  # limited per user at authentication
MAX_PAGE = 100

_TIER_LIMIT = {
    "model": ErrorBody,
    "description": "The tier's alert limit is reached (`TIER_LIMIT`, details "
    "`{limit, current, upgradeUrl}`), or CSRF / API-key read-only.",
}
_CONFLICT = {
    "model": ErrorBody,
    "description": "The webhook channel needs a verified webhook (`WEBHOOK_NOT_VERIFIED`); "
    "switching on an email alert needs a verified email (`EMAIL_NOT_VERIFIED`).",
}
_OVER_LIMIT = {
    "model": ErrorBody,
    "description": "The alert is over the tier's limit (after a downgrade): read-only "
    "(`TIER_LIMIT`), or CSRF / API-key read-only.",
}
_NOT_FOUND = {"model": ErrorBody, "description": "No such alert of this user."}
_BAD_CURSOR = {"model": ErrorBody, "description": "The cursor is invalid (INVALID_CURSOR)."}


def _upgrade_url(settings: Settings) -> str:
    return tiers.upgrade_url(settings.effective_app_origin)


def _signer(resources: ResourcesDep) -> CursorSigner:
    assert resources.settings.secret_key is not None  # load_settings() always fills it
    return CursorSigner(resources.settings.secret_key.get_secret_value())


@router.get("", summary="My alerts, oldest first (the whole list in one page)")
async def list_alerts(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[list[AlertOut], AlertsMeta]:
    stored = await service.list_alerts(uow, principal.user.id)
    limit = (await tiers.limits_for(uow, principal.user)).alerts
    over = await service.over_limit_ids(uow, principal.user)
    return MetaEnvelope[list[AlertOut], AlertsMeta](
        data=[present.alert_out(s, s.rule.id in over) for s in stored],
        meta=AlertsMeta(
            next_cursor=None,
            limit=len(stored),
            alert_limit=limit,
            upgrade_url=_upgrade_url(resources.settings) if len(stored) >= limit else None,
        ),
    )


@router.post(
    "",
    status_code=201,
    summary="Create an alert (inactive with inactiveReason email_unverified until the "
    "account's email is verified, for an email alert)",
    responses={403: _TIER_LIMIT, 409: _CONFLICT},
)
async def create_alert(
    body: AlertIn, principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[AlertOut, NoMeta]:
    new = service.NewAlert(
        type=body.type.value,
        validator_id=body.validator_id,
        chain=body.chain,
        threshold=body.threshold,
        notify_resolved=body.notify_resolved,
        channels=[c.value for c in body.channels],
    )
    origin = resources.settings.effective_app_origin
    stored = await service.create_alert(uow, principal.user, new, origin)
    return one(present.alert_out(stored))


@router.get(
    "/history",
    summary="My alerts' firings and resolutions, newest first (kept 90 days; kept when "
    "the alert is deleted)",
    responses={400: _BAD_CURSOR},
)
async def alert_history(
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> MetaEnvelope[list[AlertHistoryOut], ListMeta]:
    signer = _signer(resources)
    after = present.position(signer, cursor) if cursor else None
    entries, more = await service.history(uow, principal.user.id, after, limit)
    return MetaEnvelope[list[AlertHistoryOut], ListMeta](
        data=[present.history_out(e) for e in entries],
        meta=ListMeta(
            next_cursor=present.sign(signer, entries[-1]) if more and entries else None,
            limit=limit,
        ),
    )


@router.get("/{alert_id}", summary="One of my alerts", responses={404: _NOT_FOUND})
async def get_alert(
    alert_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[AlertOut, NoMeta]:
    stored = await service.get_alert(uow, principal.user.id, alert_id)
    over = await service.over_limit_ids(uow, principal.user)
    return one(present.alert_out(stored, alert_id in over))


@router.patch(
    "/{alert_id}",
    summary="Switch an alert on or off, or change its threshold, resolved notice or channels",
    responses={403: _OVER_LIMIT, 404: _NOT_FOUND, 409: _CONFLICT},
)
async def change_alert(
    alert_id: uuid.UUID,
    body: AlertPatch,
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
) -> MetaEnvelope[AlertOut, NoMeta]:
    sent: dict[str, Any] = {
        name: getattr(body, name)
        for name in ("active", "threshold", "notify_resolved", "channels")
        if name in body.model_fields_set
    }
    if "channels" in sent and sent["channels"] is not None:
        sent["channels"] = [c.value for c in sent["channels"]]
    change = service.AlertChange(**sent)
    origin = resources.settings.effective_app_origin
    stored = await service.change_alert(uow, principal.user, alert_id, change, origin)
    return one(present.alert_out(stored))


@router.delete(
    "/{alert_id}",
    summary="Delete an alert (its history stays)",
    responses={404: _NOT_FOUND},
)
async def delete_alert(
    alert_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[DeletedAlertOut, NoMeta]:
    await service.delete_alert(uow, principal.user.id, alert_id)
    return one(DeletedAlertOut(id=alert_id))
