"""The signed-in account: profile, email, linked wallets, API keys, deletion (GDPR)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Response

from api import principal_cache
from api.accounts import on_wallet_linked, user_out, wallet_out
from api.deps import JobQueueDep, ResourcesDep, UowDep
from api.job_handles import issue_job_handle
from api.magic_links import limit_links_to, normalise_email, send_link
from api.schemas.auth import (
    AcceptedOut,
    AddEmailIn,
    ApiKeyIn,
    ApiKeyOut,
    CosmosProof,
    DeleteAccountIn,
    DeletedOut,
    EthereumProof,
    LinkedWalletOut,
    NewApiKeyOut,
    SolanaProof,
    UserOut,
    WalletOut,
)
from api.schemas.common import Envelope, ok
from api.security import CurrentPrincipal, SessionPrincipal, auth_rate_limit
from api.sessions import clear_session_cookies
from api.wallet_proofs import verify_proof
from domain.accounts import plan_unlink
from domain.errors import NotFound, WalletAlreadyLinked
from domain.models import Chain
from infrastructure.auth.tokens import new_api_key
from infrastructure.db.personal_data import delete_personal_data
from infrastructure.logging import get_logger

router = APIRouter(prefix="/api/me", tags=["account"])  # limited per user at authentication
log = get_logger(__name__)


@router.get("", summary="The signed-in account")
async def me(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> Envelope[UserOut]:
    return ok(await user_out(uow, resources.settings, principal.user))


@router.post(
    "/email",
    status_code=202,
    summary="Add (or change) the account's email: sends a verification link "
    "(202 whether or not the address belongs to another account)",
    dependencies=[Depends(auth_rate_limit)],
)
async def add_email(
    body: AddEmailIn, principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> Envelope[AcceptedOut]:
    """The answer never tells whether the address has an account: the link goes to the
    address either way, and only its confirmation decides — an address that belongs to
    another account is then refused (409 EMAIL_ALREADY_USED, shown to whoever holds the
    mailbox, who knows already)."""
    email = normalise_email(str(body.email))
    await limit_links_to(resources, email)
    await send_link(
        uow,
        resources.email,
        resources.settings,
        email=email,
        purpose="verify",
        user_id=principal.user.id,
        now=datetime.now(UTC),
    )
    return ok(AcceptedOut())


# --- wallets ---------------------------------------------------------------------------


@router.get("/wallets", summary="Linked wallets, oldest first")
async def wallets(principal: CurrentPrincipal, uow: UowDep) -> Envelope[list[WalletOut]]:
    return ok([wallet_out(w) for w in await uow.wallets.list_for_user(principal.user.id)])


async def _link(
    chain: Chain,
    proof: EthereumProof | SolanaProof | CosmosProof,
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
) -> Envelope[LinkedWalletOut]:
    address = await verify_proof(chain, proof, resources.settings, resources.keystore)
    if await uow.wallets.owner_of(chain, address) is not None:
        raise WalletAlreadyLinked()
    wallet = await uow.wallets.link(principal.user.id, chain, address)
    await uow.commit()  # the fetch job must see the committed wallet
    job_id = await on_wallet_linked(jobs, wallet)
    log.info("wallet_linked", chain=chain.value, user_id=str(principal.user.id))
    # the caller polls GET /api/jobs/{handle}: a handle bound to this user, not the job id
    handle = job_id and issue_job_handle(resources.settings, principal.user.id, job_id)
    return ok(LinkedWalletOut(**wallet_out(wallet).model_dump(), positions_job_id=handle))


_LINK_DOC = "Link another wallet: the same body as that chain's sign-in, over a fresh nonce"


@router.post("/wallets/eth", status_code=201, summary=_LINK_DOC)
async def link_eth(
    proof: EthereumProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> Envelope[LinkedWalletOut]:
    return await _link(Chain.ETH, proof, p, uow, r, jobs)


@router.post("/wallets/sol", status_code=201, summary=_LINK_DOC)
async def link_sol(
    proof: SolanaProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> Envelope[LinkedWalletOut]:
    return await _link(Chain.SOL, proof, p, uow, r, jobs)


@router.post("/wallets/atom", status_code=201, summary=_LINK_DOC)
async def link_atom(
    proof: CosmosProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> Envelope[LinkedWalletOut]:
    return await _link(Chain.ATOM, proof, p, uow, r, jobs)


@router.delete("/wallets/{wallet_id}", summary="Unlink a wallet (never the last way to sign in)")
async def unlink(
    wallet_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep
) -> Envelope[DeletedOut]:
    user = principal.user
    plan = plan_unlink(
        await uow.wallets.list_for_user(user.id),
        wallet_id,
        has_verified_email=user.email_verified_at is not None,
    )
    await uow.wallets.unlink(user.id, wallet_id)
    if plan.promote_wallet_id is not None:
        await uow.wallets.set_primary(user.id, plan.promote_wallet_id)
    return ok(DeletedOut(id=wallet_id))


# --- API keys ---------------------------------------------------------------------------


def _key_out(key: object) -> ApiKeyOut:
    return ApiKeyOut.model_validate(key, from_attributes=True)


@router.post("/api-keys", status_code=201, summary="Create an API key (shown once)")
async def create_api_key(
    body: ApiKeyIn, principal: SessionPrincipal, uow: UowDep
) -> Envelope[NewApiKeyOut]:
    issued = new_api_key()
    stored = await uow.api_keys.add(
        user_id=principal.user.id, name=body.name, prefix=issued.prefix, key_hash=issued.key_hash
    )
    return ok(NewApiKeyOut(**_key_out(stored).model_dump(), key=issued.key))


@router.get("/api-keys", summary="Active API keys (never the keys themselves)")
async def api_keys(principal: CurrentPrincipal, uow: UowDep) -> Envelope[list[ApiKeyOut]]:
    return ok([_key_out(k) for k in await uow.api_keys.list_active(principal.user.id)])


@router.delete("/api-keys/{key_id}", summary="Revoke an API key (refused at once)")
async def revoke_api_key(
    key_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep
) -> Envelope[DeletedOut]:
    if not await uow.api_keys.revoke(principal.user.id, key_id, datetime.now(UTC)):
        raise NotFound("No such API key on this account.")
    return ok(DeletedOut(id=key_id))


# --- deletion ---------------------------------------------------------------------------


@router.delete("", summary='Delete the account and every personal row (body {"confirm": "DELETE"})')
async def delete_account(
    body: DeleteAccountIn,
    principal: SessionPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    response: Response,
) -> Envelope[DeletedOut]:
    user = principal.user
    await delete_personal_data(uow.session, user.id, user.email)
    await uow.commit()
    await principal_cache.forget(resources.cache, user.id)  # every session ends now
    clear_session_cookies(response, resources.settings)
    log.info("account_deleted", user_id=str(user.id))
    return ok(DeletedOut(id=user.id))
