"""The public validator list (searchable, sortable, keyset-paged) and a validator's detail,
each validator with its risk score in the caller's tier view; the observed set's growth
by signed-in views; the demo network's ETH labels.

Called by `api/routers/validators.py` (`GET /api/validators`, `GET /api/validators/{id}`)
and `api/routers/vrs.py` (a view of a score observes the validator too). Pages start
after a decoded `PagePosition` and end at one; signing it into a cursor is the router's
business. ETH lists and details read the whole stored set (`eth_validators`); the other
chains read the validators table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from domain.errors import NotFound
from domain.freshness import freshness
from domain.models import Chain, Tier
from domain.observed import ObservedSource, may_add_viewed
from domain.ports import ReadInvalidation
from domain.validators import (
    NO_FILTER,
    OBSERVATIONS_SHOWN,
    ListedValidator,
    ListFilter,
    PagePosition,
    ValidatorDetail,
    ValidatorPage,
    ValidatorSort,
    check_listing,
    eth_key,
    sort_key,
)
from domain.vrs.tiers import visible_factors
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from infrastructure.resources import Resources
from services import cache_keys

SYNC_STEP = "validators"  # the ingest step whose success dates the validator set
LABEL_SOURCE_DEMO = "demo"

log = get_logger(__name__)


async def tier_view(uow: SqlUnitOfWork, tier: Tier) -> int:
    """How many factors `tier` sees (the view whose totals it is shown)."""
    return len(visible_factors((await uow.tier_limits.get(tier)).vrs_factors))


async def list_validators(
    uow: SqlUnitOfWork,
    chain: Chain,
    sort: ValidatorSort,
    limit: int,
    now: datetime,
    view: int,
    *,
    after: PagePosition | None = None,
    filters: ListFilter = NO_FILTER,
) -> ValidatorPage:
    """One page of the chain's validators in `sort` order after `after`, scores in the
    view showing `view` factors; `next` is where the following page starts (None on the
    last page). InvalidInput for a sort or filter the chain's list does not have."""
    check_listing(chain, sort, filters)
    fresh = freshness(await uow.validators.sync_state(chain, SYNC_STEP), now)
    if chain is Chain.ETH:
        rows = await uow.eth_validators.page(
            sort, limit + 1, view, fresh.fetched_at or now, after=after, filters=filters
        )
    else:
        rows = await uow.validators.page(chain, sort, limit + 1, view, after=after, filters=filters)
    shown = rows[:limit]
    following = None
    if len(rows) > limit:
        last = shown[-1]
        following = PagePosition(sort_key(last, sort), last.validator.address)
    return ValidatorPage(
        chain=chain,
        sort=sort,
        limit=limit,
        validators=shown,
        next=following,
        freshness=fresh,
        prices=await uow.validators.latest_prices(chain),
    )


async def _listed(
    uow: SqlUnitOfWork, chain: Chain, address: str, view: int, fetched_at: datetime
) -> ListedValidator | None:
    if chain is Chain.ETH:
        key = eth_key(address)
        if key is not None:
            found = await uow.eth_validators.get(key, view, fetched_at)
            if found is not None:
                return found
    return await uow.validators.get_listed(chain, address, view)


async def validator_detail(
    uow: SqlUnitOfWork, chain: Chain, address: str, now: datetime, view: int
) -> ValidatorDetail:
    """The validator with its score in `view` and its latest observations; NotFound when
    we do not know it (ETH: by index or pubkey, in the stored set)."""
    fresh = freshness(await uow.validators.sync_state(chain, SYNC_STEP), now)
    listed = await _listed(uow, chain, address, view, fresh.fetched_at or now)
    if listed is None:
        raise NotFound("No such validator.")
    canonical = listed.validator.address
    return ValidatorDetail(
        listed=listed,
        observations=await uow.validators.observations(chain, canonical, OBSERVATIONS_SHOWN),
        freshness=fresh,
        prices=await uow.validators.latest_prices(chain),
    )


async def canonical_address(uow: SqlUnitOfWork, chain: Chain, address: str) -> str:
    """The address a validator is stored under: an ETH pubkey names its index (NotFound
    for a pubkey not in the set); anything else is itself."""
    if chain is Chain.ETH and address.startswith("0x"):
        index = await uow.validators.eth_index(address)
        if index is None:
            raise NotFound("No such validator.")
        return str(index)
    return address


async def observe_viewed(uow: SqlUnitOfWork, chain: Chain, address: str, now: datetime) -> bool:
    """A signed-in caller viewed this validator: add it to the observed set when nobody
    observes it yet and the caps allow (domain/observed.py); committed. True when added.
    Only ETH has validators outside the observed set."""
    if chain is not Chain.ETH or await uow.validators.eth_index(address) is None:
        return False
    if await uow.observed.is_observed(chain, address):
        return False
    hour = now.replace(minute=0, second=0, microsecond=0)
    this_hour = await uow.observed.added(ObservedSource.VIEW, since=hour)
    in_all = await uow.observed.added(ObservedSource.VIEW)
    if not may_add_viewed(this_hour, in_all):
        log.warning("observed_set_cap_reached", chain=chain.value, this_hour=this_hour)
        return False
    added = await uow.observed.add(chain, address, ObservedSource.VIEW, now)
    await uow.commit()
    if added:
        log.info("validator_observed", chain=chain.value, validator=address, source="view")
    return added


async def observe_view(
    uow: SqlUnitOfWork, reads: ReadInvalidation, chain: Chain, address: str, now: datetime
) -> bool:
    """A signed-in view of a validator (its detail or score; ETH by index or pubkey):
    `observe_viewed`, then its cached score answers, which said `not_observed`, are
    dropped. True when it joined the observed set."""
    try:
        canonical = await canonical_address(uow, chain, address)
    except NotFound:
        return False
    if not await observe_viewed(uow, chain, canonical, now):
        return False
    await reads.drop(
        *{
            cache_keys.vrs_score(chain.value, name, tier.value)
            for name in (address, canonical)
            for tier in Tier
        }
    )
    return True


async def seed_labels(
    uow: SqlUnitOfWork, chain: Chain, labels: Mapping[str, str], now: datetime
) -> int:
    """Set these labels (address -> label), source `demo`; committed."""
    for address, label in labels.items():
        await uow.validators.set_label(chain, address, label, LABEL_SOURCE_DEMO, now)
    await uow.commit()
    return len(labels)


async def seed_demo_labels(resources: Resources, validators: int) -> int:
    """The demo network's ETH labels (infrastructure/chains/demo/ethereum.py), set at
    start-up on NETWORK=demo only; a database not migrated yet is left alone (the next
    start seeds it)."""
    from infrastructure.chains.demo.ethereum import demo_labels

    try:
        async with SqlUnitOfWork(resources.session_factory) as uow:
            return await seed_labels(uow, Chain.ETH, demo_labels(validators), datetime.now(UTC))
    except Exception as exc:  # e.g. no validator_labels table before `staketrack migrate`
        log.warning("demo_labels_not_seeded", error=type(exc).__name__)
        return 0
