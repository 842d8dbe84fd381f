"""The admin API (/api/admin/*): users, subscriptions and roles, tier limits, the VRS
and yield configs, the audit log, the API's last errors.

Every route: a signed-in session (an API key is refused with 403, even on GET) of an
admin — the `admin` role or a wallet in ADMIN_WALLETS, read from the database on every
request — rate limited per admin with RATE_LIMIT_ADMIN. Every write is audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.cursors import CursorSigner
from api.deps import ResourcesDep, UowDep, enforce_limit
from api.presenters import admin as present
from api.schemas.admin import (
    AdminUserOut,
    ApiErrorOut,
    AuditEntryOut,
    ConfigIn,
    ConfigOut,
    RoleIn,
    SubscriptionIn,
    TierLimitsBody,
    TierLimitsIn,
)
from api.schemas.common import ErrorBody, ListMeta, MetaEnvelope, NoMeta, one, whole_list
from api.security import Principal, SessionPrincipal
from domain.admin import ConfigKind
from infrastructure.resources import Resources
from services import admin as service

MAX_PAGE = 200
_NOT_FOUND = {"model": ErrorBody, "description": "No such user (`NOT_FOUND`)."}
_CONFLICT = {"model": ErrorBody, "description": "Stale config version (`STALE_VERSION`)."}
_BAD_CURSOR = {"model": ErrorBody, "description": "Invalid cursor (`INVALID_CURSOR`)."}
_OWN_ROLE = {"model": ErrorBody, "description": "Removing one's own admin role (`OWN_ADMIN_ROLE`)."}


async def admin_principal(
    principal: SessionPrincipal, uow: UowDep, resources: ResourcesDep
) -> Principal:
    """The caller, if an admin now (403 otherwise), rate limited per admin."""
    await service.require_admin(uow, resources.settings.admin_wallets, principal.user.id)
    await enforce_limit(
        resources, resources.settings.rate_limit_admin, f"api:admin:{principal.user.id}"
    )
    return principal


AdminPrincipal = Annotated[Principal, Depends(admin_principal)]
router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(admin_principal)])


def _signer(resources: Resources) -> CursorSigner:
    assert resources.settings.secret_key is not None
    return CursorSigner(resources.settings.secret_key.get_secret_value())


def _change(request: Request, admin: Principal, reason: str | None) -> service.Change:
    return service.Change(admin.user.id, reason, getattr(request.state, "request_id", None))


# --- users -------------------------------------------------------------------------------


async def _user_page(
    uow: UowDep,
    resources: Resources,
    listing: str,
    q: str | None,
    cursor: str | None,
    limit: int,
    *,
    pro_only: bool,
) -> MetaEnvelope[list[AdminUserOut], ListMeta]:
    signer = _signer(resources)
    after = present.user_position(signer, listing, cursor) if cursor else None
    users = await service.list_users(uow, q, after=after, limit=limit + 1, pro_only=pro_only)
    more, users = len(users) > limit, users[:limit]
    return MetaEnvelope[list[AdminUserOut], ListMeta](
        data=[present.user_out(u) for u in users],
        meta=ListMeta(
            next_cursor=present.user_cursor(signer, listing, users[-1]) if more else None,
            limit=limit,
        ),
    )


@router.get(
    "/users",
    summary="Users, newest first: search by wallet address (exact or prefix), email "
    "(prefix, any case) or user id prefix",
    responses={400: _BAD_CURSOR},
)
async def list_users(
    _: AdminPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    q: Annotated[str | None, Query(max_length=320)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> MetaEnvelope[list[AdminUserOut], ListMeta]:
    return await _user_page(uow, resources, "admin-users", q, cursor, limit, pro_only=False)


@router.get(
    "/subscriptions",
    summary="Users with a pro subscription record (expired ones too), newest first",
    responses={400: _BAD_CURSOR},
)
async def list_subscriptions(
    _: AdminPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> MetaEnvelope[list[AdminUserOut], ListMeta]:
    return await _user_page(uow, resources, "admin-subs", None, cursor, limit, pro_only=True)


@router.put(
    "/users/{user_id}/subscription",
    summary="Set a user's tier and expiry (reason required); effective on their next request",
    responses={404: _NOT_FOUND},
)
async def set_subscription(
    user_id: uuid.UUID,
    body: SubscriptionIn,
    admin: AdminPrincipal,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
) -> MetaEnvelope[AdminUserOut, NoMeta]:
    change = _change(request, admin, body.reason)
    await service.set_subscription(
        uow, resources.cache, change, user_id, body.tier, body.expires_at, datetime.now(UTC)
    )
    return one(await _one_user(uow, user_id))


@router.put(
    "/users/{user_id}/role",
    summary="Grant or remove the admin role (reason required; not one's own removal)",
    responses={404: _NOT_FOUND, 409: _OWN_ROLE},
)
async def set_role(
    user_id: uuid.UUID,
    body: RoleIn,
    admin: AdminPrincipal,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
) -> MetaEnvelope[AdminUserOut, NoMeta]:
    change = _change(request, admin, body.reason)
    await service.set_role(uow, resources.cache, change, user_id, body.role)
    return one(await _one_user(uow, user_id))


async def _one_user(uow: UowDep, user_id: uuid.UUID) -> AdminUserOut:
    return present.user_out(await service.get_user(uow, user_id))


# --- tier limits -------------------------------------------------------------------------


@router.get("/tier-limits", summary="The limits of each tier, as the gate reads them")
async def get_tier_limits(
    _: AdminPrincipal, uow: UowDep
) -> MetaEnvelope[list[TierLimitsBody], ListMeta]:
    return whole_list([present.limits_out(x) for x in await service.tier_limits(uow)])


@router.put(
    "/tier-limits",
    summary="Replace the limits of the tiers given (validated; audited); the next "
    "request is decided on them",
)
async def put_tier_limits(
    body: TierLimitsIn, admin: AdminPrincipal, request: Request, uow: UowDep
) -> MetaEnvelope[list[TierLimitsBody], ListMeta]:
    change = _change(request, admin, body.reason)
    limits = [present.limits_in(item) for item in body.limits]
    stored = await service.set_tier_limits(uow, change, limits)
    return whole_list([present.limits_out(x) for x in stored])


# --- versioned configs -------------------------------------------------------------------


async def _get_config(uow: UowDep, kind: ConfigKind) -> MetaEnvelope[ConfigOut, NoMeta]:
    return one(present.config_out(await service.current_config(uow, kind)))


async def _put_config(
    request: Request, admin: Principal, uow: UowDep, kind: ConfigKind, body: ConfigIn
) -> MetaEnvelope[ConfigOut, NoMeta]:
    change = _change(request, admin, body.reason)
    values = {name: str(value) for name, value in body.values.items()}
    return one(
        present.config_out(await service.set_config(uow, change, kind, body.version, values))
    )


@router.get("/vrs-config", summary="The VRS config in force and its version")
async def get_vrs_config(_: AdminPrincipal, uow: UowDep) -> MetaEnvelope[ConfigOut, NoMeta]:
    return await _get_config(uow, ConfigKind.VRS)


@router.put(
    "/vrs-config",
    summary="Replace the VRS config (the full set, based on `version`: 409 when stale); "
    "stored as the next version, read by the next VRS computation",
    responses={409: _CONFLICT},
)
async def put_vrs_config(
    body: ConfigIn, admin: AdminPrincipal, request: Request, uow: UowDep
) -> MetaEnvelope[ConfigOut, NoMeta]:
    return await _put_config(request, admin, uow, ConfigKind.VRS, body)


@router.get("/yield-config", summary="The real-yield parameters in force and their version")
async def get_yield_config(_: AdminPrincipal, uow: UowDep) -> MetaEnvelope[ConfigOut, NoMeta]:
    return await _get_config(uow, ConfigKind.YIELD)


@router.put(
    "/yield-config",
    summary="Replace the real-yield parameters (the full set, based on `version`: 409 when "
    "stale); stored as the next version, read by the next yield computation",
    responses={409: _CONFLICT},
)
async def put_yield_config(
    body: ConfigIn, admin: AdminPrincipal, request: Request, uow: UowDep
) -> MetaEnvelope[ConfigOut, NoMeta]:
    return await _put_config(request, admin, uow, ConfigKind.YIELD, body)


# --- the trail and the errors ------------------------------------------------------------


@router.get(
    "/audit-log",
    summary="The audit trail, newest first; filter by actor, target or action",
    responses={400: _BAD_CURSOR},
)
async def audit_log(
    _: AdminPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    target_type: Annotated[str | None, Query(alias="targetType", max_length=32)] = None,
    target: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> MetaEnvelope[list[AuditEntryOut], ListMeta]:
    signer = _signer(resources)
    before = present.audit_position(signer, cursor) if cursor else None
    entries = list(
        await service.audit_log(
            uow,
            actor=actor,
            target_type=target_type,
            target=target,
            action=action,
            before_id=before,
            limit=limit + 1,
        )
    )
    more, entries = len(entries) > limit, entries[:limit]
    return MetaEnvelope[list[AuditEntryOut], ListMeta](
        data=[present.audit_out(e) for e in entries],
        meta=ListMeta(
            next_cursor=present.audit_cursor(signer, entries[-1]) if more else None,
            limit=limit,
        ),
    )


@router.get(
    "/errors",
    summary="The API's last errors per route and code: count, first and last seen, the "
    "last correlation id (no personal data)",
)
async def last_errors(
    _: AdminPrincipal,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> MetaEnvelope[list[ApiErrorOut], ListMeta]:
    errors = await service.last_errors(uow, limit=limit)
    return MetaEnvelope[list[ApiErrorOut], ListMeta](
        data=[present.error_out(e) for e in errors], meta=ListMeta(next_cursor=None, limit=limit)
    )
