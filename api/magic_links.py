"""The per-address limit on emailed links (HTTP: its 429 carries RateLimit-Limit); the
links themselves are made and sent by `services/accounts.py`."""

from __future__ import annotations

import hashlib

from api.deps import enforce_limit
from infrastructure.resources import Resources


async def limit_links_to(resources: Resources, email: str) -> None:
    """RATE_LIMIT_EMAIL per address, for every link mailed (sign-in or verification);
    its 429 carries the real limit in RateLimit-Limit."""
    key = "auth:email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
    await enforce_limit(resources, resources.settings.rate_limit_email, key)
