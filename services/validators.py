"""The public validator list (searchable, sortable, keyset-paged) and a validator's detail.

Called by `api/routers/validators.py` (`GET /api/validators`, `GET /api/validators/{id}`).
Pages start after a decoded `PagePosition` and end at one; signing it into a cursor is
the router's business.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import NotFound
from domain.freshness import freshness
from domain.models import Chain
from domain.validators import (
    OBSERVATIONS_SHOWN,
    PagePosition,
    ValidatorDetail,
    ValidatorPage,
    ValidatorSort,
    sort_key,
)
from infrastructure.db.uow import SqlUnitOfWork

SYNC_STEP = "validators"  # the ingest step whose success dates the validator set


async def list_validators(
    uow: SqlUnitOfWork,
    chain: Chain,
    sort: ValidatorSort,
    limit: int,
    now: datetime,
    *,
    after: PagePosition | None = None,
    search: str | None = None,
) -> ValidatorPage:
    """One page of the chain's validators in `sort` order after `after`; `next` is where
    the following page starts (None on the last page)."""
    rows = await uow.validators.page(chain, sort, limit + 1, after=after, search=search)
    shown = rows[:limit]
    following = None
    if len(rows) > limit:
        last = shown[-1]
        following = PagePosition(sort_key(last, sort), last.address)
    return ValidatorPage(
        chain=chain,
        sort=sort,
        limit=limit,
        validators=shown,
        next=following,
        freshness=freshness(await uow.validators.sync_state(chain, SYNC_STEP), now),
        prices=await uow.validators.latest_prices(chain),
    )


async def validator_detail(
    uow: SqlUnitOfWork, chain: Chain, address: str, now: datetime
) -> ValidatorDetail:
    """The validator with its latest observations; NotFound when it is not in the
    validators table."""
    validator = await uow.validators.get(chain, address)
    if validator is None:
        raise NotFound("No such validator.")
    return ValidatorDetail(
        validator=validator,
        observations=await uow.validators.observations(chain, address, OBSERVATIONS_SHOWN),
        freshness=freshness(await uow.validators.sync_state(chain, SYNC_STEP), now),
        prices=await uow.validators.latest_prices(chain),
    )
