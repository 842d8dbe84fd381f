"""The email port: what the application sends and the one operation it needs.

Adapters live in `infrastructure/email/` (a file outbox in development, Resend in
production); message content is built in `infrastructure/email/templates.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str
    # Same key → the provider delivers at most once (Resend keeps keys for 24 h).
    idempotency_key: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    # Extra message headers (e.g. RFC 8058 List-Unsubscribe); names are ASCII tokens.
    headers: tuple[tuple[str, str], ...] = ()


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> str:
        """Deliver `message`; return the provider's message id.

        Raises `EmailDeliveryFailed` when the provider refuses or cannot be reached.
        """
        ...


class EmailDeliveryFailed(DomainError):
    code = "EMAIL_DELIVERY_FAILED"
    message = "The email could not be sent; try again later."

    def __init__(
        self, message: str | None = None, *, retryable: bool = False, details: Any = None
    ) -> None:
        super().__init__(message, details=details)
        # Lets a job runner tell a rate limit or outage from a rejected message.
        self.retryable = retryable
