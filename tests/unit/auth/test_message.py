"""EIP-4361 sign-in messages: strict parsing, rendering, and the server-side checks."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from domain.auth.message import (
    SignInMessage,
    build_sign_in_message,
    check_sign_in_message,
    parse_sign_in_message,
)
from domain.errors import (
    ChainIdMismatch,
    DomainMismatch,
    MalformedMessage,
    MessageExpired,
    MessageNotYetValid,
    UriMismatch,
)
from domain.models import Chain

ETH_ADDRESS = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
SOL_ADDRESS = "So11111111111111111111111111111111111111112"
ATOM_ADDRESS = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SKEW = timedelta(seconds=60)
MAX_AGE = timedelta(minutes=10)

FULL = (
    "app.example.com wants you to sign in with your Ethereum account:\n"
    f"{ETH_ADDRESS}\n"
    "\n"
    "I accept the StakeTrack AI Terms of Service: https://app.example.com/tos\n"
    "\n"
    "URI: https://app.example.com/login\n"
    "Version: 1\n"
    "Chain ID: 1\n"
    "Nonce: 32891756abcd\n"
    "Issued At: 2026-01-15T11:59:00Z\n"
    "Expiration Time: 2026-01-15T12:09:00Z\n"
    "Not Before: 2026-01-15T11:58:30Z\n"
    "Request ID: req-1\n"
    "Resources:\n"
    "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
    "- https://app.example.com/my-claim.json"
)
MINIMAL = (
    "app.example.com wants you to sign in with your Ethereum account:\n"
    f"{ETH_ADDRESS}\n"
    "\n"
    "\n"
    "URI: https://app.example.com\n"
    "Version: 1\n"
    "Chain ID: 1\n"
    "Nonce: 32891756abcd\n"
    "Issued At: 2026-01-15T11:59:00Z"
)


def build(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "chain": Chain.ETH,
        "domain": "app.example.com",
        "address": ETH_ADDRESS,
        "uri": "https://app.example.com/login",
        "chain_id": "1",
        "nonce": "32891756abcd",
        "issued_at": NOW - timedelta(minutes=1),
    }
    values.update(overrides)
    return build_sign_in_message(**values)


def message(**overrides: Any) -> SignInMessage:
    chain = overrides.get("chain", Chain.ETH)
    return parse_sign_in_message(build(**overrides), chain)


def check(msg: SignInMessage, **overrides: Any) -> None:
    options: dict[str, Any] = {
        "expected_domain": "app.example.com",
        "expected_origin": "https://app.example.com",
        "chain_ids": {"1"},
        "now": NOW,
        "max_age": MAX_AGE,
    }
    options.update(overrides)
    check_sign_in_message(msg, **options)


def build_arguments(msg: SignInMessage) -> dict[str, Any]:
    return {f.name: getattr(msg, f.name) for f in fields(msg) if f.name != "raw"}


# --- parsing ---------------------------------------------------------------------------


def test_parses_every_field_of_a_full_message() -> None:
    msg = parse_sign_in_message(FULL, Chain.ETH)

    assert msg == SignInMessage(
        chain=Chain.ETH,
        domain="app.example.com",
        address=ETH_ADDRESS,
        statement="I accept the StakeTrack AI Terms of Service: https://app.example.com/tos",
        uri="https://app.example.com/login",
        version="1",
        chain_id="1",
        nonce="32891756abcd",
        issued_at=datetime(2026, 1, 15, 11, 59, tzinfo=UTC),
        expiration_time=datetime(2026, 1, 15, 12, 9, tzinfo=UTC),
        not_before=datetime(2026, 1, 15, 11, 58, 30, tzinfo=UTC),
        request_id="req-1",
        resources=(
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "https://app.example.com/my-claim.json",
        ),
        raw=FULL,
    )


def test_without_a_statement_two_blank_lines_precede_the_uri() -> None:
    msg = parse_sign_in_message(MINIMAL, Chain.ETH)

    assert msg.statement is None
    assert msg.expiration_time is msg.not_before is msg.request_id is None
    assert msg.resources == ()


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("Expiration Time", "2026-01-15T12:09:00Z", {"expiration_time"}),
        ("Not Before", "2026-01-15T11:58:00Z", {"not_before"}),
        ("Request ID", "a:b@c", {"request_id"}),
        ("Request ID", "", {"request_id"}),
    ],
)
def test_each_optional_field_may_appear_alone(label: str, value: str, expected: set[str]) -> None:
    msg = parse_sign_in_message(f"{MINIMAL}\n{label}: {value}", Chain.ETH)

    present = {
        name
        for name in ("expiration_time", "not_before", "request_id")
        if getattr(msg, name) is not None
    }
    assert present == expected


def test_resources_alone() -> None:
    msg = parse_sign_in_message(f"{MINIMAL}\nResources:\n- https://a.example/x", Chain.ETH)

    assert msg.resources == ("https://a.example/x",)


@pytest.mark.parametrize(
    ("chain", "account", "address", "chain_id"),
    [
        (Chain.SOL, "Solana", SOL_ADDRESS, "mainnet"),
        (Chain.ATOM, "Cosmos", ATOM_ADDRESS, "cosmoshub-4"),
    ],
)
def test_solana_and_cosmos_headers_addresses_and_chain_ids(
    chain: Chain, account: str, address: str, chain_id: str
) -> None:
    text = (
        MINIMAL.replace("Ethereum", account)
        .replace(ETH_ADDRESS, address)
        .replace("Chain ID: 1", f"Chain ID: {chain_id}")
    )

    msg = parse_sign_in_message(text, chain)

    assert (msg.chain, msg.address, msg.chain_id) == (chain, address, chain_id)


def test_domain_may_carry_a_port() -> None:
    text = MINIMAL.replace("app.example.com wants", "localhost:5173 wants")

    assert parse_sign_in_message(text, Chain.ETH).domain == "localhost:5173"


def test_lower_case_ethereum_address_parses_so_the_verifier_can_name_the_problem() -> None:
    text = MINIMAL.replace(ETH_ADDRESS, ETH_ADDRESS.lower())

    assert parse_sign_in_message(text, Chain.ETH).address == ETH_ADDRESS.lower()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-01-15T13:59:00+02:00", datetime(2026, 1, 15, 11, 59, tzinfo=UTC)),
        ("2026-01-15T06:29:00-05:30", datetime(2026, 1, 15, 11, 59, tzinfo=UTC)),
        ("2026-01-15t11:59:00z", datetime(2026, 1, 15, 11, 59, tzinfo=UTC)),
        ("2026-01-15T11:59:00.5Z", datetime(2026, 1, 15, 11, 59, 0, 500000, tzinfo=UTC)),
        # Nanoseconds (beyond what datetime holds) are truncated, not rounded.
        ("2026-01-15T11:59:00.123456789Z", datetime(2026, 1, 15, 11, 59, 0, 123456, tzinfo=UTC)),
    ],
)
def test_rfc3339_datetimes_become_aware_utc(written: str, expected: datetime) -> None:
    text = MINIMAL.replace("2026-01-15T11:59:00Z", written)

    issued_at = parse_sign_in_message(text, Chain.ETH).issued_at

    assert issued_at == expected
    assert issued_at.utcoffset() == timedelta(0)


# --- rendering -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FULL, MINIMAL], ids=["full", "minimal"])
def test_build_renders_exactly_the_parsed_text(text: str) -> None:
    msg = parse_sign_in_message(text, Chain.ETH)

    assert build_sign_in_message(**build_arguments(msg)) == text


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"statement": "Sign in to StakeTrack AI."},
        {"issued_at": datetime(2026, 1, 15, 11, 59, 0, 123000, tzinfo=UTC)},
        {
            "expiration_time": NOW + timedelta(minutes=5),
            "not_before": NOW - timedelta(minutes=1),
            "request_id": "r1",
            "resources": ["https://app.example.com/a", "ipfs://cid"],
        },
        {"chain": Chain.SOL, "address": SOL_ADDRESS, "chain_id": "mainnet"},
        {"chain": Chain.ATOM, "address": ATOM_ADDRESS, "chain_id": "cosmoshub-4"},
    ],
    ids=["minimal", "statement", "milliseconds", "optional-fields", "solana", "cosmos"],
)
def test_parse_of_build_round_trips(overrides: dict[str, Any]) -> None:
    msg = message(**overrides)

    assert parse_sign_in_message(build_sign_in_message(**build_arguments(msg)), msg.chain) == msg


def test_build_renders_datetimes_in_utc_with_z() -> None:
    east = datetime(2026, 1, 15, 16, 0, tzinfo=timezone(timedelta(hours=2)))

    assert "Issued At: 2026-01-15T14:00:00Z" in build(issued_at=east)


def test_build_refuses_fields_the_grammar_does_not_allow() -> None:
    with pytest.raises(MalformedMessage):
        build(statement="two\nlines")
    with pytest.raises(MalformedMessage):
        build(nonce="short")
    with pytest.raises(ValueError, match="timezone-aware"):
        build(issued_at=datetime(2026, 1, 15, 12, 0))


# --- malformed messages ----------------------------------------------------------------


def _swap(old: str, new: str) -> str:
    assert old in FULL
    return FULL.replace(old, new, 1)


MALFORMED = {
    "empty": "",
    "crlf line endings": FULL.replace("\n", "\r\n"),
    "trailing newline": FULL + "\n",
    "trailing garbage": FULL + "\nHello",
    "trailing newline after issued at": MINIMAL + "\n",
    "trailing garbage after issued at": MINIMAL + "\nHello",
    "truncated": FULL.split("\nNonce:")[0],
    "solana header": _swap("Ethereum account", "Solana account"),
    "garbled header": _swap("wants you to sign in", "wants you to log in"),
    "scheme in domain": _swap("app.example.com wants", "https://app.example.com wants"),
    "userinfo in domain": _swap("app.example.com wants", "me@app.example.com wants"),
    "bad port": _swap("app.example.com wants", "app.example.com:http wants"),
    "short address": _swap(ETH_ADDRESS, ETH_ADDRESS[:-1]),
    "non-hex address": _swap(ETH_ADDRESS, ETH_ADDRESS[:-1] + "g"),
    "upper-case 0X": _swap(ETH_ADDRESS, "0X" + ETH_ADDRESS[2:]),
    "missing blank after address": _swap(f"{ETH_ADDRESS}\n\n", f"{ETH_ADDRESS}\n"),
    "statement not followed by blank": _swap("/tos\n\nURI", "/tos\nURI"),
    "one blank line and no statement": MINIMAL.replace("\n\n\nURI", "\n\nURI"),
    "three blank lines": MINIMAL.replace("\n\n\nURI", "\n\n\n\nURI"),
    "two statement lines": _swap("/tos\n", "/tos\nmore\n"),
    "statement with quote": _swap("Terms of", 'Terms "of'),
    "non-ascii statement": _swap("Terms of", "Términos of"),
    "uri with space": _swap("URI: https://app.example.com/login", "URI: https://app example"),
    "uri without scheme": _swap("URI: https://app.example.com/login", "URI: /login"),
    "version 2": _swap("Version: 1", "Version: 2"),
    "lower-case label": _swap("Version: 1", "version: 1"),
    "non-numeric chain id": _swap("Chain ID: 1", "Chain ID: eth-1"),
    "missing chain id": _swap("Chain ID: 1\n", ""),
    "nonce before chain id": _swap(
        "Chain ID: 1\nNonce: 32891756abcd", "Nonce: 32891756abcd\nChain ID: 1"
    ),
    "short nonce": _swap("Nonce: 32891756abcd", "Nonce: abc1234"),
    "non-alphanumeric nonce": _swap("Nonce: 32891756abcd", "Nonce: 32891756-abcd"),
    "missing issued at": _swap("Issued At: 2026-01-15T11:59:00Z\n", ""),
    "prose date": _swap("Issued At: 2026-01-15T11:59:00Z", "Issued At: yesterday"),
    "impossible date": _swap("2026-01-15T11:59:00Z", "2026-02-30T11:59:00Z"),
    "no offset": _swap("2026-01-15T11:59:00Z", "2026-01-15T11:59:00"),
    "space separator": _swap("2026-01-15T11:59:00Z", "2026-01-15 11:59:00Z"),
    "leap second": _swap("2026-01-15T11:59:00Z", "2026-01-15T11:59:60Z"),
    "offset hours 24": _swap("2026-01-15T11:59:00Z", "2026-01-15T11:59:00+24:00"),
    "bad expiration time": _swap("Expiration Time: 2026-01-15T12:09:00Z", "Expiration Time: 0"),
    "bad not before": _swap("Not Before: 2026-01-15T11:58:30Z", "Not Before: soon"),
    "optional fields out of order": _swap(
        "Expiration Time: 2026-01-15T12:09:00Z\nNot Before: 2026-01-15T11:58:30Z",
        "Not Before: 2026-01-15T11:58:30Z\nExpiration Time: 2026-01-15T12:09:00Z",
    ),
    "repeated field": _swap("Request ID: req-1", "Request ID: req-1\nRequest ID: req-2"),
    "unknown field": _swap("Request ID: req-1", "Request ID: req-1\nTenant: acme"),
    "request id with space": _swap("Request ID: req-1", "Request ID: req 1"),
    "empty resources": MINIMAL + "\nResources:",
    "resource without dash": _swap("- https://app.example.com/my", "https://app.example.com/my"),
    "field after resources": FULL + "\nRequest ID: late",
    "text after resources label": _swap("Resources:", "Resources: x"),
    "too long": FULL + "\n- https://a.example/" + "x" * 9000,
}


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_messages_are_refused(text: str) -> None:
    with pytest.raises(MalformedMessage) as caught:
        parse_sign_in_message(text, Chain.ETH)

    assert ETH_ADDRESS not in caught.value.message
    assert caught.value.code == "MALFORMED_MESSAGE"


@pytest.mark.parametrize(
    ("chain", "account", "address"),
    [
        (Chain.SOL, "Solana", "0OIl" + SOL_ADDRESS[4:]),  # not base58
        (Chain.SOL, "Solana", SOL_ADDRESS[:31]),  # too short
        (Chain.SOL, "Solana", "z" * 44),  # base58, but 33 bytes
        (Chain.ATOM, "Cosmos", ATOM_ADDRESS[:-1] + "7"),  # bad checksum
        (Chain.ATOM, "Cosmos", ATOM_ADDRESS.upper()),
        (Chain.ATOM, "Cosmos", "osmo1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6"),
        (Chain.ATOM, "Cosmos", ETH_ADDRESS),
        (Chain.ETH, "Ethereum", ATOM_ADDRESS),
    ],
    ids=[
        "sol-alphabet",
        "sol-short",
        "sol-length",
        "atom-checksum",
        "atom-upper",
        "atom-hrp",
        "atom-eth",
        "eth-atom",
    ],
)
def test_addresses_must_match_the_chain_format(chain: Chain, account: str, address: str) -> None:
    text = MINIMAL.replace("Ethereum", account).replace(ETH_ADDRESS, address)

    with pytest.raises(MalformedMessage, match="address") as caught:
        parse_sign_in_message(text, chain)

    assert address not in caught.value.message


def test_the_error_names_the_line_and_the_problem() -> None:
    with pytest.raises(MalformedMessage, match=r"^Line 7: Version must be 1\.$"):
        parse_sign_in_message(MALFORMED["version 2"], Chain.ETH)


def test_one_blank_line_without_statement_is_explained() -> None:
    with pytest.raises(MalformedMessage, match="two blank lines"):
        parse_sign_in_message(MALFORMED["one blank line and no statement"], Chain.ETH)


# --- checks ----------------------------------------------------------------------------


def test_a_current_message_for_this_site_passes() -> None:
    check(parse_sign_in_message(FULL, Chain.ETH))


def test_a_message_for_another_domain_is_refused() -> None:
    with pytest.raises(DomainMismatch):
        check(message(domain="evil.example"))


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("localhost:5174", "localhost:5173"),
        ("localhost", "localhost:5173"),
        ("localhost:5173", "localhost"),
        ("APP.example.com", "app.example.com"),
    ],
)
def test_domain_must_match_host_and_port_exactly(domain: str, expected: str) -> None:
    with pytest.raises(DomainMismatch):
        check(message(domain=domain), expected_domain=expected)


def test_domain_with_port_passes() -> None:
    check(
        message(domain="localhost:5173", uri="http://localhost:5173/"),
        expected_domain="localhost:5173",
        expected_origin="http://localhost:5173",
    )


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example.com",
        "https://app.example.com/",
        "https://app.example.com/login?next=%2Fdashboard",
        "https://APP.example.com/login",
        "https://app.example.com:443/login",
    ],
)
def test_uri_on_the_expected_origin_passes(uri: str) -> None:
    check(message(uri=uri))


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/login",
        "http://app.example.com/login",
        "https://app.example.com:8443/login",
        "https://app.example.com.evil.example/",
        "https://app.example.com@evil.example/",
        "https://me@app.example.com/",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "https://app.example.com:99999/",
    ],
)
def test_uri_on_another_origin_is_refused(uri: str) -> None:
    with pytest.raises(UriMismatch):
        check(message(uri=uri))


def test_a_misconfigured_origin_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="expected_origin"):
        check(message(), expected_origin="app.example.com")


def test_a_wrong_chain_id_is_refused() -> None:
    with pytest.raises(ChainIdMismatch):
        check(message(chain_id="5"))


def test_any_accepted_chain_id_passes() -> None:
    check(message(chain_id="8453"), chain_ids=("1", "8453"))


def test_issued_at_up_to_skew_in_the_future_passes() -> None:
    check(message(issued_at=NOW + SKEW))


@pytest.mark.parametrize("ahead", [SKEW + timedelta(seconds=1), timedelta(hours=1)])
def test_issued_at_beyond_skew_in_the_future_is_not_yet_valid(ahead: timedelta) -> None:
    with pytest.raises(MessageNotYetValid):
        check(message(issued_at=NOW + ahead))


def test_issued_at_exactly_max_age_plus_skew_ago_passes() -> None:
    check(message(issued_at=NOW - MAX_AGE - SKEW))


@pytest.mark.parametrize("age", [MAX_AGE + SKEW + timedelta(seconds=1), timedelta(days=2)])
def test_issued_at_older_than_max_age_is_expired(age: timedelta) -> None:
    with pytest.raises(MessageExpired):
        check(message(issued_at=NOW - age))


def test_expiration_within_skew_in_the_past_still_passes() -> None:
    check(message(expiration_time=NOW - SKEW + timedelta(seconds=1)))


@pytest.mark.parametrize("ago", [SKEW, SKEW + timedelta(seconds=1), timedelta(minutes=5)])
def test_expiration_at_or_beyond_skew_in_the_past_is_expired(ago: timedelta) -> None:
    with pytest.raises(MessageExpired):
        check(message(expiration_time=NOW - ago))


def test_not_before_up_to_skew_in_the_future_passes() -> None:
    check(message(not_before=NOW + SKEW))


@pytest.mark.parametrize("ahead", [SKEW + timedelta(seconds=1), timedelta(minutes=5)])
def test_not_before_beyond_skew_in_the_future_is_not_yet_valid(ahead: timedelta) -> None:
    with pytest.raises(MessageNotYetValid):
        check(message(not_before=NOW + ahead))


def test_a_custom_skew_moves_the_boundaries() -> None:
    msg = message(issued_at=NOW + timedelta(seconds=10))
    check(msg, skew=timedelta(seconds=10))
    with pytest.raises(MessageNotYetValid):
        check(msg, skew=timedelta(seconds=9))


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(message(), now=NOW.replace(tzinfo=None))
