"""Development email sender: every message becomes an `.eml` file in an outbox folder.

Files are named `<UTC timestamp>-<message id>.eml` so they sort by time, and hold a
complete RFC 5322 message (multipart/alternative, text and HTML) that any mail client
opens. Bodies are 8bit rather than quoted-printable so a sign-in link can be copied
(or grepped by an end-to-end test) straight from the file.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from pathlib import Path

from domain.email import EmailMessage
from infrastructure.logging import get_logger

DEFAULT_SENDER = "StakeTrack <noreply@staketrack.local>"
MESSAGE_ID_DOMAIN = "outbox.staketrack.local"
# Keys map to stable ids, so a repeated key finds the file written the first time.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("4c7e2f0e-8a51-4d3b-9a57-2f6a1c0b9d13")
_MAX_8BIT_LINE = 998  # RFC 5322 hard limit; longer lines need a transfer encoding
# Headers fold only past the hard limit: a long URL header (List-Unsubscribe, RFC 2369/8058)
# has no spaces to fold at, and the 78-column default would turn it into encoded words
# that mail clients do not read as a URL.
_POLICY = policy.SMTP.clone(max_line_length=_MAX_8BIT_LINE)

log = get_logger(__name__)


class OutboxEmailSender:
    def __init__(self, directory: Path, sender: str = DEFAULT_SENDER) -> None:
        self._directory = directory
        self._sender = sender
        # Serialises look-up-then-write so concurrent sends with one key write once.
        self._lock = asyncio.Lock()

    async def send(self, message: EmailMessage) -> str:
        message_id = _message_id(message.idempotency_key)
        async with self._lock:
            path = await asyncio.to_thread(self._write_once, message, message_id)
        if path is not None:
            log.info("email.outbox.written", file=path.name, subject=message.subject)
        return message_id

    def _write_once(self, message: EmailMessage, message_id: str) -> Path | None:
        self._directory.mkdir(parents=True, exist_ok=True)
        if any(self._directory.glob(f"*-{message_id}.eml")):
            return None
        now = datetime.now(UTC)
        path = self._directory / f"{now:%Y%m%dT%H%M%S%fZ}-{message_id}.eml"
        data = _build(message, message_id, self._sender, now).as_bytes()
        # Write then rename: a reader polling the folder never sees half a message.
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
        return path


def _message_id(idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, idempotency_key))


def _build(message: EmailMessage, message_id: str, sender: str, now: datetime) -> MimeMessage:
    mime = MimeMessage(policy=_POLICY)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = f"<{message_id}@{MESSAGE_ID_DOMAIN}>"
    for name, value in message.tags:
        mime["X-Tag"] = f"{name}={value}"
    for name, value in message.headers:
        mime[name] = value
    mime.set_content(message.text, cte=_transfer_encoding(message.text))
    mime.add_alternative(message.html, subtype="html", cte=_transfer_encoding(message.html))
    return mime


def _transfer_encoding(body: str) -> str | None:
    fits = all(len(line.encode()) <= _MAX_8BIT_LINE for line in body.splitlines())
    return "8bit" if fits else None  # None: let the stdlib pick quoted-printable/base64
