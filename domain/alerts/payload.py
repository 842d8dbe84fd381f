"""An AlertNotice as the JSON the outbox stores (alert_notifications.payload) and back.

Evaluation writes it in the transaction that records the firing; delivery reads it to
render the email or the webhook body. The webhook body is this payload (plus the
delivery's own fields), so its keys are camelCase like the API's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.alerts.model import AlertNotice, AlertType, NoticeKind
from domain.models import Chain

PAYLOAD_VERSION = 1


def to_payload(notice: AlertNotice) -> dict[str, Any]:
    return {
        "version": PAYLOAD_VERSION,
        "alertId": str(notice.alert_id),
        "userId": str(notice.user_id),
        "type": notice.type.value,
        "kind": notice.kind.value,
        "chain": notice.chain.value,
        "validatorId": f"{notice.chain.value}:{notice.validator}",
        "validator": notice.validator,
        "validatorName": notice.validator_name,
        "condition": notice.condition,
        "message": notice.message,
        "occurredAt": notice.occurred_at.isoformat(),
        "before": notice.before,
        "after": notice.after,
        "factors": notice.factors,
    }


def from_payload(payload: dict[str, Any]) -> AlertNotice:
    return AlertNotice(
        alert_id=UUID(payload["alertId"]),
        user_id=UUID(payload["userId"]),
        type=AlertType(payload["type"]),
        kind=NoticeKind(payload["kind"]),
        chain=Chain(payload["chain"]),
        validator=payload["validator"],
        validator_name=payload.get("validatorName"),
        condition=payload["condition"],
        message=payload["message"],
        occurred_at=datetime.fromisoformat(payload["occurredAt"]),
        before=dict(payload.get("before") or {}),
        after=dict(payload.get("after") or {}),
        factors=dict(payload.get("factors") or {}),
    )
