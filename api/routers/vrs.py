"""Validator Risk Score reads: the methodology, a validator's latest score in the caller's
tier view, and its daily history.

Public routes (rate limited per IP); a signed-in caller gets their tier's view, anyone
else the free one. The response bytes are cached per (validator, tier): a hit costs one
cache read, no database and no re-serialising; the tier view itself is derived from the
stored five-factor score when the entry is built. The VRS step drops a chain's entries
after every run, so a new score (or a tier_limits edit) shows within the hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.deps import RateLimitedRoute, ResourcesDep, SettingsDep, UowDep
from api.schemas.common import Envelope, ErrorBody, ok
from api.schemas.vrs import MethodologyOut, VrsHistoryOut, VrsOut
from api.security import OptionalPrincipal
from api.vrs import history_out, known, methodology_out, score_out
from domain.errors import NotFound
from domain.models import Chain, Tier
from domain.vrs.history import DROP_DAYS, daily_points
from infrastructure.cache.reads import cache_key
from infrastructure.db.repositories.tiers import TierLimitsRepository
from infrastructure.db.repositories.vrs import VrsConfigRepository, VrsScoreRepository
from infrastructure.settings import Settings

router = APIRouter(prefix="/api/vrs", tags=["vrs"], dependencies=[RateLimitedRoute])
UPGRADE_PATH = "/upgrade"  # the SPA's upgrade page, under APP_ORIGIN
MAX_HISTORY_DAYS = 366
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown validator or malformed id."}
}


def _parse(validator_id: str) -> tuple[Chain, str]:
    chain, _, address = validator_id.partition(":")
    if chain not in {c.value for c in Chain} or not address:
        raise NotFound("Validator ids look like 'sol:<vote account>' or 'eth:<index>'.")
    return Chain(chain), address


def _tier(principal: OptionalPrincipal) -> Tier:
    return principal.user.tier if principal is not None else Tier.FREE


def _upgrade_url(settings: Settings) -> str:
    return settings.effective_app_origin + UPGRADE_PATH


def _bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get(
    "/methodology",
    summary="How the risk score is made, per chain",
    response_model=Envelope[MethodologyOut],
)
async def methodology(uow: UowDep, resources: ResourcesDep) -> Response:
    async def build() -> bytes:
        config = await VrsConfigRepository(uow.session).get()
        return ok(methodology_out(config)).model_dump_json().encode()

    key = cache_key("vrs", None, "methodology")
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )


@router.get(
    "/{validator_id}",
    summary="A validator's latest risk score in the caller's tier view",
    response_model=Envelope[VrsOut],
    responses=NOT_FOUND,
)
async def score(
    validator_id: str,
    uow: UowDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    principal: OptionalPrincipal,
) -> Response:
    chain, address = _parse(validator_id)
    tier = _tier(principal)

    async def build() -> bytes:
        limits = await TierLimitsRepository(uow.session).get(tier)
        stored = await VrsScoreRepository(uow.session).latest(chain, address)
        if stored is None and not await known(uow, chain, address):
            raise NotFound("No such validator.")
        out = score_out(chain, address, stored, limits)
        meta: dict[str, Any] = {"tier": tier.value, "factorsShown": limits.vrs_factors}
        if out.view != "full":
            meta["upgradeUrl"] = _upgrade_url(settings)
        return ok(out, **meta).model_dump_json().encode()

    key = cache_key("vrs", chain.value, f"{address}:{tier.value}")
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )


@router.get(
    "/{validator_id}/history",
    summary="Daily risk scores (the last of each day), as far back as the tier allows",
    response_model=Envelope[VrsHistoryOut],
    responses=NOT_FOUND,
)
async def history(
    validator_id: str,
    uow: UowDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    principal: OptionalPrincipal,
    days: Annotated[int | None, Query(ge=1, le=MAX_HISTORY_DAYS)] = None,
) -> Response:
    """`days` beyond the tier's history is clamped to it (meta says so, with the upgrade
    link): a reduced view like the free score itself, not a refusal."""
    chain, address = _parse(validator_id)
    tier = _tier(principal)

    async def build() -> bytes:
        limits = await TierLimitsRepository(uow.session).get(tier)
        cap = limits.history_days
        shown = min(days or cap, cap)
        today = datetime.now(UTC).date()
        first_day = today - timedelta(days=shown - 1)
        # the drop flag of the first day shown looks back DROP_DAYS before it
        since = datetime.combine(first_day - timedelta(days=DROP_DAYS), time(), UTC)
        repo = VrsScoreRepository(uow.session)
        scores = await repo.daily(chain, address, since)
        first = await repo.first_calculated_at(chain, address)
        if first is None and not await known(uow, chain, address):
            raise NotFound("No such validator.")
        points = daily_points(scores, limits.vrs_factors, first_day, today)
        out = history_out(chain, address, points, first, limits)
        clamped = days is not None and days > cap
        meta: dict[str, Any] = {
            "tier": tier.value,
            "days": shown,
            "requestedDays": days,
            "maxDays": cap,
            "clamped": clamped,
        }
        if clamped or out.view != "full":
            meta["upgradeUrl"] = _upgrade_url(settings)
        return ok(out, **meta).model_dump_json().encode()

    key = cache_key("vrs", chain.value, f"{address}:history:{tier.value}:{days or 0}")
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )
