"""Wallet-ownership proofs: verify the signature over a parsed sign-in message.

One verifier per chain, each returning the canonical address on success:

- Ethereum: EIP-191 `personal_sign` over the message text (secp256k1, recoverable).
- Solana: ed25519 over the UTF-8 bytes of the message text (wallet `signMessage`).
- Cosmos: Keplr `signArbitrary`, i.e. an ADR-036 amino sign doc wrapping the text.

Every bad input (wrong encoding or length, off-curve key, other signer) maps to
a domain error, so the HTTP layer answers 401 and never 500.

The crypto libraries are imported by the verifier that needs them, on its first call:
eth-account alone costs ~1 s of start-up (py_ecc builds its curve tables on import), and
every process imports this module through the auth router (issue 18, NFR6 cold start).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from domain.auth.message import COSMOS_HRP, SignInMessage
from domain.errors import AddressNotChecksummed, InvalidSignature, MalformedMessage
from domain.models import Chain

_ETH_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")  # r ‖ s ‖ v
# personal_sign recovery ids: 27/28 (most wallets) or 0/1 (some hardware wallets).
_ETH_RECOVERY_IDS = frozenset({0, 1, 27, 28})
_BASE58_SIGNATURE = re.compile(r"[1-9A-HJ-NP-Za-km-z]{64,88}")  # 64 bytes in base58
# The order n of the secp256k1 group.
_SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# cosmjs/Keplr escape these in amino JSON (HTML safety); the signed bytes carry the escapes.
_AMINO_ESCAPES = {"&": "\\u0026", "<": "\\u003c", ">": "\\u003e"}


def verify_ethereum(message: SignInMessage, signature: str) -> str:
    """Check an EIP-191 signature (0x-hex, 65 bytes) by the message's checksummed address."""
    from eth_account import Account
    from eth_account.messages import encode_defunct
    from eth_utils.address import is_checksum_address

    _require_chain(message, Chain.ETH)
    if not is_checksum_address(message.address):
        raise AddressNotChecksummed()
    if not _ETH_SIGNATURE.fullmatch(signature):
        raise InvalidSignature("The signature must be 0x-prefixed hex of 65 bytes.")
    raw = bytes.fromhex(signature[2:])
    if raw[64] not in _ETH_RECOVERY_IDS:
        raise InvalidSignature("The signature has an invalid recovery id.")
    try:
        signer = Account.recover_message(encode_defunct(text=message.raw), signature=raw)
    except Exception as error:  # eth-keys raises several types for r/s out of range
        raise InvalidSignature() from error
    if signer != message.address:
        raise InvalidSignature()
    return str(signer)


def verify_solana(message: SignInMessage, signature: str) -> str:
    """Check a base58 ed25519 signature (64 bytes) by the message's address."""
    from solders.pubkey import Pubkey
    from solders.signature import Signature

    _require_chain(message, Chain.SOL)
    try:
        pubkey = Pubkey.from_string(message.address)
    except ValueError as error:
        raise MalformedMessage("The address is not a Solana public key.") from error
    # Pre-checked so that only well-formed strings reach the Rust decoder.
    if not _BASE58_SIGNATURE.fullmatch(signature):
        raise InvalidSignature("The signature must be base58 of 64 bytes.")
    try:
        parsed = Signature.from_string(signature)
        valid = parsed.verify(pubkey, message.raw.encode("utf-8"))
    except ValueError as error:
        raise InvalidSignature("The signature must be base58 of 64 bytes.") from error
    if not valid:
        raise InvalidSignature()
    return str(pubkey)


def verify_cosmos(
    message: SignInMessage,
    *,
    signer: str,
    pub_key: str,
    signature: str,
    chain_id: str = "",
) -> str:
    """Check a Keplr `signArbitrary` (ADR-036) proof over the message text.

    `pub_key` is base64 of the 33-byte compressed secp256k1 key and `signature`
    base64 of the 64-byte r ‖ s, both as Keplr returns them. `chain_id` is the
    sign doc's chain id; ADR-036 requires it empty, so anything else is refused
    (a signature over a chain-bound doc could be a transaction signature).
    """
    from cosmpy.crypto.address import Address  # type: ignore[import-untyped]
    from cosmpy.crypto.keypairs import PublicKey  # type: ignore[import-untyped]

    _require_chain(message, Chain.ATOM)
    if signer != message.address:
        raise InvalidSignature("The signer is not the address in the message.")
    sign_bytes = adr036_sign_bytes(signer, message.raw.encode("utf-8"), chain_id)
    key_bytes = _base64(pub_key, 33, "public key")
    signature_bytes = _base64(signature, 64, "signature")
    if key_bytes[0] not in (2, 3):
        raise InvalidSignature("The public key must be a compressed secp256k1 key.")
    try:
        public_key = PublicKey(key_bytes)
    except Exception as error:  # ecdsa raises MalformedPointError (an AssertionError)
        raise InvalidSignature("The public key is not a secp256k1 point.") from error
    address = str(Address(public_key, prefix=COSMOS_HRP))
    if address != signer:
        raise InvalidSignature("The public key does not belong to the signer.")
    # The Cosmos SDK accepts only low-s signatures (no malleable twins); so do we.
    if int.from_bytes(signature_bytes[32:], "big") > _SECP256K1_ORDER // 2:
        raise InvalidSignature("The signature is not in low-s form.")
    try:
        valid = public_key.verify(sign_bytes, signature_bytes)  # hashes with SHA-256 itself
    except Exception as error:  # ecdsa raises for r or s out of range
        raise InvalidSignature() from error
    if not valid:
        raise InvalidSignature()
    return address


def adr036_sign_doc(signer: str, data: bytes, chain_id: str = "") -> dict[str, Any]:
    """The amino StdSignDoc Keplr's `signArbitrary` builds (`makeADR36AminoSignDoc`)."""
    return {
        "chain_id": chain_id,
        "account_number": "0",
        "sequence": "0",
        "fee": {"gas": "0", "amount": []},
        "msgs": [
            {
                "type": "sign/MsgSignData",
                "value": {"signer": signer, "data": base64.b64encode(data).decode("ascii")},
            }
        ],
        "memo": "",
    }


def serialize_sign_doc(doc: dict[str, Any]) -> bytes:
    """Amino JSON bytes as cosmjs `serializeSignDoc`: sorted keys, no spaces, & < > escaped."""
    # ensure_ascii=False: JSON.stringify leaves non-ASCII characters as they are.
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in _AMINO_ESCAPES.items():
        text = text.replace(char, escape)
    return text.encode("utf-8")


def adr036_sign_bytes(signer: str, data: bytes, chain_id: str = "") -> bytes:
    """The exact bytes a Keplr `signArbitrary` signature covers; refuses a non-empty chain id."""
    if chain_id:
        raise InvalidSignature("ADR-036 sign docs must have an empty chain id.")
    return serialize_sign_doc(adr036_sign_doc(signer, data))


def _require_chain(message: SignInMessage, chain: Chain) -> None:
    if message.chain is not chain:
        raise MalformedMessage(f"The message is not a {chain.value} sign-in message.")


def _base64(value: str, length: int, what: str) -> bytes:
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidSignature(f"The {what} is not valid base64.") from error
    if len(decoded) != length:
        raise InvalidSignature(f"The {what} must be {length} bytes.")
    return decoded
