"""Public validator list (searchable, sortable, keyset-paginated) and detail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy import func, or_, select, tuple_
from starlette.responses import Response

from api.cursors import CursorSigner
from api.deps import RateLimitedRoute, ResourcesDep, UowDep
from api.presenters.chain_values import amount_of
from api.schemas.common import ErrorBody, ok
from api.schemas.validators import ObservationOut, ValidatorDetailOut, ValidatorOut, ValidatorPage
from domain.errors import InvalidCursor, NotFound
from domain.models import Chain
from domain.portfolio import chain_freshness
from infrastructure.cache.reads import cache_key
from infrastructure.db.models import ValidatorObservationRow, ValidatorRow
from infrastructure.db.repositories.chain_data import ChainDataRepository
from infrastructure.resources import Resources

router = APIRouter(prefix="/api/validators", tags=["validators"], dependencies=[RateLimitedRoute])
Sort = Literal["stake", "commission", "name"]
OBSERVATIONS_SHOWN = 48


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _out(row: ValidatorRow) -> dict[str, Any]:
    chain = Chain(row.chain)
    return {
        "id": f"{row.chain}:{row.address}",
        "chain": chain,
        "address": row.address,
        "name": row.name,
        "status": row.status,
        "stake": str(row.stake),
        "stake_display": amount_of(chain, row.stake, {}).display,
        "commission": _text(row.commission),
        "jailed": row.jailed,
        "slashed": row.slashed,
        "identity": row.identity,
        "fetched_at": row.fetched_at,
    }


DEFAULT_LIMIT = 50
_DECIMAL = re.compile(r"^[0-9]{1,30}(\.[0-9]{1,30})?$")
_KEY_TYPES: dict[str, type] = {"stake": int, "commission": str, "name": str}
BIGINT_LIMIT = 2**63  # stake is a BIGINT column


def _signer(resources: Resources) -> CursorSigner:
    assert resources.settings.secret_key is not None  # load_settings() always fills it
    return CursorSigner(resources.settings.secret_key.get_secret_value())


def _after(resources: Resources, cursor: str, chain: Chain, sort: Sort) -> tuple[Any, str]:
    """(sort key, address) a signed cursor of this listing resumes after."""
    values = _signer(resources).verify(cursor)
    key, address = values.get("k"), values.get("a")
    if (
        values.get("c") != chain.value
        or values.get("s") != sort
        or type(key) is not _KEY_TYPES[sort]  # exact: a bool is not a stake
        or (sort == "stake" and not -BIGINT_LIMIT <= key < BIGINT_LIMIT)
        or (sort == "commission" and not _DECIMAL.match(str(key)))
        or not isinstance(address, str)
        or not address
    ):
        raise InvalidCursor(
            "The cursor belongs to another listing; use the nextCursor of this one.",
            details={"field": "cursor"},
        )
    return key, address


@router.get(
    "",
    summary="Validators of one chain: search, sort, paginate",
    response_model=None,
    responses={400: {"model": ErrorBody, "description": "The cursor is invalid (INVALID_CURSOR)."}},
)
async def list_validators(
    uow: UowDep,
    resources: ResourcesDep,
    chain: Chain,
    sort: Sort = "stake",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = DEFAULT_LIMIT,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    # a cursor we did not issue is refused here: before the database and the cache
    after = _after(resources, cursor, chain, sort) if cursor else None

    async def build() -> bytes:
        # keyset pagination: (sort key, address) is unique and stable between pages
        key = {
            "stake": -ValidatorRow.stake,
            "commission": func.coalesce(ValidatorRow.commission, "1"),
            "name": func.lower(func.coalesce(ValidatorRow.name, "")),
        }[sort]
        query = select(ValidatorRow).where(ValidatorRow.chain == chain.value)
        if q:
            needle = q.strip().lower()
            query = query.where(
                or_(
                    func.lower(ValidatorRow.name).contains(needle, autoescape=True),
                    func.lower(ValidatorRow.address).startswith(needle, autoescape=True),
                )
            )
        if after is not None:
            query = query.where(tuple_(key, ValidatorRow.address) > tuple_(*after))
        rows = list(
            await uow.session.scalars(query.order_by(key, ValidatorRow.address).limit(limit + 1))
        )
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = None
        if more:
            last = rows[-1]
            last_key = {
                "stake": -last.stake,
                "commission": format(last.commission, "f") if last.commission is not None else "1",
                "name": (last.name or "").lower(),
            }[sort]
            next_cursor = _signer(resources).sign(
                {"c": chain.value, "s": sort, "k": last_key, "a": last.address}
            )
        page = ValidatorPage(items=[ValidatorOut(**_out(r)) for r in rows], next_cursor=next_cursor)
        sync = await ChainDataRepository(uow.session).sync_by_chain("validators")
        fresh = chain_freshness(sync.get(chain.value), datetime.now(UTC))
        fetched_at, stale, failed = fresh.fetched_at, fresh.stale, fresh.last_error
        last_error = failed.at if failed else None
        meta = {
            "chain": chain.value,
            "sort": sort,
            "fetchedAt": fetched_at.isoformat() if fetched_at else None,
            "stale": stale,
            "lastError": last_error.isoformat() if last_error else None,
        }
        return ok(page, **meta).model_dump_json().encode()

    # Only the pages everyone asks for are cached: the first page of each chain and sort
    # at the default size (9 entries in all). Later pages, searches and other sizes are
    # one indexed keyset query each; caching them let made-up requests fill the cache.
    if after is not None or q or limit != DEFAULT_LIMIT:
        body = await build()
    else:
        body = await resources.reads.get_or_build(
            "validators",
            cache_key("validators", chain.value, f"first:{sort}:{limit}"),
            resources.settings.cache_ttl_validators,
            build,
        )
    return Response(body, media_type="application/json")


@router.get(
    "/{validator_id}", summary="One validator with its latest observations", response_model=None
)
async def validator(validator_id: str, uow: UowDep, resources: ResourcesDep) -> Response:
    chain_name, _, address = validator_id.partition(":")
    if chain_name not in {c.value for c in Chain} or not address:
        raise NotFound("Validator ids look like 'sol:<vote account>' or 'eth:<index>'.")

    async def build() -> bytes:
        row = await uow.session.get(ValidatorRow, (chain_name, address))
        if row is None:
            raise NotFound("No such validator.")
        observations = await uow.session.scalars(
            select(ValidatorObservationRow)
            .where(
                ValidatorObservationRow.chain == chain_name,
                ValidatorObservationRow.validator == address,
            )
            .order_by(ValidatorObservationRow.observed_at.desc())
            .limit(OBSERVATIONS_SHOWN)
        )
        detail = ValidatorDetailOut(
            **_out(row),
            observations=[
                ObservationOut(
                    observed_at=o.observed_at,
                    status=o.status,
                    stake=None if o.stake is None else str(o.stake),
                    commission=_text(o.commission),
                    jailed=o.jailed,
                    slashed=o.slashed,
                    tombstoned=o.tombstoned,
                    uptime=_text(o.uptime),
                    performance=_text(o.performance),
                    skip_rate=_text(o.skip_rate),
                    missed_blocks=o.missed_blocks,
                    version=o.version,
                )
                for o in observations
            ],
        )
        return ok(detail).model_dump_json().encode()

    body = await resources.reads.get_or_build(
        "validator",
        cache_key("validator", chain_name, address),
        resources.settings.cache_ttl_validators,
        build,
    )
    return Response(body, media_type="application/json")
