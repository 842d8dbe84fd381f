"""How fresh a chain datum is: when the step that fetched it last succeeded, whether that
is too long ago (stale after 2 hours, or never fetched), and the failure since then, if
any — the last known data is still served when a fetch failed.

The sync record keeps the failure's text (`"<ErrorClass>: <message>"`, addresses
redacted); the public answer carries a stable code and the error class's own generic
message instead — never the stored text, which may name an endpoint (an RPC URL with a
key in it) or an internal detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.errors import ChainDataInvalid, ChainError, ChainUnavailable

STALE_AFTER = timedelta(hours=2)
FETCH_FAILED = "FETCH_FAILED"  # the code of a failure that is not a known chain error
FETCH_FAILED_MESSAGE = "The last fetch failed; the data shown is the last fetched."
_KNOWN = {cls.__name__: cls for cls in (ChainError, ChainUnavailable, ChainDataInvalid)}


class SyncRecord(Protocol):
    """A chain step's record (domain.chains.ChainSync is one)."""

    @property
    def last_success_at(self) -> datetime | None: ...
    @property
    def last_error_at(self) -> datetime | None: ...
    @property
    def last_error(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class FetchError:
    at: datetime
    code: str  # UPPER_SNAKE: a chain error's code, else FETCH_FAILED
    message: str


@dataclass(frozen=True, slots=True)
class Freshness:
    fetched_at: datetime | None  # the last success; None: never fetched
    stale: bool
    last_error: FetchError | None  # only when the last attempt failed after the last success


def fetch_error(at: datetime, text: str | None) -> FetchError:
    known = _KNOWN.get((text or "").partition(":")[0].strip())
    if known is None:
        return FetchError(at, FETCH_FAILED, FETCH_FAILED_MESSAGE)
    return FetchError(at, known.code, known.message)


def freshness(state: SyncRecord | None, now: datetime) -> Freshness:
    """Stale after STALE_AFTER or when never fetched; `last_error` only when the last
    attempt failed after the last success."""
    fetched_at = state.last_success_at if state else None
    failed_at = state.last_error_at if state else None
    error = None
    if state is not None and failed_at and (fetched_at is None or failed_at > fetched_at):
        error = fetch_error(failed_at, state.last_error)
    return Freshness(fetched_at, fetched_at is None or now - fetched_at > STALE_AFTER, error)
