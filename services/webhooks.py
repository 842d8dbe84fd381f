"""A user's alert webhook: set (a new secret, shown once), read, delete, and the test
ping that verifies it. Deliveries of alerts go to verified webhooks only
(services/alert_delivery.py)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.alerts.delivery import UserWebhook
from domain.errors import DomainError, NotFound
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.webhooks.sender import WebhookDeliveryFailed, WebhookSender, WebhookUrlRefused

SECRET_PREFIX = "whsec_"
PING_EVENT = "ping"


class WebhookPingFailed(DomainError):
    code = "WEBHOOK_PING_FAILED"
    message = "The webhook did not answer the test ping with a 2xx status."


@dataclass(frozen=True, slots=True)
class NewWebhook:
    webhook: UserWebhook
    secret: str  # shown to the user once, in the PUT answer


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


async def get_webhook(uow: SqlUnitOfWork, user_id: uuid.UUID) -> UserWebhook:
    hook = await uow.webhooks.get(user_id)
    if hook is None:
        raise NotFound("No webhook is set; PUT /api/me/webhook sets one.")
    return hook


async def put_webhook(
    uow: SqlUnitOfWork, sender: WebhookSender, user_id: uuid.UUID, url: str, now: datetime
) -> NewWebhook:
    """Set the URL (checked like a delivery: scheme, and every address it resolves to)
    with a new secret. A changed URL needs a new ping to be verified."""
    try:
        await sender.check(url)
    except WebhookDeliveryFailed as exc:  # the host does not resolve (now)
        raise WebhookUrlRefused(
            "The webhook URL's host could not be resolved.", details={"reason": "dns"}
        ) from exc
    secret = new_secret()
    hook = await uow.webhooks.put(user_id, url, secret, now)
    return NewWebhook(hook, secret)


async def delete_webhook(uow: SqlUnitOfWork, user_id: uuid.UUID) -> None:
    if not await uow.webhooks.delete(user_id):
        raise NotFound("No webhook is set.")


async def ping(
    uow: SqlUnitOfWork, sender: WebhookSender, user_id: uuid.UUID, now: datetime
) -> UserWebhook:
    """POST a signed `ping`; a 2xx answer verifies the webhook."""
    hook = await get_webhook(uow, user_id)
    delivery_id = f"ping:{uuid.uuid4()}"
    body = {"event": PING_EVENT, "deliveryId": delivery_id, "sentAt": now.isoformat()}
    try:
        await sender.post(hook.url, hook.secret, PING_EVENT, delivery_id, body)
    except WebhookDeliveryFailed as exc:
        raise WebhookPingFailed(
            details={"reason": exc.reason, "status": exc.status, "retryable": exc.retryable}
        ) from None
    await uow.webhooks.mark_verified(user_id, hook.url, now)
    return UserWebhook(
        user_id=hook.user_id,
        url=hook.url,
        secret=hook.secret,
        verified_at=now,
        created_at=hook.created_at,
        updated_at=hook.updated_at,
    )
