"""The signed-in account: profile, email, linked wallets, API keys, deletion (GDPR)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Response

from api.deps import JobQueueDep, ResourcesDep, UowDep
from api.job_handles import issue_job_handle
from api.magic_links import limit_links_to
from api.presenters.accounts import (
    api_key_out,
    linked_wallet_out,
    new_api_key_out,
    user_out,
    wallet_out,
)
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
    PrimaryWalletIn,
    SolanaProof,
    UserOut,
    WalletOut,
)
from api.schemas.common import ErrorBody, ListMeta, MetaEnvelope, NoMeta, one, whole_list
from api.security import CurrentPrincipal, SessionPrincipal, auth_rate_limit
from api.sessions import clear_session_cookies
from api.wallet_proofs import to_wallet_proof
from domain.models import Chain
from infrastructure.logging import get_logger
from services import accounts, api_keys, wallets
from services.audit import pseudonym_key
from services.wallet_proofs import verify_proof

router = APIRouter(prefix="/api/me", tags=["account"])  # limited per user at authentication
log = get_logger(__name__)


@router.get("", summary="The signed-in account")
async def me(
    principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[UserOut, NoMeta]:
    view = await accounts.account_view(uow, resources.settings.admin_wallets, principal.user)
    return one(user_out(view))


@router.post(
    "/email",
    status_code=202,
    summary="Add (or change) the account's email: sends a verification link "
    "(202 whether or not the address belongs to another account)",
    dependencies=[Depends(auth_rate_limit)],
)
async def add_email(
    body: AddEmailIn, principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[AcceptedOut, NoMeta]:
    """The answer never tells whether the address has an account: the link goes to the
    address either way, and only its confirmation decides — an address that belongs to
    another account is then refused (409 EMAIL_ALREADY_USED, shown to whoever holds the
    mailbox, who knows already)."""
    email = accounts.normalise_email(str(body.email))
    await limit_links_to(resources, email)
    await accounts.send_link(
        uow,
        resources.email,
        resources.settings,
        email=email,
        purpose="verify",
        user_id=principal.user.id,
        now=datetime.now(UTC),
    )
    return one(AcceptedOut())


# --- wallets ---------------------------------------------------------------------------


@router.get(
    "/wallets",
    summary="Linked wallets, oldest first (the whole list in one page); those on chains "
    "beyond the tier's limit say overLimit",
)
async def list_wallets(
    principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[list[WalletOut], ListMeta]:
    listed = await wallets.list_with_limits(uow, principal.user)
    return whole_list([wallet_out(w, over) for w, over in listed])


async def _link(
    chain: Chain,
    proof: EthereumProof | SolanaProof | CosmosProof,
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    jobs: JobQueueDep,
) -> MetaEnvelope[LinkedWalletOut, NoMeta]:
    address = await verify_proof(
        chain, to_wallet_proof(proof), resources.settings, resources.keystore
    )
    linked = await wallets.link_wallet(
        uow,
        resources.cache,
        jobs,
        principal.user,
        chain,
        address,
        datetime.now(UTC),
        resources.settings.effective_app_origin,
    )
    # the caller polls GET /api/jobs/{handle}: a handle bound to this user, not the job id
    job_id = linked.positions_job_id
    handle = job_id and issue_job_handle(resources.settings, principal.user.id, job_id)
    return one(linked_wallet_out(linked, handle))


_LINK_DOC = "Link another wallet: the same body as that chain's sign-in, over a fresh nonce"


_TIER_LIMIT: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorBody,
        "description": "A wallet on a chain beyond the tier's number of chains (`TIER_LIMIT`, "
        "details `{feature: chains, limit, current, upgradeUrl}`), or CSRF / API-key read-only.",
    }
}


@router.post("/wallets/eth", status_code=201, summary=_LINK_DOC, responses=_TIER_LIMIT)
async def link_eth(
    proof: EthereumProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> MetaEnvelope[LinkedWalletOut, NoMeta]:
    return await _link(Chain.ETH, proof, p, uow, r, jobs)


@router.post("/wallets/sol", status_code=201, summary=_LINK_DOC, responses=_TIER_LIMIT)
async def link_sol(
    proof: SolanaProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> MetaEnvelope[LinkedWalletOut, NoMeta]:
    return await _link(Chain.SOL, proof, p, uow, r, jobs)


@router.post("/wallets/atom", status_code=201, summary=_LINK_DOC, responses=_TIER_LIMIT)
async def link_atom(
    proof: CosmosProof, p: CurrentPrincipal, uow: UowDep, r: ResourcesDep, jobs: JobQueueDep
) -> MetaEnvelope[LinkedWalletOut, NoMeta]:
    return await _link(Chain.ATOM, proof, p, uow, r, jobs)


@router.delete("/wallets/{wallet_id}", summary="Unlink a wallet (never the last way to sign in)")
async def unlink(
    wallet_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep, resources: ResourcesDep
) -> MetaEnvelope[DeletedOut, NoMeta]:
    await wallets.unlink_wallet(uow, resources.cache, principal.user, wallet_id)
    return one(DeletedOut(id=wallet_id))


@router.patch(
    "/wallets/{wallet_id}",
    summary='Make a wallet the primary one (body {"primary": true}); a wallet over the '
    "tier's chain limit cannot be",
    responses={
        403: {
            "model": ErrorBody,
            "description": "The wallet's chain is over the tier's number of chains (after a "
            "downgrade: read-only) (`TIER_LIMIT`, details `{feature: chains, limit, current, "
            "upgradeUrl}`), or CSRF / API-key read-only.",
        }
    },
)
async def set_primary(
    wallet_id: uuid.UUID,
    body: PrimaryWalletIn,
    principal: CurrentPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
) -> MetaEnvelope[WalletOut, NoMeta]:
    wallet = await wallets.set_primary_wallet(
        uow,
        resources.cache,
        principal.user,
        wallet_id,
        resources.settings.effective_app_origin,
    )
    return one(wallet_out(wallet))


# --- API keys ---------------------------------------------------------------------------


@router.post("/api-keys", status_code=201, summary="Create an API key (shown once)")
async def create_api_key(
    body: ApiKeyIn, principal: SessionPrincipal, uow: UowDep
) -> MetaEnvelope[NewApiKeyOut, NoMeta]:
    return one(new_api_key_out(await api_keys.create_api_key(uow, principal.user.id, body.name)))


@router.get("/api-keys", summary="Active API keys, oldest first (never the keys themselves)")
async def list_api_keys(
    principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[list[ApiKeyOut], ListMeta]:
    return whole_list(
        [api_key_out(k) for k in await api_keys.list_api_keys(uow, principal.user.id)]
    )


@router.delete("/api-keys/{key_id}", summary="Revoke an API key (refused at once)")
async def revoke_api_key(
    key_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep
) -> MetaEnvelope[DeletedOut, NoMeta]:
    await api_keys.revoke_api_key(uow, principal.user.id, key_id, datetime.now(UTC))
    return one(DeletedOut(id=key_id))


# --- deletion ---------------------------------------------------------------------------


@router.delete("", summary='Delete the account and every personal row (body {"confirm": "DELETE"})')
async def delete_account(
    body: DeleteAccountIn,
    principal: SessionPrincipal,
    uow: UowDep,
    resources: ResourcesDep,
    response: Response,
) -> MetaEnvelope[DeletedOut, NoMeta]:
    user = principal.user
    secret = resources.settings.secret_key
    assert secret is not None  # load_settings() always fills it
    audit_key = pseudonym_key(secret.get_secret_value())
    await accounts.delete_account(uow, resources.cache, user, audit_key=audit_key)
    clear_session_cookies(response, resources.settings)
    log.info("account_deleted", user_id=str(user.id))
    return one(DeletedOut(id=user.id))
