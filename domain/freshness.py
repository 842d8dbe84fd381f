"""How fresh a chain datum is: when the step that fetched it last succeeded, whether that
is too long ago, and the failure since then if there was one.

The sync state keeps the failure's text (`"<ErrorClass>: <message>"`, addresses
redacted); the public answer carries a stable code and the error class's own generic
message instead — never the stored text, which may name an endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import ChainDataInvalid, ChainUnavailable

STALE_AFTER = timedelta(hours=2)
FETCH_FAILED = "FETCH_FAILED"
FETCH_FAILED_MESSAGE = "The last fetch failed; the data shown is the last fetched."
_KNOWN = {cls.__name__: cls for cls in (ChainUnavailable, ChainDataInvalid)}


@dataclass(frozen=True, slots=True)
class SyncState:
    """One chain step's record (the chain_sync table)."""

    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class FetchError:
    at: datetime
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Freshness:
    fetched_at: datetime | None
    stale: bool
    last_error: FetchError | None


def fetch_error(at: datetime, text: str | None) -> FetchError:
    known = _KNOWN.get((text or "").partition(":")[0].strip())
    if known is None:
        return FetchError(at, FETCH_FAILED, FETCH_FAILED_MESSAGE)
    return FetchError(at, known.code, known.message)


def freshness(state: SyncState | None, now: datetime) -> Freshness:
    """Stale after STALE_AFTER or when never fetched; `last_error` only when the last
    attempt failed after the last success."""
    fetched_at = state.last_success_at if state else None
    failed_at = state.last_error_at if state else None
    error = None
    if state is not None and failed_at and (fetched_at is None or failed_at > fetched_at):
        error = fetch_error(failed_at, state.last_error)
    return Freshness(fetched_at, fetched_at is None or now - fetched_at > STALE_AFTER, error)
