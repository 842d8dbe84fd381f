"""Alerts to their wire models, and the history's signed keyset cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.cursors import CursorSigner
from api.schemas.alerts import AlertFiguresOut, AlertHistoryOut, AlertOut, FactorChangeOut
from domain.alerts.model import AlertType, NoticeKind
from domain.alerts.records import HistoryEntry, StoredAlert
from domain.errors import InvalidCursor
from domain.models import Chain

_LISTING = "alert-history"


def alert_out(stored: StoredAlert, over_limit: bool = False) -> AlertOut:
    rule = stored.rule
    return AlertOut(
        id=rule.id,
        type=rule.type,
        chain=rule.chain,
        validator_id=None
        if rule.validator is None or rule.chain is None
        else f"{rule.chain.value}:{rule.validator}",
        threshold=None if rule.threshold is None else format(rule.threshold, "f"),
        notify_resolved=rule.notify_resolved,
        channels=list(rule.channels),
        active=rule.active,
        inactive_reason=None if rule.active else stored.deactivated_reason,
        over_limit=over_limit,
        created_at=rule.created_at,
        updated_at=stored.updated_at,
    )


def history_out(entry: HistoryEntry) -> AlertHistoryOut:
    details = entry.details
    return AlertHistoryOut(
        id=str(entry.id),
        alert_id=entry.alert_id,
        type=AlertType(entry.type),
        kind=NoticeKind(entry.kind),
        chain=Chain(entry.chain),
        validator_id=f"{entry.chain}:{entry.validator}",
        validator_name=details.get("validatorName"),
        condition=entry.condition,
        message=entry.message,
        before=_figures(details.get("before")),
        after=_figures(details.get("after")),
        factors={
            name: FactorChangeOut.model_validate(change)
            for name, change in dict(details.get("factors") or {}).items()
            if isinstance(change, dict)
        },
        fired_at=entry.fired_at,
    )


def _figures(values: Any) -> AlertFiguresOut:
    known = set(AlertFiguresOut.model_fields)
    return AlertFiguresOut.model_validate(
        {k: v for k, v in dict(values or {}).items() if k in known}
    )


def sign(signer: CursorSigner, entry: HistoryEntry) -> str:
    return signer.sign({"l": _LISTING, "t": entry.fired_at.isoformat(), "i": entry.id})


def position(signer: CursorSigner, cursor: str) -> tuple[datetime, int]:
    values = signer.verify(cursor)
    moment, ident = values.get("t"), values.get("i")
    if values.get("l") != _LISTING or not isinstance(moment, str) or type(ident) is not int:
        raise InvalidCursor(
            "The cursor belongs to another listing; use the nextCursor of this one.",
            details={"field": "cursor"},
        )
    try:
        return datetime.fromisoformat(moment), ident
    except ValueError:
        raise InvalidCursor(details={"field": "cursor"}) from None
