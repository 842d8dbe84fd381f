"""Drain the alert outbox: every minute (cron) and when evaluation asks
(services.alert_delivery.request_delivery). Safe to run twice, or two at once."""

from __future__ import annotations

from services import alert_delivery
from workers.context import JobDeps


async def deliver_alerts(deps: JobDeps) -> dict[str, int]:
    if deps.email is None or deps.settings is None:
        raise RuntimeError("deliver_alerts needs the email sender and settings (JobDeps)")
    from infrastructure.webhooks.sender import WebhookSender

    settings = deps.settings
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    config = alert_delivery.config_for(settings.effective_app_origin, secret)
    async with WebhookSender(
        allow_http=settings.effective_webhook_allow_http,
        allow_networks=settings.webhook_allow_networks,
    ) as webhooks:
        run = await alert_delivery.deliver_due(
            deps.uow, deps.email, webhooks, config, clock=deps.clock, lock=deps.keystore
        )
    return run.as_dict()
