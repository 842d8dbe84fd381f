"""Accounts and sessions: sign-in (wallet or email link) to an account, sessions (issue,
refresh with reuse detection, logout), the account view, tier changes and deletion.

Called by `api/routers/auth.py` and `api/routers/me.py` (and `set_tier` by the tests
and, later, the admin and subscription routes). Every change to a user takes effect
on the very next request: see `services/user_cache.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlencode

from domain.accounts import AccountView, WalletSignIn, is_admin
from domain.audit import pseudonym
from domain.credentials import IssuedSession
from domain.email import EmailSender
from domain.errors import InvalidToken, NotFound, TokenReused
from domain.models import Chain, LinkedWallet, Tier, User
from domain.ports import Cache, JobQueue
from infrastructure.auth.tokens import (
    MAGIC_LINK_TTL,
    REFRESH_TTL,
    hash_secret,
    issue_access_token,
    new_opaque_token,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.templates import email_verification_email, magic_link_email
from infrastructure.settings import Settings
from services import user_cache
from services.wallets import start_positions_fetch

VERIFY_PATH = "/auth/email"  # the SPA page that posts the token to /api/auth/email/verify


# --- the account ------------------------------------------------------------------------


async def account_view(
    uow: SqlUnitOfWork, admin_wallets: Collection[str], user: User
) -> AccountView:
    wallets = tuple(await uow.wallets.list_for_user(user.id))
    admin = is_admin(wallets, admin_wallets, user.role)
    return AccountView(user=user, wallets=wallets, is_admin=admin)


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


async def sign_in_with_wallet(
    uow: SqlUnitOfWork,
    settings: Settings,
    jobs: JobQueue,
    chain: Chain,
    address: str,
    now: datetime,
) -> WalletSignIn:
    """A session for the proven `address` (its account made on first sign-in). Commits;
    a new account's wallet then gets its positions fetch started."""
    user, new_wallet = await user_for_wallet(uow, chain, address)
    session = await start_session(uow, settings, user, now)
    await uow.commit()  # the fetch job must see the committed wallet
    linked = await start_positions_fetch(jobs, new_wallet, now) if new_wallet else None
    return WalletSignIn(session=session, new_wallet=linked)


async def set_tier(uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, tier: Tier) -> User:
    """Change a user's tier (admin, subscription). Commits, then drops the user's session
    snapshots and cached reads: the very next request of every session of the user is
    decided on the new tier (no token carries it)."""
    user = await uow.users.set_tier(user_id, tier, datetime.now(UTC))
    if user is None:
        raise NotFound("No such user.")
    await uow.commit()
    await user_cache.user_changed(cache, user_id)
    return user


async def delete_account(uow: SqlUnitOfWork, cache: Cache, user: User, *, audit_key: bytes) -> None:
    """Delete the user and every personal row (GDPR) in one transaction; commits, then
    ends every session and drops every cached read of the user at once. The audit trail
    is kept: in the same transaction the user's id there (as actor or target) becomes
    `pseudonym(user_id, audit_key)` (`services.audit.pseudonym_key(SECRET_KEY)`)."""
    await uow.personal_data.delete_user(user.id, user.email)
    await uow.audit_log.pseudonymise(str(user.id), pseudonym(user.id, audit_key))
    await uow.commit()
    await user_cache.user_changed(cache, user.id)


# --- sessions ---------------------------------------------------------------------------


def _secret(settings: Settings) -> str:
    assert settings.secret_key is not None  # load_settings() always fills it
    return settings.secret_key.get_secret_value()


async def _issue(
    uow: SqlUnitOfWork, settings: Settings, user: User, family: uuid.UUID, now: datetime
) -> IssuedSession:
    refresh = new_opaque_token()
    await uow.users.touch(user.id, now)  # last seen: on sign-in and refresh, not per request
    await uow.refresh_tokens.add(
        user_id=user.id,
        family_id=family,
        token_hash=hash_secret(refresh),
        expires_at=now + REFRESH_TTL,
    )
    access, expires_at = issue_access_token(
        _secret(settings), user_id=user.id, session_id=family, now=now
    )
    return IssuedSession(user, access, expires_at, refresh, family)


async def start_session(
    uow: SqlUnitOfWork, settings: Settings, user: User, now: datetime
) -> IssuedSession:
    return await _issue(uow, settings, user, uuid.uuid4(), now)


async def _revoke(
    uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, family: uuid.UUID, now: datetime
) -> None:
    """Revoke a session's refresh tokens (committed), then drop its snapshot: its access
    token is refused from the very next request on."""
    await uow.refresh_tokens.revoke_family(family, now)
    await uow.commit()
    await user_cache.forget_snapshots(cache, user_id, family)


async def rotate_session(
    uow: SqlUnitOfWork, settings: Settings, cache: Cache, refresh_token: str, now: datetime
) -> IssuedSession:
    """Trade a refresh token for a new pair. Presenting an already-rotated token
    revokes its whole family (it was stolen, or the client is confused), committed
    before `TokenReused` is raised."""
    token = await uow.refresh_tokens.find(hash_secret(refresh_token))
    if token is None:
        raise InvalidToken("Unknown refresh token.")
    if token.used_at is not None or token.revoked_at is not None:
        await _revoke(uow, cache, token.user_id, token.family_id, now)
        raise TokenReused()
    # a concurrent reuse may have revoked the family before this token was committed
    if await uow.refresh_tokens.family_revoked(token.family_id):
        raise TokenReused()
    if token.expires_at <= now:
        raise InvalidToken("The refresh token has expired; sign in again.")
    if not await uow.refresh_tokens.mark_used(token.id, now):  # lost a concurrent race
        await _revoke(uow, cache, token.user_id, token.family_id, now)
        raise TokenReused()
    user = await uow.users.get(token.user_id)
    if user is None:
        raise InvalidToken()
    return await _issue(uow, settings, user, token.family_id, now)


async def end_session(
    uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> None:
    await _revoke(uow, cache, user_id, session_id, now)


async def session_user(
    uow: SqlUnitOfWork, cache: Cache, user_id: uuid.UUID, session_id: uuid.UUID
) -> User:
    """The user of a live session from the database (the snapshot missed), snapshot
    stored for the next request; InvalidToken when the account or session is gone."""
    user = await uow.users.get(user_id)
    if user is None:  # deleted since the token was issued
        raise InvalidToken("The account no longer exists.")
    if await uow.refresh_tokens.family_revoked(session_id):
        raise InvalidToken("The session has ended; sign in again.")
    await user_cache.store_snapshot(cache, user, session_id)
    return user


# --- email sign-in and verification -----------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def send_link(
    uow: SqlUnitOfWork,
    email_sender: EmailSender,
    settings: Settings,
    *,
    email: str,
    purpose: Literal["login", "verify"],
    now: datetime,
    user_id: uuid.UUID | None = None,
) -> None:
    """Email sign-in and verification links: 32 random bytes, stored hashed, 15
    minutes, single use, sent through the EmailSender port."""
    token = new_opaque_token()
    await uow.magic_links.add(
        token_hash=hash_secret(token),
        email=email,
        purpose=purpose,
        user_id=user_id,
        expires_at=now + MAGIC_LINK_TTL,
    )
    link = f"{settings.effective_app_origin}{VERIFY_PATH}?{urlencode({'token': token})}"
    minutes = int(MAGIC_LINK_TTL.total_seconds() // 60)
    build = magic_link_email if purpose == "login" else email_verification_email
    key = f"magic-link/{hash_secret(token).hex()[:32]}"
    await email_sender.send(build(email, link, minutes, idempotency_key=key))


async def sign_in_with_email_link(
    uow: SqlUnitOfWork, settings: Settings, cache: Cache, token: str, now: datetime
) -> IssuedSession:
    """Trade an emailed link (sign-in or verification) for a session; InvalidToken when
    the link is unknown, used or expired."""
    link = await uow.magic_links.consume(hash_secret(token), now)
    if link is None:
        raise InvalidToken("This link is invalid, used or expired; request a new one.")
    user: User | None
    if link.purpose == "verify":
        assert link.user_id is not None
        await uow.users.set_verified_email(link.user_id, link.email, now)
        user = await uow.users.get(link.user_id)
    else:
        user = await uow.users.by_email(link.email)
        if user is None:
            user = await uow.users.create_verified(link.email, now)
        elif user.email_verified_at is None:
            await uow.users.set_verified_email(user.id, link.email, now)
            user = await uow.users.get(user.id)
    if user is None:
        raise InvalidToken()
    session = await start_session(uow, settings, user, now)
    await uow.commit()
    await user_cache.forget_snapshots(cache, user.id)  # the user row changed (committed)
    return session
