"""Account rules: which wallet may be unlinked, which may be made primary and what becomes
primary; who is admin."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from domain.credentials import IssuedSession
from domain.errors import LastLoginMethod, NotFound, TierLimitExceeded
from domain.models import Chain, LinkedWallet, Role, User
from domain.tiers import Feature, allowed_chains


@dataclass(frozen=True, slots=True)
class UnlinkPlan:
    wallet: LinkedWallet
    promote_wallet_id: UUID | None = None  # the wallet that becomes primary
    email_becomes_primary: bool = False


def plan_unlink(
    wallets: Sequence[LinkedWallet], wallet_id: UUID, *, has_verified_email: bool
) -> UnlinkPlan:
    """Refuse to remove the last way to sign in; hand the primary role on.

    `wallets` are the user's own, oldest first: another user's wallet id is NotFound.
    """
    target = next((w for w in wallets if w.id == wallet_id), None)
    if target is None:
        raise NotFound("No such wallet on this account.")
    remaining = [w for w in wallets if w.id != wallet_id]
    if not remaining and not has_verified_email:
        raise LastLoginMethod()
    if not target.is_primary:
        return UnlinkPlan(target)
    if has_verified_email:
        return UnlinkPlan(target, email_becomes_primary=True)
    return UnlinkPlan(target, promote_wallet_id=remaining[0].id)


def plan_set_primary(
    wallets: Sequence[LinkedWallet], wallet_id: UUID, *, chain_limit: int, upgrade_url: str
) -> LinkedWallet:
    """The wallet to make primary: one of the user's own (`wallets`, oldest first;
    another user's wallet id is NotFound), on a chain within the tier's limit.

    A wallet over the limit after a downgrade is read-only: as the primary wallet's chain
    comes first in `allowed_chains`, making it primary would move the limit onto its chain
    and another chain's wallets over it — refused as TierLimitExceeded (chains)."""
    target = next((w for w in wallets if w.id == wallet_id), None)
    if target is None:
        raise NotFound("No such wallet on this account.")
    if target.chain not in allowed_chains(wallets, chain_limit):
        current = len({w.chain for w in wallets})
        raise TierLimitExceeded(
            Feature.CHAINS.value,
            upgrade_url,
            limit=chain_limit,
            current=current,
            message="This wallet's chain is over your plan's limit of "
            f"{chain_limit} chain(s), so it is read-only and cannot become primary; "
            "upgrade to Pro to use it.",
        )
    return target


def _same_address(chain: Chain, a: str, b: str) -> bool:
    # EVM addresses compare case-insensitively (EIP-55 is only a checksum); base58 and
    # bech32 strings are case-sensitive / canonical lower case
    return a.lower() == b.lower() if chain is Chain.ETH else a == b


def is_admin(
    wallets: Sequence[LinkedWallet], admin_wallets: Collection[str], role: Role = Role.USER
) -> bool:
    """Admins: the `admin` role (granted by an admin), or a wallet in ADMIN_WALLETS."""
    if role is Role.ADMIN:
        return True
    return any(_same_address(w.chain, w.address, admin) for w in wallets for admin in admin_wallets)


@dataclass(frozen=True, slots=True)
class AccountView:
    """The signed-in account as /api/me shows it."""

    user: User
    wallets: tuple[LinkedWallet, ...]
    is_admin: bool

    @property
    def primary_login(self) -> Literal["wallet", "email"]:
        return "wallet" if any(w.is_primary for w in self.wallets) else "email"


PositionsFetch = Literal["started", "not_started"]


@dataclass(frozen=True, slots=True)
class WalletLinked:
    """A wallet just linked (committed), and whether its positions fetch was started:
    `not_started` when the job queue was unavailable — the wallet is linked either way
    and the hourly pipeline fetches its positions."""

    wallet: LinkedWallet
    positions_fetch: PositionsFetch
    positions_job_id: str | None = None


@dataclass(frozen=True, slots=True)
class WalletSignIn:
    session: IssuedSession
    new_wallet: WalletLinked | None  # set when the sign-in created the account
