"""What the alert store hands out and takes in (shared by services, repository and API)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.alerts.model import AlertChannel, AlertNotice, AlertRule

EMAIL_UNVERIFIED = "email_unverified"  # alerts.deactivated_reason until the email is verified


@dataclass(frozen=True, slots=True)
class StoredAlert:
    rule: AlertRule
    deactivated_reason: str | None  # email_unverified | user | unsubscribed (A2) | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    alert_id: uuid.UUID | None
    type: str
    chain: str
    validator: str
    condition: str
    kind: str
    message: str
    details: dict[str, Any]  # before, after, factors, validatorName
    fired_at: datetime


@dataclass(frozen=True, slots=True)
class Firing:
    """One notice to record: its history row and one outbox row per channel."""

    notice: AlertNotice
    channels: tuple[AlertChannel, ...]
