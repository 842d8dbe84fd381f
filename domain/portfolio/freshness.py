"""How fresh a chain's data is: when its step last succeeded, whether that is too long
ago (stale after 2 hours, or never fetched), and the failure since then, if any, with a
stable code (the last known data is still served when a fetch failed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.chains import ChainSync
from domain.errors import ChainDataInvalid, ChainError, ChainUnavailable

STALE_AFTER = timedelta(hours=2)
FETCH_FAILED = "FETCH_FAILED"  # the code of a failure that is not a known chain error
_FALLBACK_MESSAGE = "The last fetch failed."

# stored errors read "<ExceptionType>: <message>"; the chain errors' types have codes
_KNOWN: dict[str, tuple[str, str]] = {
    kind.__name__: (kind.code, kind.message)
    for kind in (ChainError, ChainUnavailable, ChainDataInvalid)
}


@dataclass(frozen=True, slots=True)
class SyncError:
    at: datetime
    code: str  # UPPER_SNAKE: a chain error's code, else FETCH_FAILED
    message: str


@dataclass(frozen=True, slots=True)
class ChainFreshness:
    fetched_at: datetime | None  # the last success; None: never fetched
    stale: bool
    last_error: SyncError | None  # only when the last attempt failed after the last success


def sync_error(text: str | None, at: datetime) -> SyncError:
    """The stored error text as (code, message): `ChainUnavailable: <message>` ->
    CHAIN_UNAVAILABLE with its message (a chain error's message names the source and the
    path, nothing secret); any other failure is FETCH_FAILED with a generic message (its
    text, e.g. an internal exception, is for the operator's log, not for users)."""
    kind, colon, rest = (text or "").strip().partition(":")
    known = _KNOWN.get(kind.strip())
    if known is None:
        return SyncError(at=at, code=FETCH_FAILED, message=_FALLBACK_MESSAGE)
    code, default = known
    return SyncError(at=at, code=code, message=rest.strip() if colon and rest.strip() else default)


def chain_freshness(state: ChainSync | None, now: datetime) -> ChainFreshness:
    fetched_at = state.last_success_at if state else None
    failed = state.last_error_at if state else None
    last_error = None
    if state is not None and failed is not None and (fetched_at is None or failed > fetched_at):
        last_error = sync_error(state.last_error, failed)
    return ChainFreshness(
        fetched_at=fetched_at,
        stale=fetched_at is None or now - fetched_at > STALE_AFTER,
        last_error=last_error,
    )
