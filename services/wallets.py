"""Linked wallets: list, link (with a proven address), unlink, set the primary wallet.

Called by `api/routers/me.py` (and `start_positions_fetch` by `services/accounts.py`
for the wallet a first sign-in links). A link or unlink is committed, then the user's
cached portfolio and yield reads are dropped: the very next read shows it.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from domain.accounts import WalletLinked, plan_set_primary, plan_unlink
from domain.errors import DependencyUnavailable, WalletAlreadyLinked
from domain.models import Chain, LinkedWallet, User
from domain.ports import Cache, JobQueue
from domain.tiers import Feature, allowed_chains
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import job_ids, tiers, user_cache

log = get_logger(__name__)


async def list_wallets(uow: SqlUnitOfWork, user_id: uuid.UUID) -> list[LinkedWallet]:
    """The user's wallets, oldest first (the first is primary unless email is)."""
    return await uow.wallets.list_for_user(user_id)


async def list_with_limits(uow: SqlUnitOfWork, user: User) -> list[tuple[LinkedWallet, bool]]:
    """The user's wallets, oldest first, each with whether it is over the tier's chain
    limit (after a downgrade: read-only, kept; domain.tiers.allowed_chains)."""
    wallets = await uow.wallets.list_for_user(user.id)
    allowed = allowed_chains(wallets, (await tiers.limits_for(uow, user)).chains)
    return [(w, w.chain not in allowed) for w in wallets]


async def start_positions_fetch(
    jobs: JobQueue, wallet: LinkedWallet, now: datetime
) -> WalletLinked:
    """Fetch a newly linked (committed) wallet's positions at once.

    The wallet is linked whatever happens here: when the queue is unavailable (a Redis
    outage: 503 DEPENDENCY_UNAVAILABLE from the queue port), the answer says
    `not_started` — no error after a successful commit — and the hourly pipeline
    fetches the positions of every linked wallet anyway."""
    ref = job_ids.wallet_positions(wallet.chain.value, wallet.id, now)
    try:
        await jobs.enqueue(ref.name, ref.id, {"wallet_id": str(wallet.id)})
    except DependencyUnavailable as exc:
        log.warning("positions_fetch_not_started", chain=wallet.chain.value, error=exc.code)
        return WalletLinked(wallet, "not_started")
    # enqueue() is False when this wallet's job of this hour exists already: started too
    return WalletLinked(wallet, "started", positions_job_id=ref.id)


async def link_wallet(
    uow: SqlUnitOfWork,
    cache: Cache,
    jobs: JobQueue,
    user: User,
    chain: Chain,
    address: str,
    now: datetime,
    app_origin: str,
) -> WalletLinked:
    """Link a proven wallet to the user (409 when any account has it; 403 TIER_LIMIT
    when it is on a chain beyond the tier's number of chains). Commits, drops the user's
    cached reads, then starts the positions fetch.

    The chains are counted under the user's row lock, held until the commit: two links
    of new chains at once at the limit give one 201 and one 403. A wallet on a chain the
    user has within the limit is never refused; on a chain over the limit (after a
    downgrade) it is."""
    user_id = user.id
    if await uow.wallets.owner_of(chain, address) is not None:
        raise WalletAlreadyLinked()
    await uow.tier_usage.lock_user(user_id)
    wallets = await uow.wallets.list_for_user(user_id)
    limits = await tiers.limits_for(uow, user)
    # more wallets on a chain within the limit are not gated; a new chain, or one over
    # the limit after a downgrade (read-only), is counted
    if chain not in allowed_chains(wallets, limits.chains):
        current = len({w.chain for w in wallets})
        await tiers.gate(uow, user, Feature.CHAINS, current, app_origin)
    wallet = await uow.wallets.link(user_id, chain, address)
    await uow.commit()  # the fetch job must see the committed wallet
    await user_cache.drop_reads(cache, user_id)
    log.info("wallet_linked", chain=chain.value, user_id=str(user_id))
    return await start_positions_fetch(jobs, wallet, now)


async def unlink_wallet(uow: SqlUnitOfWork, cache: Cache, user: User, wallet_id: uuid.UUID) -> None:
    """Unlink a wallet and its fetched positions (never the last way to sign in; the
    primary role passes on). Commits, then drops the user's cached reads."""
    plan = plan_unlink(
        await uow.wallets.list_for_user(user.id),
        wallet_id,
        has_verified_email=user.email_verified_at is not None,
    )
    await uow.wallets.unlink(user.id, wallet_id)
    if plan.promote_wallet_id is not None:
        await uow.wallets.set_primary(user.id, plan.promote_wallet_id)
    await uow.commit()
    await user_cache.drop_reads(cache, user.id)
    log.info("wallet_unlinked", chain=plan.wallet.chain.value, user_id=str(user.id))


async def set_primary_wallet(
    uow: SqlUnitOfWork, cache: Cache, user: User, wallet_id: uuid.UUID, app_origin: str
) -> LinkedWallet:
    """Make one of the user's wallets the primary one (404 for a wallet not theirs; 403
    TIER_LIMIT for one over the tier's chain limit). Commits, then drops the user's cached
    reads (the primary wallet's chain decides which chains stay within the limit).

    Idempotent: the primary wallet again is no change. Under the user's row lock, so a
    concurrent link or set-primary cannot leave two primaries or count stale chains."""
    await uow.tier_usage.lock_user(user.id)
    limits = await tiers.limits_for(uow, user)
    target = plan_set_primary(
        await uow.wallets.list_for_user(user.id),
        wallet_id,
        chain_limit=limits.chains,
        upgrade_url=tiers.upgrade_url(app_origin),
    )
    if not target.is_primary:
        await uow.wallets.set_primary(user.id, target.id)
    await uow.commit()
    await user_cache.drop_reads(cache, user.id)
    log.info("wallet_made_primary", chain=target.chain.value, user_id=str(user.id))
    return replace(target, is_primary=True)
