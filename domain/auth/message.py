"""Sign-in messages: parse, check and render EIP-4361 ("Sign-In with Ethereum") text.

One grammar serves all three chains; only the account name in the header
("Ethereum", "Solana", "Cosmos"), the address format and the chain-id format
differ. Parsing is strict because the wallet signs the exact text: anything the
grammar does not allow is refused, never repaired. Signatures are verified in
`infrastructure/auth/proofs.py`; nonces are consumed by the caller.

Grammar (https://eips.ethereum.org/EIPS/eip-4361), lines separated by LF only:

    <domain> wants you to sign in with your <Account> account:
    <address>
    (blank)
    [<statement>          -- when present it is followed by a second blank line;
    (blank)]                 when absent the blank line still follows: two in a row
    URI: <uri>
    Version: 1
    Chain ID: <chain-id>
    Nonce: <8+ alphanumerics>
    Issued At: <RFC 3339>
    [Expiration Time: <RFC 3339>]
    [Not Before: <RFC 3339>]
    [Request ID: <pchars>]
    [Resources:
    - <uri>
    ...]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from domain.errors import (
    ChainIdMismatch,
    DomainMismatch,
    MalformedMessage,
    MessageExpired,
    MessageNotYetValid,
    UriMismatch,
)
from domain.models import Chain

ACCOUNT_NAMES = {Chain.ETH: "Ethereum", Chain.SOL: "Solana", Chain.ATOM: "Cosmos"}
COSMOS_HRP = "cosmos"
# Far above any real sign-in message; bounds the work done on hostile input.
MAX_MESSAGE_LENGTH = 8192

_HEADER = re.compile(r"(?P<domain>\S+) wants you to sign in with your (?P<account>\S+) account:")
# RFC 3986 authority without userinfo (excluded by the current EIP text): host [":" port].
_DOMAIN = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]+)?"
)
_ETH_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_SOL_ADDRESS = re.compile(f"[{_BASE58_ALPHABET}]{{32,44}}")
_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
# statement = 1*( reserved / unreserved / " " ); an empty one would be the no-statement form.
_STATEMENT = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;= ]+")
# RFC 3986 URI, checked at the character level: scheme ":" then URI characters.
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
)
_ETH_CHAIN_ID = re.compile(r"[0-9]+")  # EIP-155 chain id: 1*DIGIT
_CAIP2_REFERENCE = re.compile(r"[-_a-zA-Z0-9]{1,32}")  # e.g. "cosmoshub-4", "mainnet"
_NONCE = re.compile(r"[A-Za-z0-9]{8,}")
_REQUEST_ID = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*")
_DATE_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]"
    r"(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:[Zz]|(?P<sign>[+-])(?P<hours>[0-9]{2}):(?P<minutes>[0-9]{2}))"
)
_OPTIONAL_FIELDS = ("Expiration Time", "Not Before", "Request ID", "Resources")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class SignInMessage:
    chain: Chain
    domain: str
    address: str
    statement: str | None
    uri: str
    version: str
    chain_id: str
    nonce: str
    issued_at: datetime
    expiration_time: datetime | None
    not_before: datetime | None
    request_id: str | None
    resources: tuple[str, ...]
    raw: str


class _Lines:
    """A cursor over the message lines that names the line in every error."""

    def __init__(self, text: str) -> None:
        self._lines = text.split("\n")
        self._index = 0

    @property
    def number(self) -> int:
        """1-based number of the line last returned by `next`."""
        return self._index

    def has_more(self) -> bool:
        return self._index < len(self._lines)

    def peek(self) -> str | None:
        return self._lines[self._index] if self.has_more() else None

    def next(self, expected: str) -> str:
        if not self.has_more():
            raise MalformedMessage(f"The message ends early: expected {expected}.")
        line = self._lines[self._index]
        self._index += 1
        return line

    def blank(self, where: str) -> None:
        if self.next(f"a blank line {where}") != "":
            raise self.error(f"expected a blank line {where}")

    def field(self, label: str) -> str:
        prefix = f"{label}: "
        line = self.next(f"'{prefix}'")
        if not line.startswith(prefix):
            raise self.error(f"expected '{prefix}' (fields are required, in EIP-4361 order)")
        return line[len(prefix) :]

    def error(self, problem: str) -> MalformedMessage:
        return MalformedMessage(f"Line {self.number}: {problem}.")


def parse_sign_in_message(text: str, chain: Chain) -> SignInMessage:
    """Parse EIP-4361 text for `chain`; raise MalformedMessage on any deviation."""
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MalformedMessage(f"The message is longer than {MAX_MESSAGE_LENGTH} characters.")
    if "\r" in text:
        raise MalformedMessage("The message must use LF line endings (found a carriage return).")
    lines = _Lines(text)

    domain = _header_domain(lines.next("the header line"), chain, lines)
    address = lines.next("the address")
    if not _is_address(address, chain):
        raise lines.error(f"the address is not a valid {ACCOUNT_NAMES[chain]} address")
    lines.blank("after the address")

    statement: str | None = None
    line = lines.next("a statement or a blank line")
    if line != "":
        if line.startswith("URI: ") and lines.peek() != "":
            # The most likely mistake: one blank line instead of two when there is no statement.
            raise lines.error("without a statement, two blank lines must precede 'URI: '")
        if not _STATEMENT.fullmatch(line):
            raise lines.error("the statement has characters EIP-4361 does not allow")
        statement = line
        lines.blank("after the statement")

    uri = lines.field("URI")
    if not _URI.fullmatch(uri):
        raise lines.error("URI is not an RFC 3986 URI")
    version = lines.field("Version")
    if version != "1":
        raise lines.error("Version must be 1")
    chain_id = lines.field("Chain ID")
    chain_id_pattern = _ETH_CHAIN_ID if chain is Chain.ETH else _CAIP2_REFERENCE
    if not chain_id_pattern.fullmatch(chain_id):
        raise lines.error("Chain ID is not a valid chain id")
    nonce = lines.field("Nonce")
    if not _NONCE.fullmatch(nonce):
        raise lines.error("Nonce must be at least 8 letters or digits")
    issued_at = _date_time(lines.field("Issued At"), "Issued At", lines)

    optional = _optional_fields(lines)
    return SignInMessage(
        chain=chain,
        domain=domain,
        address=address,
        statement=statement,
        uri=uri,
        version=version,
        chain_id=chain_id,
        nonce=nonce,
        issued_at=issued_at,
        expiration_time=optional.expiration_time,
        not_before=optional.not_before,
        request_id=optional.request_id,
        resources=optional.resources,
        raw=text,
    )


def _header_domain(line: str, chain: Chain, lines: _Lines) -> str:
    match = _HEADER.fullmatch(line)
    if match is None:
        raise lines.error("expected '<domain> wants you to sign in with your <chain> account:'")
    if match["account"] != ACCOUNT_NAMES[chain]:
        raise lines.error(f"the header must say 'your {ACCOUNT_NAMES[chain]} account'")
    if not _DOMAIN.fullmatch(match["domain"]):
        raise lines.error("the domain is not a host with an optional port")
    return match["domain"]


@dataclass(slots=True)
class _OptionalFields:
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()


def _optional_fields(lines: _Lines) -> _OptionalFields:
    """Read the optional trailing fields, each at most once and in EIP-4361 order."""
    found = _OptionalFields()
    last = -1
    while lines.has_more():
        line = lines.next("an optional field")
        label = next((f for f in _OPTIONAL_FIELDS if line.startswith(_prefix(f))), None)
        if label is None:
            raise lines.error("unexpected line after 'Issued At' (unknown field or trailing text)")
        position = _OPTIONAL_FIELDS.index(label)
        if position <= last:
            raise lines.error(f"'{label}' is repeated or out of EIP-4361 order")
        last = position
        value = line[len(_prefix(label)) :]
        if label == "Expiration Time":
            found.expiration_time = _date_time(value, label, lines)
        elif label == "Not Before":
            found.not_before = _date_time(value, label, lines)
        elif label == "Request ID":
            if not _REQUEST_ID.fullmatch(value):
                raise lines.error("Request ID has characters EIP-4361 does not allow")
            found.request_id = value
        else:
            if value:
                raise lines.error("'Resources:' must be alone on its line")
            found.resources = _resources(lines)
    return found


def _prefix(label: str) -> str:
    return "Resources:" if label == "Resources" else f"{label}: "


def _resources(lines: _Lines) -> tuple[str, ...]:
    resources: list[str] = []
    while lines.has_more():
        line = lines.next("a resource")
        if not line.startswith("- ") or not _URI.fullmatch(line[2:]):
            raise lines.error("expected '- <uri>' (Resources must be the last field)")
        resources.append(line[2:])
    if not resources:
        # The grammar allows an empty list, but it would not survive a render/parse
        # round trip (rendering omits it) and no client needs it.
        raise MalformedMessage("'Resources:' must be followed by at least one '- <uri>' line.")
    return tuple(resources)


def _date_time(value: str, label: str, lines: _Lines) -> datetime:
    """RFC 3339 date-time → aware UTC datetime (fractions beyond microseconds truncated)."""
    match = _DATE_TIME.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        fraction = (match["fraction"] or "")[:6].ljust(6, "0")
        offset = timedelta(0)
        if match["sign"]:
            hours, minutes = int(match["hours"]), int(match["minutes"])
            if hours > 23 or minutes > 59:
                raise ValueError
            offset = timedelta(hours=hours, minutes=minutes) * (-1 if match["sign"] == "-" else 1)
        local = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
        return local.replace(tzinfo=timezone(offset)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise lines.error(f"'{label}' is not an RFC 3339 date-time") from None


def _is_address(address: str, chain: Chain) -> bool:
    if chain is Chain.ETH:
        # Case is not judged here: the verifier answers ADDRESS_NOT_CHECKSUMMED.
        return _ETH_ADDRESS.fullmatch(address) is not None
    if chain is Chain.SOL:
        return _SOL_ADDRESS.fullmatch(address) is not None and len(_base58(address)) == 32
    payload = _bech32_payload(address, COSMOS_HRP)
    return payload is not None and len(payload) == 20  # an account address: 20-byte hash


def _base58(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58_ALPHABET.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * leading_zeros + body


def _bech32_payload(address: str, hrp: str) -> bytes | None:
    """Decode a lowercase BIP-173 bech32 string with the given prefix; None if invalid."""
    prefix = f"{hrp}1"
    if not address.startswith(prefix) or len(address) < len(prefix) + 6:
        return None
    data = [_BECH32_ALPHABET.find(char) for char in address[len(prefix) :]]
    if -1 in data:
        return None  # also rejects upper case, which Cosmos wallets never produce
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    if _bech32_polymod(expanded + data) != 1:
        return None
    bits, value, out = 0, 0, bytearray()
    for group in data[:-6]:
        value, bits = (value << 5) | group, bits + 5
        if bits >= 8:
            bits -= 8
            out.append((value >> bits) & 0xFF)
    if bits >= 5 or value & ((1 << bits) - 1):
        return None  # non-zero padding: not a canonical encoding
    return bytes(out)


def _bech32_polymod(values: Iterable[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(generators):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def check_sign_in_message(
    msg: SignInMessage,
    *,
    expected_domain: str,
    expected_origin: str,
    chain_ids: Collection[str],
    now: datetime,
    max_age: timedelta,
    skew: timedelta = timedelta(seconds=60),
) -> None:
    """Check a parsed message is for this site, an accepted chain, and valid at `now`.

    `skew` tolerates clock drift between the wallet's device and the server.
    The nonce is not checked here: the caller consumes it atomically.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if msg.domain != expected_domain:
        raise DomainMismatch(f"The sign-in message is for {msg.domain!r}, not {expected_domain!r}.")
    expected = _origin(expected_origin)
    if expected is None:
        raise ValueError(f"expected_origin {expected_origin!r} is not an http(s) origin")
    if _origin(msg.uri) != expected:
        raise UriMismatch(f"The sign-in message URI is not on {expected_origin}.")
    if msg.chain_id not in chain_ids:
        raise ChainIdMismatch(f"Chain ID {msg.chain_id!r} is not accepted.")

    if msg.issued_at > now + skew:
        raise MessageNotYetValid("The sign-in message is issued in the future.")
    if msg.issued_at < now - max_age - skew:
        raise MessageExpired("The sign-in message was issued too long ago.")
    if msg.expiration_time is not None and msg.expiration_time <= now - skew:
        raise MessageExpired()
    if msg.not_before is not None and msg.not_before > now + skew:
        raise MessageNotYetValid()


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) with the default port filled in; None if `url` has no origin."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or "@" in parts.netloc:
        return None  # userinfo would let "https://site@evil" read as the site
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def build_sign_in_message(
    *,
    chain: Chain,
    domain: str,
    address: str,
    uri: str,
    chain_id: str,
    nonce: str,
    issued_at: datetime,
    statement: str | None = None,
    version: str = "1",
    expiration_time: datetime | None = None,
    not_before: datetime | None = None,
    request_id: str | None = None,
    resources: Iterable[str] = (),
) -> str:
    """Render the exact EIP-4361 text a wallet should sign (datetimes in UTC, 'Z' form).

    The result is parsed before it is returned, so fields the grammar does not
    allow raise MalformedMessage here instead of producing an unverifiable text.
    """
    lines = [f"{domain} wants you to sign in with your {ACCOUNT_NAMES[chain]} account:", address]
    lines += ["", statement, ""] if statement is not None else ["", ""]
    lines += [
        f"URI: {uri}",
        f"Version: {version}",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {format_date_time(issued_at)}",
    ]
    if expiration_time is not None:
        lines.append(f"Expiration Time: {format_date_time(expiration_time)}")
    if not_before is not None:
        lines.append(f"Not Before: {format_date_time(not_before)}")
    if request_id is not None:
        lines.append(f"Request ID: {request_id}")
    resource_list = list(resources)
    if resource_list:
        lines.append("Resources:")
        lines += [f"- {resource}" for resource in resource_list]
    text = "\n".join(lines)
    parse_sign_in_message(text, chain)
    return text


def format_date_time(moment: datetime) -> str:
    """RFC 3339 in UTC with 'Z', like JavaScript's toISOString (fraction only when non-zero)."""
    if moment.tzinfo is None:
        raise ValueError("sign-in message datetimes must be timezone-aware")
    utc = moment.astimezone(UTC)
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return f"{text}Z"
