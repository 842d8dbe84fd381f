"""The alert rule and the notice a firing produces (shared by evaluation and delivery)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.models import Chain


class AlertType(StrEnum):
    VRS_DROP = "vrs_drop"  # score fell by >= threshold points
    VRS_BELOW = "vrs_below"  # score under threshold
    COMMISSION_INCREASE = "commission_increase"  # any raise, or above threshold %
    SLASHING = "slashing"  # ETH slashed; ATOM slashed or tombstoned
    JAILED_OR_DELINQUENT = "jailed_or_delinquent"  # ATOM jailed, SOL/ETH down > 1 h


class AlertChannel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class NoticeKind(StrEnum):
    FIRED = "fired"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: UUID
    user_id: UUID
    type: AlertType
    chain: Chain | None  # None: all chains of my positions
    validator: str | None  # None: every validator of my positions (on `chain`)
    threshold: Decimal | None
    notify_resolved: bool
    channels: tuple[AlertChannel, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertNotice:
    """What one firing (or resolution) tells the user; rendered per channel by delivery.

    `before`/`after` hold the compared values (e.g. {"total": 73} → {"total": 61});
    `factors` the VRS factor changes behind it ({"commission": ["5", "8"], …});
    `message` is the one-line explanation in English.
    """

    alert_id: UUID
    user_id: UUID
    type: AlertType
    kind: NoticeKind
    chain: Chain
    validator: str
    validator_name: str | None
    condition: str
    message: str
    occurred_at: datetime
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    factors: dict[str, Any] = field(default_factory=dict)
