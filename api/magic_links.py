"""Email sign-in and verification links: 32 random bytes, stored hashed, 15 minutes,
single use, sent through the EmailSender port."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from api.deps import enforce_limit
from domain.email import EmailSender
from infrastructure.auth.tokens import MAGIC_LINK_TTL, hash_secret, new_opaque_token
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.templates import email_verification_email, magic_link_email
from infrastructure.resources import Resources
from infrastructure.settings import Settings

VERIFY_PATH = "/auth/email"  # the SPA page that posts the token to /api/auth/email/verify


async def send_link(
    uow: SqlUnitOfWork,
    email_sender: EmailSender,
    settings: Settings,
    *,
    email: str,
    purpose: Literal["login", "verify"],
    now: datetime,
    user_id: uuid.UUID | None = None,
) -> None:
    token = new_opaque_token()
    await uow.magic_links.add(
        token_hash=hash_secret(token),
        email=email,
        purpose=purpose,
        user_id=user_id,
        expires_at=now + MAGIC_LINK_TTL,
    )
    link = f"{settings.effective_app_origin}{VERIFY_PATH}?{urlencode({'token': token})}"
    minutes = int(MAGIC_LINK_TTL.total_seconds() // 60)
    build = magic_link_email if purpose == "login" else email_verification_email
    key = f"magic-link/{hash_secret(token).hex()[:32]}"
    await email_sender.send(build(email, link, minutes, idempotency_key=key))


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def limit_links_to(resources: Resources, email: str) -> None:
    """RATE_LIMIT_EMAIL per address, for every link mailed (sign-in or verification);
    its 429 carries the real limit in RateLimit-Limit."""
    key = "auth:email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
    await enforce_limit(resources, resources.settings.rate_limit_email, key)
