"""Sign-in: wallet proofs (Ethereum, Solana, Cosmos), email magic links, refresh, logout."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, Response

from api import principal_cache
from api.accounts import on_wallet_linked, user_for_wallet, user_out
from api.deps import JobQueueDep, ResourcesDep, UowDep, client_ip
from api.magic_links import limit_links_to, normalise_email, send_link
from api.schemas.auth import (
    AcceptedOut,
    CosmosProof,
    EmailIn,
    EthereumProof,
    NonceOut,
    SessionOut,
    SolanaProof,
    TokenIn,
)
from api.schemas.common import Envelope, ok
from api.security import (
    CurrentPrincipal,
    auth_rate_limit,
    record_failed_sign_in,
    require_csrf,
    sign_in_failure_guard,
)
from api.sessions import (
    REFRESH_COOKIE,
    IssuedSession,
    clear_session_cookies,
    end_session,
    rotate_session,
    set_session_cookies,
    start_session,
)
from api.wallet_proofs import Proof, issue_nonce, verify_proof
from domain.errors import (
    AuthenticationFailed,
    InvalidToken,
    TokenReused,
    TurnstileFailed,
)
from domain.models import Chain, User
from infrastructure.auth.tokens import hash_secret
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger

router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(auth_rate_limit)])
log = get_logger(__name__)
SignInAttempt = Depends(sign_in_failure_guard)  # refused at once after too many failures


async def _session_response(
    uow: SqlUnitOfWork, resources: ResourcesDep, response: Response, session: IssuedSession
) -> Envelope[SessionOut]:
    set_session_cookies(response, resources.settings, session)
    user = await user_out(uow, resources.settings, session.user)
    return ok(
        SessionOut(access_token=session.access_token, expires_at=session.expires_at, user=user)
    )


@router.get("/nonce", summary="A single-use nonce for a sign-in message (10 minutes)")
async def nonce(resources: ResourcesDep) -> Envelope[NonceOut]:
    value, expires_at = await issue_nonce(resources.keystore, datetime.now(UTC))
    return ok(NonceOut(nonce=value, expires_at=expires_at))


async def _wallet_sign_in(
    chain: Chain,
    proof: Proof,
    request: Request,
    uow: SqlUnitOfWork,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> Envelope[SessionOut]:
    try:
        address = await verify_proof(chain, proof, resources.settings, resources.keystore)
    except AuthenticationFailed as exc:
        log.info("sign_in_refused", chain=chain.value, code=exc.code)  # never the address
        await record_failed_sign_in(request, resources)
        raise
    user, new_wallet = await user_for_wallet(uow, chain, address)
    session = await start_session(uow, resources.settings, user, datetime.now(UTC))
    body = await _session_response(uow, resources, response, session)
    await uow.commit()
    if new_wallet is not None:
        await on_wallet_linked(jobs, new_wallet)
    log.info(
        "signed_in", chain=chain.value, user_id=str(user.id), new_account=new_wallet is not None
    )
    return body


@router.post("/siwe", summary="Sign in with Ethereum (EIP-4361)", dependencies=[SignInAttempt])
async def siwe(
    proof: EthereumProof,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> Envelope[SessionOut]:
    return await _wallet_sign_in(Chain.ETH, proof, request, uow, resources, jobs, response)


@router.post(
    "/solana",
    summary="Sign in with Solana (ed25519 over the EIP-4361 layout)",
    dependencies=[SignInAttempt],
)
async def solana(
    proof: SolanaProof,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> Envelope[SessionOut]:
    return await _wallet_sign_in(Chain.SOL, proof, request, uow, resources, jobs, response)


@router.post(
    "/cosmos",
    summary="Sign in with a Cosmos Hub wallet (Keplr ADR-036)",
    dependencies=[SignInAttempt],
)
async def cosmos(
    proof: CosmosProof,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> Envelope[SessionOut]:
    return await _wallet_sign_in(Chain.ATOM, proof, request, uow, resources, jobs, response)


@router.post(
    "/email",
    status_code=202,
    summary="Send a sign-in link (202 whether or not the address has an account)",
)
async def email_sign_in(
    body: EmailIn, request: Request, uow: UowDep, resources: ResourcesDep
) -> Envelope[AcceptedOut]:
    email = normalise_email(str(body.email))
    await limit_links_to(resources, email)
    if resources.turnstile is not None and not await resources.turnstile.verify(
        body.turnstile_token, client_ip(request)
    ):
        raise TurnstileFailed()
    await send_link(
        uow,
        resources.email,
        resources.settings,
        email=email,
        purpose="login",
        now=datetime.now(UTC),
    )
    return ok(AcceptedOut())


@router.post(
    "/email/verify",
    summary="Trade an emailed link token for a session",
    dependencies=[SignInAttempt],
)
async def email_verify(
    body: TokenIn, request: Request, uow: UowDep, resources: ResourcesDep, response: Response
) -> Envelope[SessionOut]:
    now = datetime.now(UTC)
    link = await uow.magic_links.consume(hash_secret(body.token), now)
    if link is None:
        await record_failed_sign_in(request, resources)
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
    await principal_cache.forget(resources.cache, user.id)  # the user row changed
    session = await start_session(uow, resources.settings, user, now)
    return await _session_response(uow, resources, response, session)


@router.post("/refresh", summary="Rotate the refresh cookie for a new access token")
async def refresh(
    request: Request, uow: UowDep, resources: ResourcesDep, response: Response
) -> Envelope[SessionOut]:
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise InvalidToken("No refresh token; sign in again.")
    require_csrf(request)
    try:
        session = await rotate_session(
            uow, resources.settings, resources.cache, token, datetime.now(UTC)
        )
    except TokenReused:
        await uow.commit()  # keep the family's revocation although the request fails
        log.warning("refresh_token_reused")
        raise
    return await _session_response(uow, resources, response, session)


@router.post("/logout", summary="End this session (all its tokens) and clear the cookies")
async def logout(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep, response: Response
) -> Envelope[dict[str, bool]]:
    if principal.session_id is not None:
        await end_session(
            uow, resources.cache, principal.user.id, principal.session_id, datetime.now(UTC)
        )
    clear_session_cookies(response, resources.settings)
    return ok({"loggedOut": True})
