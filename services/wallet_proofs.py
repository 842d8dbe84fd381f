"""Proof of wallet ownership for sign-in and linking: our nonce, a message for this
site, and a valid signature — checked in that order, the nonce consumed last."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from domain.auth.message import check_sign_in_message, parse_sign_in_message
from domain.credentials import WalletProof
from domain.errors import InvalidSignature, NonceExpired, NonceReused
from domain.models import Chain
from domain.ports import KeyStore
from infrastructure.auth.proofs import verify_cosmos, verify_ethereum, verify_solana
from infrastructure.settings import Settings

NONCE_TTL = timedelta(minutes=10)
_NONCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NONCE_LENGTH = 22  # 22 base62 characters ≈ 131 bits
_FRESH, _USED = "fresh", "used"


def _key(nonce: str) -> str:
    return f"signin-nonce:{nonce}"


async def issue_nonce(keystore: KeyStore, now: datetime) -> tuple[str, datetime]:
    nonce = "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(_NONCE_LENGTH))
    await keystore.put(_key(nonce), _FRESH, NONCE_TTL.total_seconds())
    return nonce, now + NONCE_TTL


async def consume_nonce(keystore: KeyStore, nonce: str) -> None:
    """Exactly one caller consumes a nonce; the others learn it was used."""
    previous = await keystore.swap(_key(nonce), _USED)
    if previous is None:
        raise NonceExpired()
    if previous != _FRESH:
        raise NonceReused()


SIGN_IN_STATEMENT = "Sign in to StakeTrack AI. Read-only access; this costs no gas."


def accepted_chain_ids(chain: Chain, settings: Settings) -> list[str]:
    """The `Chain ID` values a sign-in message for `chain` may carry."""
    if chain is Chain.ETH:
        return [str(chain_id) for chain_id in settings.siwe_chain_ids]
    return ["mainnet"] if chain is Chain.SOL else ["cosmoshub-4"]


async def verify_proof(
    chain: Chain, proof: WalletProof, settings: Settings, keystore: KeyStore
) -> str:
    """The proven wallet address (canonical form), or a 401 domain error."""
    message = parse_sign_in_message(proof.message, chain)
    check_sign_in_message(
        message,
        expected_domain=settings.app_domain,
        expected_origin=settings.effective_app_origin,
        chain_ids=accepted_chain_ids(chain, settings),
        now=datetime.now(UTC),
        max_age=NONCE_TTL,
    )
    if chain is Chain.ATOM:
        if proof.signer is None or proof.pub_key is None:
            raise InvalidSignature()
        address = verify_cosmos(
            message, signer=proof.signer, pub_key=proof.pub_key, signature=proof.signature
        )
    elif chain is Chain.ETH:
        address = verify_ethereum(message, proof.signature)
    else:
        address = verify_solana(message, proof.signature)
    await consume_nonce(keystore, message.nonce)
    return address
