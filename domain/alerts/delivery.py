"""What delivery reads and decides: a claimed outbox entry, a user's webhook, and the
retry policy (pure: the drain in services/alert_delivery.py applies it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.alerts.model import AlertChannel

# Delay before attempt n + 1 after a retryable failure of attempt n (n = 1 …); after
# MAX_ATTEMPTS attempts a notification is `failed` for good.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after `attempts` failed tries, or None when no try is left."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[max(attempts, 1) - 1]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One claimed notification (`attempts` already counts the try being made)."""

    id: UUID
    user_id: UUID
    channel: AlertChannel
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserWebhook:
    user_id: UUID
    url: str
    secret: str
    verified_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a user's notifications go: a verified email (or None), a verified webhook."""

    user_id: UUID
    email: str | None
    webhook: UserWebhook | None
