"""Cloudflare Turnstile server-side check (siteverify) for the sign-in endpoints.

Fails closed: anything but a well-formed `"success": true` answer — a network error,
a timeout, a non-200 status, a body that is not the documented JSON — is a failed
check. Neither the secret nor the visitor's token is ever logged.
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from infrastructure.logging import get_logger

SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
TIMEOUT_SECONDS = 5.0
MAX_TOKEN_LENGTH = 2048  # Cloudflare's documented maximum; longer cannot be genuine
# Codes that mean our side is broken (bad secret, Cloudflare trouble), not the visitor.
_OPERATOR_ERRORS = {"missing-input-secret", "invalid-input-secret", "internal-error"}

log = get_logger(__name__)


class SiteverifyResponse(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    success: StrictBool  # fail closed on a "true" string rather than coerce it
    error_codes: list[str] = Field(default_factory=list, alias="error-codes")
    challenge_ts: str | None = None
    hostname: str | None = None
    action: str | None = None
    cdata: str | None = None


class TurnstileVerifier:
    def __init__(self, secret: str, client: httpx.AsyncClient, url: str = SITEVERIFY_URL) -> None:
        self._secret = secret
        self._client = client
        self._url = url

    async def verify(
        self,
        token: str | None,
        remote_ip: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> bool:
        """True only when Cloudflare confirms `token` (each token verifies once).

        Pass the same `idempotency_key` (a UUID) when retrying one check, so a retry
        does not fail as `timeout-or-duplicate`.
        """
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return False
        form = {"secret": self._secret, "response": token}
        if remote_ip:
            form["remoteip"] = remote_ip
        if idempotency_key:
            form["idempotency_key"] = idempotency_key
        try:
            response = await self._client.post(self._url, data=form, timeout=TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            log.warning("turnstile.unreachable", error=type(exc).__name__)
            return False
        if response.status_code != 200:
            log.warning("turnstile.bad_status", status=response.status_code)
            return False
        try:
            result = SiteverifyResponse.model_validate_json(response.content)
        except ValidationError:
            log.warning("turnstile.bad_response")
            return False
        if not result.success:
            operator_fault = bool(_OPERATOR_ERRORS.intersection(result.error_codes))
            level = log.warning if operator_fault else log.info
            level("turnstile.rejected", error_codes=result.error_codes)
        return result.success
