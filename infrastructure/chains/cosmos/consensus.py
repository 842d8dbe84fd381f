"""Cosmos Hub addresses: bech32 account validation and consensus-address derivation.

The staking module names validators by operator address (`cosmosvaloper1…`), while the
CometBFT validator set and the slashing signing infos name them by consensus address
(`cosmosvalcons1…`): the first 20 bytes of SHA-256 of the ed25519 consensus public key.
That address is the join key between the three endpoints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

import bech32

from domain.errors import InvalidInput

ACCOUNT_HRP = "cosmos"
OPERATOR_HRP = "cosmosvaloper"
CONSENSUS_HRP = "cosmosvalcons"
ED25519_PUBKEY = "/cosmos.crypto.ed25519.PubKey"
ADDRESS_BYTES = 20


def encode(hrp: str, payload: bytes) -> str:
    words = bech32.convertbits(payload, 8, 5)
    if words is None:  # only for invalid input, which bytes never are
        raise ValueError("cannot convert payload to 5-bit words")
    return str(bech32.bech32_encode(hrp, words))


def decode(address: str) -> tuple[str, bytes] | None:
    """(hrp, payload) of a valid bech32 string, else None."""
    hrp, words = bech32.bech32_decode(address)
    if hrp is None or words is None:
        return None
    payload = bech32.convertbits(words, 5, 8, False)
    return (hrp, bytes(payload)) if payload is not None else None


def account_address(address: str) -> str:
    """The canonical (lower-case) form of a `cosmos1…` account address; InvalidInput
    unless it is valid bech32 with the `cosmos` prefix and a 20-byte payload."""
    decoded = decode(address.strip())
    if decoded is None or decoded[0] != ACCOUNT_HRP or len(decoded[1]) != ADDRESS_BYTES:
        raise InvalidInput(
            "Not a Cosmos Hub account address (cosmos1…).", details={"field": "address"}
        )
    return encode(ACCOUNT_HRP, decoded[1])


def consensus_address(type_url: str, key_b64: str | None) -> str | None:
    """`cosmosvalcons1…` of an ed25519 consensus key; None for any other key type
    (the Hub only admits ed25519, so callers fall back to matching by public key)."""
    if type_url != ED25519_PUBKEY or not key_b64:
        return None
    try:
        key = base64.b64decode(key_b64, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(key) != 32:
        return None
    return encode(CONSENSUS_HRP, hashlib.sha256(key).digest()[:ADDRESS_BYTES])
