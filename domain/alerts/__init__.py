"""Alerts (epic 5): rules, their evaluation and the notifications they cause. Pure."""

from domain.alerts.model import AlertChannel, AlertNotice, AlertRule, AlertType, NoticeKind

__all__ = ["AlertChannel", "AlertNotice", "AlertRule", "AlertType", "NoticeKind"]
