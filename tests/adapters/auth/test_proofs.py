"""Wallet-ownership proofs, with real keys and real signatures for each chain."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from cosmpy.crypto.address import Address
from cosmpy.crypto.keypairs import PrivateKey, PublicKey
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from domain.auth.message import SignInMessage, build_sign_in_message, parse_sign_in_message
from domain.errors import AddressNotChecksummed, InvalidSignature, MalformedMessage
from domain.models import Chain
from infrastructure.auth.proofs import (
    adr036_sign_bytes,
    adr036_sign_doc,
    serialize_sign_doc,
    verify_cosmos,
    verify_ethereum,
    verify_solana,
)

ISSUED_AT = datetime(2026, 1, 15, 11, 59, tzinfo=UTC)
CHAIN_IDS = {Chain.ETH: "1", Chain.SOL: "mainnet", Chain.ATOM: "cosmoshub-4"}
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def sign_in_message(chain: Chain, address: str) -> SignInMessage:
    text = build_sign_in_message(
        chain=chain,
        domain="app.example.com",
        address=address,
        statement="Sign in to StakeTrack AI.",
        uri="https://app.example.com/login",
        chain_id=CHAIN_IDS[chain],
        nonce="k8Jd92mQz1",
        issued_at=ISSUED_AT,
    )
    return parse_sign_in_message(text, chain)


def tampered(message: SignInMessage) -> SignInMessage:
    """The same message with one byte of the signed text changed."""
    raw = message.raw.replace("StakeTrack", "StakeTrace")
    assert raw != message.raw
    return parse_sign_in_message(raw, message.chain)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- Ethereum: EIP-191 personal_sign ---------------------------------------------------


def eth_sign(account: LocalAccount, message: SignInMessage) -> str:
    signed = account.sign_message(encode_defunct(text=message.raw))
    return "0x" + signed.signature.hex().removeprefix("0x")


@pytest.fixture
def eth_account() -> LocalAccount:
    return Account.create()


def test_ethereum_signature_by_the_address_verifies(eth_account: LocalAccount) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)

    assert verify_ethereum(message, eth_sign(eth_account, message)) == message.address


def test_ethereum_recovery_id_0_or_1_verifies(eth_account: LocalAccount) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)
    raw = bytearray(bytes.fromhex(eth_sign(eth_account, message)[2:]))
    raw[64] -= 27

    assert verify_ethereum(message, "0x" + raw.hex()) == message.address


def test_ethereum_tampered_message_is_refused(eth_account: LocalAccount) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)

    with pytest.raises(InvalidSignature):
        verify_ethereum(tampered(message), eth_sign(eth_account, message))


def test_ethereum_signature_by_another_key_is_refused(eth_account: LocalAccount) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)

    with pytest.raises(InvalidSignature):
        verify_ethereum(message, eth_sign(Account.create(), message))


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_ethereum_address_must_be_checksummed(
    eth_account: LocalAccount, case: Callable[[str], str]
) -> None:
    address = eth_account.address
    message = sign_in_message(Chain.ETH, "0x" + case(address[2:]))

    with pytest.raises(AddressNotChecksummed):
        verify_ethereum(message, eth_sign(eth_account, message))


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "0x",
        "0x1234",
        "not hex at all",
        "0x" + "zz" * 65,
        "0x" + "11" * 64,  # 64 bytes
        "0x" + "11" * 66,  # 66 bytes
        "0x" + "00" * 65,  # r = s = 0
        "0x" + "ff" * 64 + "1b",  # r, s beyond the group order
        "0x" + "11" * 64 + "05",  # invalid recovery id
        "0x" + "11" * 64 + "25",  # EIP-155 style v (37): not a personal_sign signature
    ],
)
def test_ethereum_malformed_signatures_are_invalid_not_crashes(
    eth_account: LocalAccount, signature: str
) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)

    with pytest.raises(InvalidSignature):
        verify_ethereum(message, signature)


def test_ethereum_signature_without_0x_is_refused(eth_account: LocalAccount) -> None:
    message = sign_in_message(Chain.ETH, eth_account.address)

    with pytest.raises(InvalidSignature):
        verify_ethereum(message, eth_sign(eth_account, message)[2:])


# --- Solana: ed25519 over the message bytes ---------------------------------------------


def test_solana_signature_by_the_address_verifies() -> None:
    keypair = Keypair()
    message = sign_in_message(Chain.SOL, str(keypair.pubkey()))
    signature = str(keypair.sign_message(message.raw.encode()))

    assert verify_solana(message, signature) == message.address


def test_solana_tampered_message_is_refused() -> None:
    keypair = Keypair()
    message = sign_in_message(Chain.SOL, str(keypair.pubkey()))
    signature = str(keypair.sign_message(message.raw.encode()))

    with pytest.raises(InvalidSignature):
        verify_solana(tampered(message), signature)


def test_solana_signature_by_another_key_is_refused() -> None:
    message = sign_in_message(Chain.SOL, str(Keypair().pubkey()))

    with pytest.raises(InvalidSignature):
        verify_solana(message, str(Keypair().sign_message(message.raw.encode())))


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "abc",
        "1" * 64,  # 64 zero bytes: well-formed, never valid
        "0OIl" * 22,  # not base58
        "2" * 100,  # too long
        "3" * 60,  # too short to be 64 bytes
        "é" * 88,
    ],
)
def test_solana_malformed_signatures_are_invalid_not_crashes(signature: str) -> None:
    message = sign_in_message(Chain.SOL, str(Keypair().pubkey()))

    with pytest.raises(InvalidSignature):
        verify_solana(message, signature)


def test_solana_address_that_is_no_curve_point_is_refused() -> None:
    # A program-derived address: 32 bytes, valid base58, but no ed25519 point.
    off_curve, _ = Pubkey.find_program_address([b"staketrack"], Pubkey.default())
    assert not off_curve.is_on_curve()
    message = sign_in_message(Chain.SOL, str(off_curve))

    with pytest.raises(InvalidSignature):
        verify_solana(message, str(Keypair().sign_message(message.raw.encode())))


# --- Cosmos: Keplr signArbitrary (ADR-036) ----------------------------------------------


def keplr_sign(key: PrivateKey, signer: str, data: bytes, chain_id: str = "") -> str:
    """Sign as Keplr does: SHA-256 of the amino JSON, RFC 6979 ECDSA, 64-byte low-s r ‖ s."""
    sign_bytes = serialize_sign_doc(adr036_sign_doc(signer, data, chain_id))
    return b64(key.sign_digest(hashlib.sha256(sign_bytes).digest()))


class CosmosWallet:
    def __init__(self) -> None:
        self.key = PrivateKey()
        self.address = str(Address(self.key.public_key, prefix="cosmos"))
        self.pub_key = b64(self.key.public_key.public_key_bytes)

    def prove(self, message: SignInMessage) -> dict[str, str]:
        return {
            "signer": self.address,
            "pub_key": self.pub_key,
            "signature": keplr_sign(self.key, self.address, message.raw.encode()),
        }


@pytest.fixture
def wallet() -> CosmosWallet:
    return CosmosWallet()


def test_cosmos_signature_by_the_signer_verifies(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)

    assert verify_cosmos(message, **wallet.prove(message)) == wallet.address


def test_cosmos_tampered_message_is_refused(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)

    with pytest.raises(InvalidSignature):
        verify_cosmos(tampered(message), **wallet.prove(message))


def test_cosmos_signature_by_another_key_is_refused(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)
    proof = wallet.prove(message)
    proof["signature"] = keplr_sign(PrivateKey(), wallet.address, message.raw.encode())

    with pytest.raises(InvalidSignature):
        verify_cosmos(message, **proof)


def test_cosmos_signer_must_own_the_public_key(wallet: CosmosWallet) -> None:
    # Another wallet signs honestly as itself, but claims the message's address as signer.
    other = CosmosWallet()
    message = sign_in_message(Chain.ATOM, wallet.address)
    proof = other.prove(message) | {"signer": wallet.address}
    proof["signature"] = keplr_sign(other.key, wallet.address, message.raw.encode())

    with pytest.raises(InvalidSignature, match="does not belong"):
        verify_cosmos(message, **proof)


def test_cosmos_signer_must_be_the_message_address(wallet: CosmosWallet) -> None:
    # A valid proof by `other` for a message naming `wallet` proves nothing about `wallet`.
    other = CosmosWallet()
    message = sign_in_message(Chain.ATOM, wallet.address)

    with pytest.raises(InvalidSignature, match="signer"):
        verify_cosmos(message, **other.prove(message))


def test_cosmos_doc_signed_with_a_chain_id_is_refused(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)
    proof = wallet.prove(message)
    proof["signature"] = keplr_sign(
        wallet.key, wallet.address, message.raw.encode(), chain_id="cosmoshub-4"
    )

    # Checked as ADR-036 (empty chain id) the signature does not match ...
    with pytest.raises(InvalidSignature):
        verify_cosmos(message, **proof)
    # ... and asking to verify it against its own chain id is refused outright.
    with pytest.raises(InvalidSignature, match="empty chain id"):
        verify_cosmos(message, **proof, chain_id="cosmoshub-4")


def test_cosmos_high_s_twin_of_a_valid_signature_is_refused(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)
    proof = wallet.prove(message)
    raw = base64.b64decode(proof["signature"])
    high_s = SECP256K1_ORDER - int.from_bytes(raw[32:], "big")
    proof["signature"] = b64(raw[:32] + high_s.to_bytes(32, "big"))

    with pytest.raises(InvalidSignature, match="low-s"):
        verify_cosmos(message, **proof)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", ""),
        ("signature", "not base64!"),
        ("signature", "AAAA"),  # 3 bytes
        ("signature", b64(bytes(65))),
        ("signature", b64(bytes(64))),  # r = s = 0
        ("signature", b64(b"\xff" * 64)),  # s beyond the group order (and high)
        ("signature", b64(b"\xff" * 32 + (1).to_bytes(32, "big"))),  # r beyond the order
        ("signature", b64(bytes(64))[:-2]),  # padding missing
        ("pub_key", ""),
        ("pub_key", "%%%"),
        ("pub_key", b64(bytes(32))),
        ("pub_key", b64(b"\x04" + bytes(64))),  # uncompressed form: Keplr never sends it
        ("pub_key", b64(b"\x04" + bytes(32))),  # 33 bytes, wrong prefix
        ("pub_key", b64(b"\x02" + b"\xff" * 32)),  # x beyond the field: no such point
        ("pub_key", b64(b"\x02" + (5).to_bytes(32, "big"))),  # x with no point on the curve
    ],
)
def test_cosmos_malformed_inputs_are_invalid_not_crashes(
    wallet: CosmosWallet, field: str, value: str
) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)

    with pytest.raises(InvalidSignature):
        verify_cosmos(message, **(wallet.prove(message) | {field: value}))


def test_cosmos_signer_that_is_not_an_address_is_refused(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)

    with pytest.raises(InvalidSignature):
        verify_cosmos(message, **(wallet.prove(message) | {"signer": "cosmos1nope"}))


# --- the ADR-036 sign doc ------------------------------------------------------------------


def test_sign_bytes_are_keplrs_canonical_amino_json() -> None:
    signer = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6"

    assert adr036_sign_bytes(signer, b"hello") == (
        b'{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",'
        b'"msgs":[{"type":"sign/MsgSignData","value":{"data":"aGVsbG8=",'
        b'"signer":"cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6"}}],"sequence":"0"}'
    )


def test_sign_bytes_refuse_a_chain_id() -> None:
    with pytest.raises(InvalidSignature, match="empty chain id"):
        adr036_sign_bytes("cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6", b"x", "cosmoshub-4")


def test_amino_json_escapes_html_characters_like_cosmjs() -> None:
    assert serialize_sign_doc({"memo": "<a & b>", "b": "é"}) == (
        '{"b":"é","memo":"\\u003ca \\u0026 b\\u003e"}'.encode()
    )


def test_a_signature_made_by_a_wallet_verifies_over_our_sign_bytes() -> None:
    # An ADR-036 signature produced outside this code base (a wallet signing its own
    # address as the data): our sign bytes must be the bytes it signed.
    signer = "cosmos1m9l358xunhhwds0568za49mzhvuxx9uxre5tud"
    pub_key = PublicKey(base64.b64decode("A/MdHVpitzHNSdD1Zw3kY+L5PEIPyd9l6sD5i4aIfXp9"))
    signature = base64.b64decode(
        "vb78/y129cOiWyQkeFF8wCKZsOyzjpILnpEVZ72o5YUhEOmQZzVPcbUqWPLR7aZQ20j6vnYhIuCQN0HEG3igFg=="
    )

    assert str(Address(pub_key, prefix="cosmos")) == signer
    assert pub_key.verify(adr036_sign_bytes(signer, signer.encode()), signature)


# --- cross-chain misuse ---------------------------------------------------------------------


def test_a_verifier_refuses_a_message_for_another_chain(wallet: CosmosWallet) -> None:
    message = sign_in_message(Chain.ATOM, wallet.address)

    with pytest.raises(MalformedMessage):
        verify_ethereum(message, "0x" + "11" * 65)
    with pytest.raises(MalformedMessage):
        verify_solana(message, "1" * 64)
