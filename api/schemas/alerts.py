"""Wire models of alerts (story 5.3): a rule, its creation and change, and its history."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import Field

from api.schemas.common import ApiModel, ListMeta, RequestModel, UtcDatetime
from domain.alerts.model import AlertChannel, AlertType, NoticeKind
from domain.models import Chain

InactiveReason = Literal["email_unverified", "user", "unsubscribed"]

_THRESHOLD = (
    "vrs_drop: points the score must fall (1-100); vrs_below: the score under which it "
    "fires (1-100); commission_increase: a percentage (above it fires) or null for any "
    "raise; slashing and jailed_or_delinquent: null"
)


class AlertIn(RequestModel):
    type: AlertType
    validator_id: str | None = Field(
        default=None,
        max_length=140,
        description='"<chain>:<address>"; null: every validator of my positions on `chain` '
        "(or on all chains when `chain` is null too)",
    )
    chain: Chain | None = None
    threshold: Decimal | None = Field(default=None, description=_THRESHOLD, max_digits=8)
    notify_resolved: bool = Field(
        default=False, description="Also send one notice when the condition clears"
    )
    channels: list[AlertChannel] = Field(
        default_factory=lambda: [AlertChannel.EMAIL],
        max_length=2,
        description="email and/or webhook (a webhook needs a verified /api/me/webhook)",
    )


class AlertPatch(RequestModel):
    """Only the fields sent change; `threshold: null` clears it (commission: any raise)."""

    active: bool | None = None
    threshold: Decimal | None = Field(default=None, description=_THRESHOLD, max_digits=8)
    notify_resolved: bool | None = None
    channels: list[AlertChannel] | None = Field(default=None, max_length=2)


class AlertOut(ApiModel):
    id: uuid.UUID
    type: AlertType
    chain: Chain | None = Field(description="null: all chains of my positions")
    validator_id: str | None = Field(description='"<chain>:<address>"; null: all my positions')
    threshold: str | None = Field(description="Decimal as text; see the create body")
    notify_resolved: bool
    channels: list[AlertChannel]
    active: bool
    inactive_reason: str | None = Field(
        description="Why it is inactive: email_unverified (becomes active once the account's "
        "email is verified), user, unsubscribed"
    )
    over_limit: bool = Field(
        default=False,
        description="Beyond the tier's number of alerts (after a downgrade; the oldest stay "
        "within it): kept, but it does not fire and cannot be changed (403 TIER_LIMIT) "
        "until it is within the limit; it can always be deleted",
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AlertsMeta(ListMeta):
    """The whole list in one page, with the tier's limit."""

    alert_limit: int = Field(description="Alerts this tier may have (tier_limits.alerts)")
    upgrade_url: str | None = Field(description="Where to upgrade when the limit is reached")


class AlertFiguresOut(ApiModel):
    """The compared figures of a notice (only those of its condition are set)."""

    total: int | None = Field(default=None, description="VRS total")
    commission: str | None = Field(default=None, description="Commission in percent")
    slashed: bool | None = None
    tombstoned: bool | None = None
    jailed: bool | None = None
    delinquent: bool | None = None
    offline: bool | None = None
    since: str | None = Field(default=None, description="Down since (ISO 8601)")


class FactorChangeOut(ApiModel):
    """A VRS factor behind the change: its score and measured value before and after."""

    score_before: int | None = None
    score_after: int | None = None
    value_before: str | None = Field(default=None, examples=["5 %"])
    value_after: str | None = Field(default=None, examples=["8 %"])
    changed_on: str | None = Field(default=None, description="ISO date of the change")


class AlertHistoryOut(ApiModel):
    id: str = Field(description="History entry id (integer as text)")
    alert_id: uuid.UUID | None = Field(description="null once the alert was deleted")
    type: AlertType
    kind: NoticeKind
    chain: Chain
    validator_id: str
    validator_name: str | None
    condition: str
    message: str
    before: AlertFiguresOut
    after: AlertFiguresOut
    factors: dict[str, FactorChangeOut] = Field(
        description="Per VRS factor that changed (uptime, commission, ...)"
    )
    fired_at: UtcDatetime


class DeletedAlertOut(ApiModel):
    id: uuid.UUID
    deleted: bool = True
