"""Public validator list (searchable, sortable, keyset-paginated) and detail.

The pages everyone asks for (the first page of each chain and sort at the default size)
are cached as response bytes; the ingest drops them when it writes the chain's
validators. A cursor we did not issue is refused before the database and the cache.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.cursors import CursorSigner
from api.deps import RateLimitedRoute, ResourcesDep, UowDep
from api.presenters import validators as present
from api.schemas.common import ErrorBody, Freshness, ListMeta, MetaEnvelope
from api.schemas.validators import ValidatorDetailOut, ValidatorListMeta, ValidatorOut
from domain.models import Chain
from domain.validators import ValidatorSort, parse_validator_id
from infrastructure.resources import Resources
from services import cache_keys
from services import validators as service

router = APIRouter(prefix="/api/validators", tags=["validators"], dependencies=[RateLimitedRoute])
DEFAULT_LIMIT = 50
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown validator or malformed id."}
}
ListOut = MetaEnvelope[list[ValidatorOut], ValidatorListMeta]
DetailOut = MetaEnvelope[ValidatorDetailOut, Freshness]
assert issubclass(ValidatorListMeta, ListMeta)  # contract v1: every list's meta


def _signer(resources: Resources) -> CursorSigner:
    assert resources.settings.secret_key is not None  # load_settings() always fills it
    return CursorSigner(resources.settings.secret_key.get_secret_value())


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get(
    "",
    summary="Validators of one chain: search, sort, paginate",
    response_model=ListOut,
    responses={400: {"model": ErrorBody, "description": "The cursor is invalid (INVALID_CURSOR)."}},
)
async def list_validators(
    uow: UowDep,
    resources: ResourcesDep,
    chain: Chain,
    sort: ValidatorSort = ValidatorSort.STAKE,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = DEFAULT_LIMIT,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    # a cursor we did not issue is refused here: before the database and the cache
    after = present.position(_signer(resources), cursor, chain, sort) if cursor else None

    async def build() -> bytes:
        page = await service.list_validators(
            uow, chain, sort, limit, datetime.now(UTC), after=after, search=q
        )
        meta = present.page_meta(page, _signer(resources))
        body = ListOut(data=present.page_out(page), meta=meta)
        return body.model_dump_json().encode()

    # Only the pages everyone asks for are cached: the first page of each chain and sort
    # at the default size (9 entries in all). Later pages, searches and other sizes are
    # one indexed keyset query each; caching them let made-up requests fill the cache.
    if after is not None or q or limit != DEFAULT_LIMIT:
        return _json(await build())
    key = cache_keys.validators_first_page(chain.value, sort.value, limit)
    return _json(
        await resources.reads.get_or_build(
            "validators", key, resources.settings.cache_ttl_validators, build
        )
    )


@router.get(
    "/{validator_id}",
    summary="One validator with its latest observations",
    response_model=DetailOut,
    responses=NOT_FOUND,
)
async def validator(validator_id: str, uow: UowDep, resources: ResourcesDep) -> Response:
    chain, address = parse_validator_id(validator_id)

    async def build() -> bytes:
        detail = await service.validator_detail(uow, chain, address, datetime.now(UTC))
        meta = present.freshness_out(detail.freshness)
        body = DetailOut(data=present.detail_out(detail), meta=meta)
        return body.model_dump_json().encode()

    return _json(
        await resources.reads.get_or_build(
            "validator",
            cache_keys.validator(chain.value, address),
            resources.settings.cache_ttl_validators,
            build,
        )
    )
