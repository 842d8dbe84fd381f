"""Sign-in: wallet proofs (Ethereum, Solana, Cosmos), email magic links, refresh, logout."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, Response

from api.deps import JobQueueDep, ResourcesDep, UowDep, client_ip
from api.magic_links import limit_links_to
from api.presenters.accounts import session_out
from api.schemas.auth import (
    AcceptedOut,
    CosmosProof,
    EmailIn,
    EthereumProof,
    LoggedOutOut,
    MessageChainIds,
    NonceOut,
    SessionOut,
    SignInOptionsOut,
    SolanaProof,
    TokenIn,
)
from api.schemas.common import MetaEnvelope, NoMeta, one
from api.security import (
    CurrentPrincipal,
    auth_rate_limit,
    record_failed_sign_in,
    require_csrf,
    sign_in_failure_guard,
)
from api.sessions import (
    REFRESH_COOKIE,
    clear_session_cookies,
    set_session_cookies,
)
from api.wallet_proofs import Proof, to_wallet_proof
from domain.credentials import IssuedSession
from domain.errors import (
    AuthenticationFailed,
    InvalidToken,
    TokenReused,
    TurnstileFailed,
)
from domain.models import Chain
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import accounts
from services.wallet_proofs import (
    SIGN_IN_STATEMENT,
    accepted_chain_ids,
    issue_nonce,
    verify_proof,
)

router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(auth_rate_limit)])
log = get_logger(__name__)
SignInAttempt = Depends(sign_in_failure_guard)  # refused at once after too many failures


async def _session_response(
    uow: SqlUnitOfWork, resources: ResourcesDep, response: Response, session: IssuedSession
) -> MetaEnvelope[SessionOut, NoMeta]:
    set_session_cookies(response, resources.settings, session)
    view = await accounts.account_view(uow, resources.settings.admin_wallets, session.user)
    return one(session_out(session, view))


@router.get("/options", summary="What the sign-in page needs to know (the captcha site key)")
async def options(resources: ResourcesDep) -> MetaEnvelope[SignInOptionsOut, NoMeta]:
    return one(SignInOptionsOut(turnstile_site_key=resources.settings.turnstile_site_key))


@router.get("/nonce", summary="A single-use nonce for a sign-in message (10 minutes)")
async def nonce(resources: ResourcesDep) -> MetaEnvelope[NonceOut, NoMeta]:
    settings = resources.settings
    value, expires_at = await issue_nonce(resources.keystore, datetime.now(UTC))
    return one(
        NonceOut(
            nonce=value,
            expires_at=expires_at,
            domain=settings.app_domain,
            uri=settings.effective_app_origin,
            statement=SIGN_IN_STATEMENT,
            chain_ids=MessageChainIds(
                **{chain.value: accepted_chain_ids(chain, settings) for chain in Chain}
            ),
        )
    )


async def _wallet_sign_in(
    chain: Chain,
    proof: Proof,
    request: Request,
    uow: SqlUnitOfWork,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> MetaEnvelope[SessionOut, NoMeta]:
    try:
        address = await verify_proof(
            chain, to_wallet_proof(proof), resources.settings, resources.keystore
        )
    except AuthenticationFailed as exc:
        log.info("sign_in_refused", chain=chain.value, code=exc.code)  # never the address
        await record_failed_sign_in(request, resources)
        raise
    signed_in = await accounts.sign_in_with_wallet(
        uow, resources.settings, jobs, chain, address, datetime.now(UTC)
    )
    log.info(
        "signed_in",
        chain=chain.value,
        user_id=str(signed_in.session.user.id),
        new_account=signed_in.new_wallet is not None,
    )
    return await _session_response(uow, resources, response, signed_in.session)


@router.post("/siwe", summary="Sign in with Ethereum (EIP-4361)", dependencies=[SignInAttempt])
async def siwe(
    proof: EthereumProof,
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
    response: Response,
) -> MetaEnvelope[SessionOut, NoMeta]:
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
) -> MetaEnvelope[SessionOut, NoMeta]:
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
) -> MetaEnvelope[SessionOut, NoMeta]:
    return await _wallet_sign_in(Chain.ATOM, proof, request, uow, resources, jobs, response)


@router.post(
    "/email",
    status_code=202,
    summary="Send a sign-in link (202 whether or not the address has an account)",
)
async def email_sign_in(
    body: EmailIn, request: Request, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[AcceptedOut, NoMeta]:
    email = accounts.normalise_email(str(body.email))
    await limit_links_to(resources, email)
    if resources.turnstile is not None and not await resources.turnstile.verify(
        body.turnstile_token, client_ip(request)
    ):
        raise TurnstileFailed()
    await accounts.send_link(
        uow,
        resources.email,
        resources.settings,
        email=email,
        purpose="login",
        now=datetime.now(UTC),
    )
    return one(AcceptedOut())


@router.post(
    "/email/verify",
    summary="Trade an emailed link token for a session",
    dependencies=[SignInAttempt],
)
async def email_verify(
    body: TokenIn, request: Request, uow: UowDep, resources: ResourcesDep, response: Response
) -> MetaEnvelope[SessionOut, NoMeta]:
    try:
        session = await accounts.sign_in_with_email_link(
            uow, resources.settings, resources.cache, body.token, datetime.now(UTC)
        )
    except InvalidToken:
        await record_failed_sign_in(request, resources)
        raise
    return await _session_response(uow, resources, response, session)


@router.post("/refresh", summary="Rotate the refresh cookie for a new access token")
async def refresh(
    request: Request, uow: UowDep, resources: ResourcesDep, response: Response
) -> MetaEnvelope[SessionOut, NoMeta]:
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise InvalidToken("No refresh token; sign in again.")
    require_csrf(request)
    try:  # a reused token's family revocation is committed by the service
        session = await accounts.rotate_session(
            uow, resources.settings, resources.cache, token, datetime.now(UTC)
        )
    except TokenReused:
        log.warning("refresh_token_reused")
        raise
    return await _session_response(uow, resources, response, session)


@router.post("/logout", summary="End this session (all its tokens) and clear the cookies")
async def logout(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep, response: Response
) -> MetaEnvelope[LoggedOutOut, NoMeta]:
    if principal.session_id is not None:
        await accounts.end_session(
            uow, resources.cache, principal.user.id, principal.session_id, datetime.now(UTC)
        )
    clear_session_cookies(response, resources.settings)
    return one(LoggedOutOut())
