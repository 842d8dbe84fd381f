"""Self-published validator descriptions (Solana validator-info, Cosmos staking
descriptions) are untrusted text: anyone can write anything into them. Before they are
stored they are cleaned here: control and format characters go (newlines, tabs, bidi
overrides that reorder what a reader sees, zero-width characters — the emoji joiner
stays), whitespace collapses, lengths are capped, and only http(s) URLs with a host
and without credentials are kept (a bare domain is read as https). Display code still
escapes what it shows; this only keeps the stored values small and plain.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

NAME_MAX = 80  # the Solana CLI caps short fields at 70 bytes
DETAILS_MAX = 300  # and details at 300
URL_MAX = 200
HANDLE_MAX = 64

_KEPT_FORMAT = {"\u200d"}  # ZERO WIDTH JOINER: part of emoji sequences
_WHITESPACE = re.compile(r"\s+")
_HOSTNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
_NOT_IN_URLS = frozenset('<>"`{}|\\^')
_HANDLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def _visible(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc":
        return " " if char.isspace() else ""
    if category in ("Cf", "Cs", "Co", "Cn") and char not in _KEPT_FORMAT:
        return ""
    return char


def clean_text(value: object, limit: int) -> str | None:
    """Plain one-line text of at most `limit` characters; None when nothing is left
    (or the value is not a string)."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", "".join(_visible(c) for c in value))
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def clean_url(value: object) -> str | None:
    """An http(s) URL with a host (a bare domain becomes https://domain); None for
    anything else: other schemes (javascript:, data:, ftp:), credentials, spaces,
    over-long values."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > URL_MAX or any(_visible(c) != c or c.isspace() for c in text):
        return None
    if any(c in _NOT_IN_URLS for c in text):  # unsafe in URLs (RFC 3986): never needed raw
        return None
    if "://" not in text:
        host = text.split("/", 1)[0]
        if not _HOSTNAME.match(host):
            return None
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    del port
    return text


def clean_handle(value: object) -> str | None:
    """A username handle (Keybase, an identity id): letters, digits, `_ . -` only."""
    text = clean_text(value, HANDLE_MAX)
    if text is None or not _HANDLE.match(text) or text.endswith("…"):
        return None
    return text
