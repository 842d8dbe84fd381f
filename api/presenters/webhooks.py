"""UserWebhook -> wire models (the secret only right after a PUT)."""

from __future__ import annotations

from api.schemas.webhooks import NewWebhookOut, WebhookOut
from domain.alerts.delivery import UserWebhook


def webhook_out(hook: UserWebhook) -> WebhookOut:
    return WebhookOut(
        url=hook.url,
        verified=hook.verified_at is not None,
        verified_at=hook.verified_at,
        created_at=hook.created_at,
        updated_at=hook.updated_at,
    )


def new_webhook_out(hook: UserWebhook, secret: str) -> NewWebhookOut:
    return NewWebhookOut(**webhook_out(hook).model_dump(), secret=secret)
