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
from api.security import OptionalPrincipal
from domain.chains import ValidatorStatus
from domain.errors import NotFound
from domain.models import Chain, Tier
from domain.validators import (
    BAD_ID,
    NO_FILTER,
    ListFilter,
    ValidatorSort,
    check_listing,
    default_sort,
    eth_key,
    parse_validator_id,
)
from infrastructure.resources import Resources
from services import cache_keys
from services import validators as service

router = APIRouter(prefix="/api/validators", tags=["validators"], dependencies=[RateLimitedRoute])
DEFAULT_LIMIT = 50
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown validator or malformed id."}
}
# the list's filters and sorts a chain does not have are 422 VALIDATION_ERROR (see
# domain.validators.check_listing); a tampered cursor is 400 INVALID_CURSOR
ListOut = MetaEnvelope[list[ValidatorOut], ValidatorListMeta]
DetailOut = MetaEnvelope[ValidatorDetailOut, Freshness]
assert issubclass(ValidatorListMeta, ListMeta)  # contract v1: every list's meta


def _signer(resources: Resources) -> CursorSigner:
    assert resources.settings.secret_key is not None  # load_settings() always fills it
    return CursorSigner(resources.settings.secret_key.get_secret_value())


def _tier(principal: OptionalPrincipal) -> Tier:
    return principal.user.tier if principal is not None else Tier.FREE


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get(
    "",
    summary="Validators of one chain: search, filter, sort, paginate (each with its risk score)",
    response_model=ListOut,
    responses={
        400: {"model": ErrorBody, "description": "The cursor is invalid (INVALID_CURSOR)."},
    },
)
async def list_validators(
    uow: UowDep,
    resources: ResourcesDep,
    principal: OptionalPrincipal,
    chain: Chain,
    sort: Annotated[
        ValidatorSort | None,
        Query(
            description="stake, commission, name (SOL, ATOM); index, balance, stake (as "
            "balance) (ETH); vrs (all: highest score first, unscored last). Default: "
            "stake; ETH: index"
        ),
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = DEFAULT_LIMIT,
    q: Annotated[str | None, Query(max_length=100, description="Not for ETH")] = None,
    status: ValidatorStatus | None = None,
    withdrawal_address: Annotated[
        str | None,
        Query(alias="withdrawalAddress", max_length=42, description="ETH: 0x + 40 hex digits"),
    ] = None,
) -> Response:
    order = sort or default_sort(chain)
    filters = ListFilter(
        search=q or None,
        status=status,
        withdrawal_address=None if withdrawal_address is None else withdrawal_address.lower(),
    )
    check_listing(chain, order, filters)  # a bad filter is refused before anything else
    # a cursor we did not issue is refused here: before the database and the cache
    after = present.position(_signer(resources), cursor, chain, order) if cursor else None
    tier = _tier(principal)

    async def build() -> bytes:
        view = await service.tier_view(uow, tier)
        page = await service.list_validators(
            uow, chain, order, limit, datetime.now(UTC), view, after=after, filters=filters
        )
        meta = present.page_meta(page, _signer(resources))
        body = ListOut(data=present.page_out(page), meta=meta)
        return body.model_dump_json().encode()

    # Only the pages everyone asks for are cached: the first page of each chain, sort and
    # tier view at the default size. Later pages, searches, filters and other sizes are
    # one indexed keyset query each; caching them let made-up requests fill the cache.
    if after is not None or filters != NO_FILTER or limit != DEFAULT_LIMIT:
        return _json(await build())
    key = cache_keys.validators_first_page(chain.value, order.value, limit, tier.value)
    return _json(
        await resources.reads.get_or_build(
            "validators", key, resources.settings.cache_ttl_validators, build
        )
    )


@router.get(
    "/{validator_id}",
    summary="One validator with its latest observations and risk score",
    description="ETH validators by index (eth:123) or pubkey (eth:0x + 96 hex digits). "
    "A signed-in view of an ETH validator nobody observes yet adds it to the observed set "
    "(capped; see README).",
    response_model=DetailOut,
    responses=NOT_FOUND,
)
async def validator(
    validator_id: str, uow: UowDep, resources: ResourcesDep, principal: OptionalPrincipal
) -> Response:
    chain, address = parse_validator_id(validator_id)
    if chain is Chain.ETH and eth_key(address) is None:
        raise NotFound(BAD_ID)
    tier = _tier(principal)
    if principal is not None:  # a signed-in view observes it (capped: domain/observed.py)
        await service.observe_view(uow, resources.reads, chain, address, datetime.now(UTC))

    async def build() -> bytes:
        view = await service.tier_view(uow, tier)
        detail = await service.validator_detail(uow, chain, address, datetime.now(UTC), view)
        meta = present.freshness_out(detail.freshness)
        body = DetailOut(data=present.detail_out(detail), meta=meta)
        return body.model_dump_json().encode()

    return _json(
        await resources.reads.get_or_build(
            "validator",
            cache_keys.validator(chain.value, address, tier.value),
            resources.settings.cache_ttl_validators,
            build,
        )
    )
