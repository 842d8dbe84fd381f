"""Cosmos Hub encodings: consensus-address derivation, account-address validation and the
LCD's decimal and integer strings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from domain.errors import InvalidInput
from infrastructure.chains.cosmos.consensus import (
    ED25519_PUBKEY,
    account_address,
    consensus_address,
    encode,
)
from infrastructure.chains.cosmos.schemas import Dec18, Int

# docs-v0.53/x-staking-README.md (Query/Validators example) gives this consensus key; the
# x-slashing README's REST signing_infos example answers for the matching address.
REFERENCE_PUBKEY = "Auxs3865HpB/EfssYOzfqNhEJjzys2Fo6jD5B8tPgC8="
REFERENCE_VALCONS = "cosmosvalcons1nrqslkwd3pz096lh6t082frdqc84uwxn0t958c"


def test_consensus_address_of_the_reference_key() -> None:
    assert consensus_address(ED25519_PUBKEY, REFERENCE_PUBKEY) == REFERENCE_VALCONS


@pytest.mark.parametrize(
    ("type_url", "key"),
    [
        ("/cosmos.crypto.secp256k1.PubKey", REFERENCE_PUBKEY),  # not the Hub's key type
        (ED25519_PUBKEY, "Auxs3865HpB/EfssYOzfqNhEJjzys6jD5B6tPgC8="),  # 30 bytes
        (ED25519_PUBKEY, "not base64!"),
        (ED25519_PUBKEY, None),
    ],
)
def test_no_consensus_address_for_other_or_broken_keys(type_url: str, key: str | None) -> None:
    assert consensus_address(type_url, key) is None


def test_account_address_accepts_20_byte_cosmos_addresses_in_canonical_form() -> None:
    address = encode("cosmos", bytes(range(20)))
    assert account_address(address) == address
    assert account_address(f"  {address.upper()} ") == address


@pytest.mark.parametrize(
    "address",
    [
        "cosmos1nope",
        "",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        encode("cosmosvaloper", bytes(range(20))),  # an operator, not an account
        encode("osmo", bytes(range(20))),
        encode("cosmos", bytes(range(32))),  # 32-byte (module/ICA) payload
        encode("cosmos", bytes(range(20)))[:-1] + "q",  # checksum broken
    ],
)
def test_account_address_rejects_anything_else(address: str) -> None:
    with pytest.raises(InvalidInput):
        account_address(address)


class Sample(BaseModel):
    rate: Dec18
    count: Int


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        ("0.050000000000000000", Decimal("0.05")),  # REST (x-slashing README)
        ("130197115720711261", Decimal("0.130197115720711261")),  # atomics (x-mint README)
        ("NTAwMDAwMDAwMDAwMDAwMDAw", Decimal("0.5")),  # base64 atomics (gRPC, x-slashing)
        ("1234567.891000000000000000", Decimal("1234567.891")),
        ("0", Decimal(0)),
        # more digits than Decimal's default 28-digit context: still exact
        ("123456789012345678901234567890123", Decimal("123456789012345.678901234567890123")),
    ],
)
def test_dec18_reads_every_wire_form(wire: str, value: Decimal) -> None:
    assert Sample(rate=wire, count="1").rate == value  # type: ignore[arg-type]


@pytest.mark.parametrize("wire", ["", "abc", "1e5", "0.5%", 0.5])
def test_dec18_rejects_other_values(wire: object) -> None:
    with pytest.raises(ValidationError):
        Sample(rate=wire, count="1")  # type: ignore[arg-type]


@pytest.mark.parametrize("wire", ["12.5", "", "1e3", 1.0, True])
def test_int_strings_are_strict(wire: object) -> None:
    with pytest.raises(ValidationError):
        Sample(rate="0.1", count=wire)  # type: ignore[arg-type]


def test_int_reads_strings_and_numbers() -> None:
    assert Sample(rate="0.1", count="383301887799").count == 383301887799  # type: ignore[arg-type]
    assert Sample(rate="0.1", count=200).count == 200  # type: ignore[arg-type]
