"""Validator Risk Score reads: the methodology, a validator's latest score in the caller's
tier view, and its daily history.

Public routes (rate limited per IP); a signed-in caller gets their tier's view, anyone
else the free one. The response bytes are cached per (validator, tier): a hit costs one
cache read, no database and no re-serialising; the tier view itself is derived from the
stored five-factor score when the entry is built. The VRS step drops a chain's entries
after every run, so a new score (or a tier_limits edit) shows within the hour.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.deps import RateLimitedRoute, ResourcesDep, SettingsDep, UowDep
from api.presenters import vrs as present
from api.schemas.common import ErrorBody, MetaEnvelope, NoMeta
from api.schemas.vrs import MethodologyOut, VrsHistoryMeta, VrsHistoryOut, VrsOut, VrsScoreMeta
from api.security import OptionalPrincipal
from domain.models import Tier
from domain.validators import parse_validator_id
from infrastructure.settings import Settings
from services import cache_keys, tiers, validators
from services import vrs as service

router = APIRouter(prefix="/api/vrs", tags=["vrs"], dependencies=[RateLimitedRoute])
MAX_HISTORY_DAYS = 366
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown validator or malformed id."}
}
MethodologyEnvelope = MetaEnvelope[MethodologyOut, NoMeta]
ScoreEnvelope = MetaEnvelope[VrsOut, VrsScoreMeta]
HistoryEnvelope = MetaEnvelope[VrsHistoryOut, VrsHistoryMeta]


def _tier(principal: OptionalPrincipal) -> Tier:
    return principal.user.tier if principal is not None else Tier.FREE


def _upgrade_url(settings: Settings) -> str:
    return tiers.upgrade_url(settings.effective_app_origin)


def _bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get(
    "/methodology",
    summary="How the risk score is made, per chain",
    response_model=MethodologyEnvelope,
)
async def methodology(uow: UowDep, resources: ResourcesDep) -> Response:
    async def build() -> bytes:
        method = await service.read_methodology(uow)
        body = MethodologyEnvelope(data=present.methodology_out(method), meta=NoMeta())
        return body.model_dump_json().encode()

    key = cache_keys.vrs_methodology()
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )


@router.get(
    "/{validator_id}",
    summary="A validator's latest risk score in the caller's tier view",
    response_model=ScoreEnvelope,
    responses=NOT_FOUND,
)
async def score(
    validator_id: str,
    uow: UowDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    principal: OptionalPrincipal,
) -> Response:
    chain, address = parse_validator_id(validator_id)
    tier = _tier(principal)
    if principal is not None:  # a signed-in view observes it (capped: domain/observed.py)
        await validators.observe_view(uow, resources.reads, chain, address, datetime.now(UTC))

    async def build() -> bytes:
        read = await service.read_score(uow, chain, address, tier, datetime.now(UTC))
        body = ScoreEnvelope(
            data=present.score_out(read), meta=present.score_meta(read, _upgrade_url(settings))
        )
        return body.model_dump_json().encode()

    key = cache_keys.vrs_score(chain.value, address, tier.value)
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )


@router.get(
    "/{validator_id}/history",
    summary="Daily risk scores (the last of each day), as far back as the tier allows",
    response_model=HistoryEnvelope,
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
    chain, address = parse_validator_id(validator_id)
    tier = _tier(principal)

    async def build() -> bytes:
        today = datetime.now(UTC).date()
        read = await service.read_history(uow, chain, address, tier, days, today)
        body = HistoryEnvelope(
            data=present.history_out(read), meta=present.history_meta(read, _upgrade_url(settings))
        )
        return body.model_dump_json().encode()

    key = cache_keys.vrs_history(chain.value, address, tier.value, days)
    return _bytes(
        await resources.reads.get_or_build("vrs", key, resources.settings.cache_ttl_vrs, build)
    )
