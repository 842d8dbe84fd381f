"""Wire models for sign-in, sessions, the account, wallets and API keys."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints

from api.schemas.common import MULTILINE, ApiModel, RequestModel, UtcDatetime
from domain.accounts import PositionsFetch
from domain.models import Chain, Tier

Message = Annotated[str, Field(min_length=1, max_length=4096), MULTILINE]
Signature = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class MessageChainIds(ApiModel):
    eth: list[str] = Field(description="EIP-155 chain ids accepted for Ethereum (SIWE_CHAIN_IDS)")
    sol: list[str]
    atom: list[str]


class NonceOut(ApiModel):
    """A nonce and the fields a sign-in message must carry to be accepted here: the SPA
    builds the EIP-4361 text from them, so the wallet signs exactly what the API checks."""

    nonce: str
    expires_at: UtcDatetime
    domain: str = Field(description="The message's `<domain>` (APP_DOMAIN)")
    uri: str = Field(description="The message's `URI:` (APP_ORIGIN)")
    statement: str = Field(description="The statement line the SPA shows in the message")
    chain_ids: MessageChainIds = Field(description="Accepted `Chain ID:` values per chain")


class SignInOptionsOut(ApiModel):
    turnstile_site_key: str | None = Field(
        description="Render Cloudflare Turnstile with this site key and send its token as "
        "`turnstileToken` to POST /api/auth/email; null: no captcha is asked"
    )


class EthereumProof(RequestModel):
    """EIP-4361 message and its 65-byte personal_sign signature (0x hex)."""

    message: Message
    signature: Signature


class SolanaProof(RequestModel):
    """Sign-In-With-Solana message and the base58 ed25519 signature of its UTF-8 bytes."""

    message: Message
    signature: Signature


class CosmosProof(RequestModel):
    """Keplr `signArbitrary` (ADR-036) result over the sign-in message."""

    message: Message
    signer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    pub_key: Signature
    signature: Signature


class UserOut(ApiModel):
    id: uuid.UUID
    tier: Tier
    email: str | None
    email_verified: bool
    primary_login: Literal["wallet", "email"]
    is_admin: bool
    created_at: UtcDatetime


class SessionOut(ApiModel):
    access_token: str
    expires_at: UtcDatetime
    user: UserOut


class EmailIn(RequestModel):
    email: EmailStr = Field(max_length=320)
    turnstile_token: str | None = Field(default=None, max_length=2048)


class AddEmailIn(RequestModel):
    email: EmailStr = Field(max_length=320)


class AcceptedOut(ApiModel):
    status: Literal["sent"] = "sent"


class TokenIn(RequestModel):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class WalletOut(ApiModel):
    id: uuid.UUID
    chain: Chain
    address: str
    short_address: str
    linked_at: UtcDatetime
    is_primary: bool
    over_limit: bool = Field(
        default=False,
        description="On a chain beyond the tier's number of chains (after a downgrade): "
        "kept and shown, read-only; the primary wallet's chain and then the earliest "
        "linked chains stay within the limit",
    )


class LinkedWalletOut(WalletOut):
    positions_job_id: str | None = Field(
        default=None,
        description="Handle of the positions fetch started for this wallet, if any: "
        "poll GET /api/jobs/{handle} (readable by this user only)",
    )
    positions_fetch: PositionsFetch = Field(
        description="`started`: the wallet's positions are being fetched now (poll "
        "`positionsJobId`); `not_started`: the job queue was unavailable — the wallet is "
        "linked all the same and the hourly pipeline fetches its positions",
    )


class PrimaryWalletIn(RequestModel):
    primary: Literal[True] = Field(
        description="Must be true: make this wallet the primary one (to change the primary "
        "wallet, make another one primary)"
    )


class ApiKeyIn(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ApiKeyOut(ApiModel):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="The full key. Shown once; store it now.")


class DeleteAccountIn(RequestModel):
    confirm: Literal["DELETE"] = Field(description='Must be exactly "DELETE"')


class LoggedOutOut(ApiModel):
    logged_out: bool = True


class DeletedOut(ApiModel):
    id: uuid.UUID
    deleted: bool = True
