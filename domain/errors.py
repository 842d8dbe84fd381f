"""Domain errors. Each carries a stable `code`; only `api/errors.py` maps codes to HTTP.

    DomainError
     ├── NotFound
     ├── Conflict
     │    └── WalletAlreadyLinked
     └── RateLimited
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "DOMAIN_ERROR"
    message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class NotFound(DomainError):
    code = "NOT_FOUND"
    message = "Not found."


class Conflict(DomainError):
    code = "CONFLICT"
    message = "The request conflicts with the current state."


class WalletAlreadyLinked(Conflict):
    code = "WALLET_ALREADY_LINKED"
    message = "This wallet is already linked to an account."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after
