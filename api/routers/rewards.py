"""The signed-in user's rewards: the list (`GET /api/rewards`, keyset-paginated with signed
cursors) and the yearly CSV export (`GET /api/rewards/export`, pro tier: else 403
TIER_LIMIT with `upgradeUrl`). Only the caller's own linked wallets are read; API keys
(read-only) may do both (GET). Not cached: per user and per query; each page is one
indexed keyset read plus one of its days' closes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response, StreamingResponse

from api.cursors import CursorSigner
from api.deps import ResourcesDep, SettingsDep, UowDep
from api.presenters import rewards as present
from api.schemas.common import ErrorBody
from api.schemas.rewards import RewardsResponse
from api.security import CurrentPrincipal
from domain.models import Chain
from infrastructure.db.uow import SqlUnitOfWork
from services import rewards as service
from services import tiers

router = APIRouter(prefix="/api/rewards", tags=["rewards"])  # limited per user at authentication
DEFAULT_LIMIT = 100
MIN_YEAR, MAX_YEAR = 2015, 2100
NOT_YOURS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The cursor is invalid (INVALID_CURSOR)."},
    404: {"model": ErrorBody, "description": "walletId is not one of the caller's wallets."},
}
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "RFC 4180 CSV, UTF-8, a header row, one row per reward event",
    },
    403: {
        "model": ErrorBody,
        "description": "The tier may not export (TIER_LIMIT, details.upgradeUrl).",
    },
}


def _signer(settings: Any) -> CursorSigner:
    assert settings.secret_key is not None  # load_settings() always fills it
    return CursorSigner(settings.secret_key.get_secret_value())


@router.get(
    "",
    summary="The caller's rewards, per event (epoch) or per position and day, newest first",
    response_model=RewardsResponse,
    responses=NOT_YOURS,
)
async def list_rewards(
    principal: CurrentPrincipal,
    uow: UowDep,
    settings: SettingsDep,
    chain: Annotated[Chain | None, Query(description="Only this chain")] = None,
    wallet_id: Annotated[
        uuid.UUID | None, Query(alias="walletId", description="Only this linked wallet")
    ] = None,
    first: Annotated[
        date | None, Query(alias="from", description="First UTC day (YYYY-MM-DD), inclusive")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="Last UTC day (YYYY-MM-DD), inclusive")
    ] = None,
    granularity: Annotated[
        service.Granularity,
        Query(description="epoch: one row per reward event; day: per position and UTC day"),
    ] = service.Granularity.EPOCH,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = DEFAULT_LIMIT,
) -> Response:
    """Beyond the tier's `reward_days` (free: 30) the span is clamped, not refused: meta
    says so, with the upgrade link."""
    signer = _signer(settings)
    after = present.parse_cursor(signer, cursor, granularity) if cursor else None
    query = service.RewardsQuery(
        chain=chain,
        wallet_id=wallet_id,
        first=first,
        last=last,
        granularity=granularity,
        limit=limit,
    )
    today = datetime.now(UTC).date()
    page = await service.list_rewards(
        uow, principal.user.id, principal.user.tier, query, today, after
    )
    body = present.page_json(
        page, granularity, limit, signer, tiers.upgrade_url(settings.effective_app_origin)
    )
    return Response(body, media_type="application/json")


@router.get(
    "/export",
    summary="One year of the caller's reward events as CSV (for taxes; pro tier)",
    description="Columns: date_utc, chain, wallet (full address), validator, position, kind, "
    "amount (tokens), asset, amount_base_units, price_<currency> (the UTC day's close), "
    "value_<currency> (amount × price, exact), source, epoch, period, estimated. Text cells "
    "starting with = + - @ tab or CR are prefixed with ' (CSV injection); numbers, negative "
    "ones included, stay numbers. No close that day: price and value are empty.",
    response_class=StreamingResponse,
    responses=CSV_RESPONSE,
)
async def export(
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    year: Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)],
    format: Annotated[Literal["csv"], Query(description="csv (the only format)")] = "csv",
    currency: Annotated[Literal["usd", "eur"], Query()] = "usd",
) -> StreamingResponse:
    user = principal.user
    await service.check_export(uow, user.tier, tiers.upgrade_url(settings.effective_app_origin))

    def unit_of_work() -> SqlUnitOfWork:
        return SqlUnitOfWork(resources.session_factory)

    rows = service.export_rows(unit_of_work, user.id, year, currency)
    filename = f"staketrack-rewards-{year}-{currency}.csv"
    return StreamingResponse(
        present.csv_stream(rows, currency),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
