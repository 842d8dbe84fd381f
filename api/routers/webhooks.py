"""The signed-in user's alert webhook: `GET/PUT/DELETE /api/me/webhook` and the test
ping `POST /api/me/webhook/test` that verifies it (infrastructure/webhooks/signing.py
documents the signature)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import ResourcesDep, UowDep
from api.presenters.webhooks import new_webhook_out, webhook_out
from api.schemas.common import MetaEnvelope, NoMeta, one
from api.schemas.webhooks import (
    NewWebhookOut,
    WebhookDeletedOut,
    WebhookIn,
    WebhookOut,
    error_doc,
)
from api.security import CurrentPrincipal, SessionPrincipal
from infrastructure.webhooks.sender import WebhookSender
from services import webhooks

router = APIRouter(prefix="/api/me/webhook", tags=["alerts"])

_NONE_SET: dict[int | str, dict[str, Any]] = {404: error_doc("No webhook is set (`NOT_FOUND`).")}


async def webhook_sender(resources: ResourcesDep) -> AsyncIterator[WebhookSender]:
    settings = resources.settings
    async with WebhookSender(
        allow_http=settings.effective_webhook_allow_http,
        allow_networks=settings.webhook_allow_networks,
    ) as sender:
        yield sender


SenderDep = Annotated[WebhookSender, Depends(webhook_sender)]


@router.get("", summary="The alert webhook (never its secret)", responses=_NONE_SET)
async def get_webhook(principal: CurrentPrincipal, uow: UowDep) -> MetaEnvelope[WebhookOut, NoMeta]:
    return one(webhook_out(await webhooks.get_webhook(uow, principal.user.id)))


@router.put(
    "",
    summary="Set the alert webhook URL; answers a new signing secret, shown once. "
    "A new URL needs a test ping before alerts are delivered to it",
    responses={
        422: error_doc(
            "The URL is refused (`WEBHOOK_URL_REFUSED`: not https, or its host "
            "resolves to a private, loopback, link-local or reserved address) or invalid."
        )
    },
)
async def put_webhook(
    body: WebhookIn, principal: SessionPrincipal, uow: UowDep, sender: SenderDep
) -> MetaEnvelope[NewWebhookOut, NoMeta]:
    new = await webhooks.put_webhook(uow, sender, principal.user.id, body.url, datetime.now(UTC))
    return one(new_webhook_out(new.webhook, new.secret))


@router.delete("", summary="Remove the alert webhook", responses=_NONE_SET)
async def delete_webhook(
    principal: SessionPrincipal, uow: UowDep
) -> MetaEnvelope[WebhookDeletedOut, NoMeta]:
    await webhooks.delete_webhook(uow, principal.user.id)
    return one(WebhookDeletedOut())


@router.post(
    "/test",
    summary="Send a signed test ping; a 2xx answer verifies the webhook",
    responses={
        **_NONE_SET,
        400: error_doc(
            "The webhook did not answer with 2xx (`WEBHOOK_PING_FAILED`, "
            "`details.reason`: timeout, unreachable, dns, redirect, http_<status>)."
        ),
        422: error_doc("The URL now resolves to a refused address (`WEBHOOK_URL_REFUSED`)."),
    },
)
async def ping_webhook(
    principal: SessionPrincipal, uow: UowDep, sender: SenderDep
) -> MetaEnvelope[WebhookOut, NoMeta]:
    hook = await webhooks.ping(uow, sender, principal.user.id, datetime.now(UTC))
    return one(webhook_out(hook))
