"""Domain values of the account services -> the wire models of /api/auth and /api/me."""

from __future__ import annotations

from api.schemas.auth import (
    ApiKeyOut,
    LinkedWalletOut,
    NewApiKeyOut,
    SessionOut,
    UserOut,
    WalletOut,
)
from domain.accounts import AccountView, WalletLinked
from domain.addresses import shorten
from domain.credentials import ApiKey, CreatedApiKey, IssuedSession
from domain.models import LinkedWallet


def user_out(view: AccountView) -> UserOut:
    user = view.user
    return UserOut(
        id=user.id,
        tier=user.tier,
        email=user.email,
        email_verified=user.email_verified_at is not None,
        primary_login=view.primary_login,
        is_admin=view.is_admin,
        created_at=user.created_at,
    )


def session_out(session: IssuedSession, view: AccountView) -> SessionOut:
    return SessionOut(
        access_token=session.access_token, expires_at=session.expires_at, user=user_out(view)
    )


def wallet_out(wallet: LinkedWallet, over_limit: bool = False) -> WalletOut:
    return WalletOut(
        id=wallet.id,
        chain=wallet.chain,
        address=wallet.address,
        short_address=shorten(wallet.address),
        linked_at=wallet.linked_at,
        is_primary=wallet.is_primary,
        over_limit=over_limit,
    )


def linked_wallet_out(linked: WalletLinked, positions_handle: str | None) -> LinkedWalletOut:
    """`positions_handle`: the caller's handle for the job (never the internal job id)."""
    return LinkedWalletOut(
        **wallet_out(linked.wallet).model_dump(),
        positions_job_id=positions_handle,
        positions_fetch=linked.positions_fetch,
    )


def api_key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )


def new_api_key_out(created: CreatedApiKey) -> NewApiKeyOut:
    return NewApiKeyOut(**api_key_out(created.api_key).model_dump(), key=created.key)
