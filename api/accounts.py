"""Account views and changes shared by the sign-in and /api/me routes."""

from __future__ import annotations

from datetime import UTC, datetime

from api.schemas.auth import UserOut, WalletOut
from domain.accounts import is_admin
from domain.addresses import shorten
from domain.models import Chain, LinkedWallet, User
from domain.ports import JobQueue
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.settings import Settings

POSITIONS_JOB = "fetch_wallet_positions"


async def user_out(uow: SqlUnitOfWork, settings: Settings, user: User) -> UserOut:
    wallets = await uow.wallets.list_for_user(user.id)
    has_primary_wallet = any(w.is_primary for w in wallets)
    return UserOut(
        id=user.id,
        tier=user.tier,
        email=user.email,
        email_verified=user.email_verified_at is not None,
        primary_login="wallet" if has_primary_wallet else "email",
        is_admin=is_admin(wallets, settings.admin_wallets),
        created_at=user.created_at,
    )


def wallet_out(wallet: LinkedWallet) -> WalletOut:
    return WalletOut(
        id=wallet.id,
        chain=wallet.chain,
        address=wallet.address,
        short_address=shorten(wallet.address),
        linked_at=wallet.linked_at,
        is_primary=wallet.is_primary,
    )


async def user_for_wallet(
    uow: SqlUnitOfWork, chain: Chain, address: str
) -> tuple[User, LinkedWallet | None]:
    """The wallet's account; a new free account with it as primary on first sign-in.
    Returns (user, the newly linked wallet or None when the account existed)."""
    owner = await uow.wallets.owner_of(chain, address)
    if owner is not None:
        user = await uow.users.get(owner.user_id)
        assert user is not None  # the foreign key guarantees it
        return user, None
    user = await uow.users.create()
    return user, await uow.wallets.link(user.id, chain, address, is_primary=True)


async def on_wallet_linked(jobs: JobQueue, wallet: LinkedWallet) -> str | None:
    """Hook: fetch a newly linked wallet's positions at once (call after commit).

    The positions job arrives with the chain-data work; until it is registered
    there is nothing to start.
    """
    from workers.jobs import JOBS

    if POSITIONS_JOB not in JOBS:
        return None
    job_id = f"positions:{wallet.chain}:{wallet.id}:{datetime.now(UTC):%Y-%m-%dT%H}"
    await jobs.enqueue(POSITIONS_JOB, job_id, {"wallet_id": str(wallet.id)})
    return job_id
