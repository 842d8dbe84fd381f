"""Production email sender: Resend's official SDK over our own httpx client.

The SDK (2.52) has a native async path, `resend.Emails.send_async`, whose HTTP layer
is the pluggable `resend.AsyncHTTPClient`. We plug in a bridge to an httpx client we
control (shared pool, our timeout, `httpx.MockTransport` in tests) instead of running
the blocking `requests`-based `Emails.send` in a thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import resend
from resend.exceptions import NoContentError, ResendError

from domain.email import EmailDeliveryFailed, EmailMessage
from infrastructure.logging import get_logger, redact

SEND_TIMEOUT_SECONDS = 10.0
# Network failure, or the same idempotency key still in flight: the next try may pass.
_RETRYABLE_TYPES = {"HttpClientError", "concurrent_idempotent_requests"}

log = get_logger(__name__)


class _HttpxBridge(resend.AsyncHTTPClient):
    """The SDK's async HTTP seam, served by an injected `httpx.AsyncClient`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        json: dict[str, object] | list[object] | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
    ) -> tuple[bytes, int, Mapping[str, str]]:
        # The SDK wraps anything raised here in ResendError("HttpClientError").
        response = await self._client.request(
            method,
            url,
            headers=headers,
            json=json if data is None and files is None else None,
            data=data,
            files=files,
            timeout=SEND_TIMEOUT_SECONDS,
        )
        return response.content, response.status_code, response.headers


class ResendEmailSender:
    def __init__(self, api_key: str, sender: str, client: httpx.AsyncClient | None = None) -> None:
        self._api_key = api_key
        self._sender = sender
        # Without a client the SDK's own httpx client opens a connection per email,
        # which is fine at sign-in volumes and needs no closing.
        self._http: resend.AsyncHTTPClient = (
            _HttpxBridge(client)
            if client is not None
            else resend.HTTPXClient(timeout=int(SEND_TIMEOUT_SECONDS))
        )

    async def send(self, message: EmailMessage) -> str:
        params: resend.Emails.SendParams = {
            "from": self._sender,
            "to": [message.to],
            "subject": message.subject,
            "html": message.html,
            "text": message.text,
        }
        if message.tags:
            params["tags"] = [{"name": name, "value": value} for name, value in message.tags]
        if message.headers:
            params["headers"] = dict(message.headers)
        options: resend.Emails.SendOptions = {}
        if message.idempotency_key is not None:
            options["idempotency_key"] = message.idempotency_key

        # The SDK reads its key and client from module globals. Setting them on every
        # call keeps several senders (tests, key rotation) from overriding each other:
        # the SDK reads both before it first suspends, so no other task can interleave.
        resend.api_key = self._api_key
        resend.default_async_http_client = self._http
        try:
            response = await resend.Emails.send_async(params, options)
        except ResendError as exc:
            # Not chained: the SDK error's text may quote the recipient into a traceback.
            raise _delivery_failed(exc) from None
        except NoContentError:  # a JSON `null` body
            response = None
        message_id = response.get("id") if isinstance(response, Mapping) else None
        if not isinstance(message_id, str) or not message_id:
            log.warning("email.resend.no_id")
            raise EmailDeliveryFailed("Resend accepted the message but returned no id.")
        log.info("email.resend.sent", id=message_id, subject=message.subject)
        return message_id


def _delivery_failed(exc: ResendError) -> EmailDeliveryFailed:
    status = int(exc.code) if str(exc.code).isascii() and str(exc.code).isdigit() else 500
    retryable = status == 429 or status >= 500 or exc.error_type in _RETRYABLE_TYPES
    # Provider messages may quote the recipient; redact() strips addresses.
    log.warning(
        "email.resend.failed",
        status=status,
        error_type=exc.error_type,
        provider_message=redact(exc.message),
        retryable=retryable,
    )
    return EmailDeliveryFailed(
        f"Resend refused the message ({exc.error_type}, HTTP {status}).",
        retryable=retryable,
        details={"status": status, "errorType": exc.error_type},
    )
