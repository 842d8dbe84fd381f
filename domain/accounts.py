"""Account rules: which wallet may be unlinked and what becomes primary; who is admin."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from domain.credentials import IssuedSession
from domain.errors import LastLoginMethod, NotFound
from domain.models import Chain, LinkedWallet, Role, User


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
