"""Errors of the alert use cases (mapped to HTTP by api/errors.py through their bases)."""

from __future__ import annotations

from domain.errors import Conflict, TierLimitExceeded


class AlertLimitReached(TierLimitExceeded):
    """403 TIER_LIMIT: the tier's number of alerts is used up."""

    message = "Alert limit reached."

    def __init__(self, limit: int, current: int, upgrade_url: str) -> None:
        super().__init__(
            "alerts",
            upgrade_url,
            limit=limit,
            current=current,
            message=f"Alert limit reached ({current}/{limit}); upgrade to Pro for more alerts.",
        )


class WebhookNotVerified(Conflict):
    code = "WEBHOOK_NOT_VERIFIED"
    message = (
        "The webhook channel needs a verified webhook: set it with PUT /api/me/webhook "
        "and confirm the test ping first."
    )


class EmailNotVerified(Conflict):
    code = "EMAIL_NOT_VERIFIED"
    message = (
        "Email alerts need a verified email address: add one with POST /api/me/email and "
        "confirm the link; the alert becomes active by itself once it is verified."
    )
