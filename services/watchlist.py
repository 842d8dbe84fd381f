"""The watchlist (issue 16, FR: watch validators of any chain): list, watch, unwatch.

Watched validators join the observed set (`watched_validators` is part of the ingest's
and the VRS step's set: infrastructure/db/repositories/chain_data.watched_ids), so they
are observed and scored hourly — the ETH ones included.

Decisions where the issue is silent:
- Ids are `<chain>:<address>` as in the VRS routes; an ETH validator by index or pubkey
  is stored by its index. Malformed or unknown: 404 NOT_FOUND.
- Watching a validator already watched is idempotent: 200 with the entry (a new one is
  201); it is not counted again and never refused by the limit.
- The limit (free: 10) is counted under the user's row lock until the commit: two
  watches at once at the limit give one 201 and one 403 TIER_LIMIT.
- After a downgrade the entries beyond the oldest N are kept, listed with
  `overLimit: true` (read-only: they can be unwatched); they stay observed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from domain.errors import NotFound
from domain.models import Chain, Tier, User
from domain.ports import ReadInvalidation
from domain.tiers import Feature, TierLimits, within_limit
from domain.validators import parse_validator_id
from domain.vrs import VrsScore
from domain.vrs.tiers import VrsView, tier_view
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import cache_keys, tiers
from services.validators import canonical_address

log = get_logger(__name__)
UNKNOWN = "No such validator."


@dataclass(frozen=True, slots=True)
class WatchedEntry:
    chain: Chain
    validator: str
    name: str | None
    added_at: datetime
    vrs: VrsView | None  # the latest score in the caller's tier view (None: never scored)
    over_limit: bool


async def resolve(uow: SqlUnitOfWork, validator_id: str) -> tuple[Chain, str]:
    """(chain, stored address) of a validator id; NotFound when malformed or unknown."""
    chain, address = parse_validator_id(validator_id)
    canonical = await canonical_address(uow, chain, address)
    if not await uow.validators.known(chain, canonical):
        raise NotFound(UNKNOWN)
    return chain, canonical


async def list_watched(uow: SqlUnitOfWork, user: User) -> tuple[list[WatchedEntry], TierLimits]:
    """The user's watched validators, oldest first, with their latest score."""
    limits = await tiers.limits_for(uow, user)
    rows = await uow.watchlist.list_for_user(user.id)
    by_chain: dict[Chain, list[str]] = defaultdict(list)
    for row in rows:
        by_chain[row.chain].append(row.validator)
    scores: dict[tuple[Chain, str], VrsScore] = {}
    for chain, addresses in by_chain.items():  # one query per chain
        latest = await uow.vrs_scores.latest_scores(chain, addresses)
        scores.update({(chain, a): s for a, s in latest.items()})
    within = within_limit(len(rows), limits.watched_validators)
    entries = []
    for position, row in enumerate(rows):
        score = scores.get((row.chain, row.validator))
        entries.append(
            WatchedEntry(
                chain=row.chain,
                validator=row.validator,
                name=row.name,
                added_at=row.created_at,
                vrs=None if score is None else tier_view(score, limits.vrs_factors),
                over_limit=position >= within,
            )
        )
    return entries, limits


async def _entry(uow: SqlUnitOfWork, user: User, chain: Chain, address: str) -> WatchedEntry:
    entries, _ = await list_watched(uow, user)
    return next(e for e in entries if (e.chain, e.validator) == (chain, address))


async def watch(
    uow: SqlUnitOfWork,
    reads: ReadInvalidation,
    user: User,
    validator_id: str,
    app_origin: str,
) -> tuple[WatchedEntry, bool]:
    """Watch a validator; (the entry, True when it is new). Commits, then drops the
    validator's cached score answers (an unobserved ETH one said `not_observed`)."""
    chain, address = await resolve(uow, validator_id)
    await uow.tier_usage.lock_user(user.id)  # held until commit: the count cannot go stale
    if await uow.watchlist.has(user.id, chain, address):
        return await _entry(uow, user, chain, address), False
    current = await uow.watchlist.count(user.id)
    await tiers.gate(uow, user, Feature.WATCHLIST, current, app_origin)
    added = await uow.watchlist.add(user.id, chain, address)
    entry = await _entry(uow, user, chain, address)
    await uow.commit()
    if chain is Chain.ETH:
        await reads.drop(*{cache_keys.vrs_score(chain.value, address, tier.value) for tier in Tier})
    log.info("validator_watched", chain=chain.value, user_id=str(user.id))
    return entry, added


async def unwatch(uow: SqlUnitOfWork, user: User, validator_id: str) -> tuple[Chain, str]:
    """Stop watching (always allowed, over the limit or not); NotFound when not watched."""
    chain, address = parse_validator_id(validator_id)
    if chain is Chain.ETH and address.startswith("0x"):
        address = await canonical_address(uow, chain, address)
    if not await uow.watchlist.remove(user.id, chain, address):
        raise NotFound("This validator is not on your watchlist.")
    return chain, address
