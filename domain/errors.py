"""Domain errors. Each carries a stable `code` and `details`, always an object (`{}` when
there is nothing to add); only `api/errors.py` maps codes to HTTP.

DomainError
 ├── NotFound
 ├── Conflict
 │    └── WalletAlreadyLinked
 ├── Forbidden                    (403)
 │    ├── CsrfFailed
 │    └── ApiKeyReadOnly
 ├── RateLimited
 ├── InvalidInput                 (422: a value is well-formed JSON but unacceptable)
 ├── InvalidCursor                (400: a paging cursor that we did not issue)
 ├── DependencyUnavailable        (503 + Retry-After: our database or Redis is down)
 └── AuthenticationFailed         (401)
      ├── InvalidSignature, MalformedMessage, DomainMismatch, UriMismatch,
      ├── ChainIdMismatch, MessageExpired, MessageNotYetValid,
      ├── NonceExpired, NonceReused, AddressNotChecksummed
      └── InvalidToken
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    code = "DOMAIN_ERROR"
    message = "The request could not be completed."

    def __init__(
        self, message: str | None = None, *, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details: dict[str, Any] = dict(details or {})


class NotFound(DomainError):
    code = "NOT_FOUND"
    message = "Not found."


class Conflict(DomainError):
    code = "CONFLICT"
    message = "The request conflicts with the current state."


class WalletAlreadyLinked(Conflict):
    code = "WALLET_ALREADY_LINKED"
    message = "This wallet is already linked to an account."


class EmailAlreadyUsed(Conflict):
    code = "EMAIL_ALREADY_USED"
    message = "This email address belongs to another account."


class LastLoginMethod(Conflict):
    code = "LAST_LOGIN_METHOD"
    message = "This is the account's last way to sign in; add another wallet or an email first."


class Forbidden(DomainError):
    code = "FORBIDDEN"
    message = "Not allowed."


class TierLimitExceeded(Forbidden):
    """403 TIER_LIMIT: the caller's tier does not allow this (more of) `feature`.
    `details`: feature, limit, current (when counted) and upgradeUrl."""

    code = "TIER_LIMIT"
    message = "Your plan does not allow this."

    def __init__(
        self,
        feature: str,
        upgrade_url: str,
        *,
        limit: int | None = None,
        current: int | None = None,
        message: str | None = None,
    ) -> None:
        details: dict[str, Any] = {"feature": feature, "upgradeUrl": upgrade_url}
        if limit is not None:
            details["limit"] = limit
        if current is not None:
            details["current"] = current
        super().__init__(message, details=details)


class CsrfFailed(Forbidden):
    code = "CSRF_FAILED"
    message = "Missing or wrong X-CSRF-Token header."


class ApiKeyReadOnly(Forbidden):
    code = "API_KEY_READ_ONLY"
    message = "API keys are read-only: they can only make GET requests. Sign in to change things."


class TurnstileFailed(DomainError):
    code = "TURNSTILE_FAILED"
    message = "The captcha check failed; try again."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int, message: str | None = None, *, limit: int = 0) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after
        self.limit = limit


class InvalidInput(DomainError):
    code = "VALIDATION_ERROR"
    message = "The request is invalid."


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"
    message = "The cursor is invalid; use the nextCursor of a previous page."


class DependencyUnavailable(DomainError):
    """Our own database or Redis cannot serve the request right now; retry later."""

    code = "DEPENDENCY_UNAVAILABLE"
    message = "A service this request needs is temporarily unavailable; try again shortly."

    def __init__(
        self, message: str | None = None, *, dependency: str, retry_after: int = 5
    ) -> None:
        super().__init__(message, details={"dependency": dependency, "retryAfter": retry_after})
        self.dependency = dependency
        self.retry_after = retry_after


class AuthenticationFailed(DomainError):
    code = "UNAUTHORIZED"
    message = "Authentication failed."


class InvalidSignature(AuthenticationFailed):
    code = "INVALID_SIGNATURE"
    message = "The signature does not match the message and address."


class MalformedMessage(AuthenticationFailed):
    code = "MALFORMED_MESSAGE"
    message = "The sign-in message is not a valid EIP-4361 message."


class DomainMismatch(AuthenticationFailed):
    code = "DOMAIN_MISMATCH"
    message = "The sign-in message is for another domain."


class UriMismatch(AuthenticationFailed):
    code = "URI_MISMATCH"
    message = "The sign-in message URI is not on this site's origin."


class ChainIdMismatch(AuthenticationFailed):
    code = "CHAIN_ID_MISMATCH"
    message = "The sign-in message is for an unsupported chain id."


class MessageExpired(AuthenticationFailed):
    code = "MESSAGE_EXPIRED"
    message = "The sign-in message has expired."


class MessageNotYetValid(AuthenticationFailed):
    code = "MESSAGE_NOT_YET_VALID"
    message = "The sign-in message is not valid yet."


class NonceExpired(AuthenticationFailed):
    code = "NONCE_EXPIRED"
    message = "The nonce is unknown or has expired; request a new one."


class NonceReused(AuthenticationFailed):
    code = "NONCE_REUSED"
    message = "The nonce has already been used; request a new one."


class AddressNotChecksummed(AuthenticationFailed):
    code = "ADDRESS_NOT_CHECKSUMMED"
    message = "The Ethereum address must be EIP-55 checksummed."


class InvalidToken(AuthenticationFailed):
    code = "INVALID_TOKEN"
    message = "The access token is invalid or expired."


class TokenReused(AuthenticationFailed):
    code = "TOKEN_REUSED"
    message = "This refresh token was already used; the session has been ended."


class ChainError(DomainError):
    code = "CHAIN_ERROR"
    message = "A chain data source failed."

    def __init__(
        self, message: str | None = None, *, endpoint: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details={"endpoint": endpoint, **(details or {})})
        self.endpoint = endpoint


class ChainUnavailable(ChainError):
    code = "CHAIN_UNAVAILABLE"
    message = "The chain data source could not be reached."


class ChainDataInvalid(ChainError):
    code = "CHAIN_DATA_INVALID"
    message = "The chain data source answered in an unexpected format."
