"""Wire models of the user's alert webhook and of the one-click unsubscribe."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from api.schemas.common import ApiModel, RequestModel, UtcDatetime

ERROR_BODY_REF = "#/components/schemas/ErrorBody"


def error_doc(description: str) -> dict[str, Any]:
    """An error status of a route, documented with the `{error, code, details}` envelope."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR_BODY_REF}}},
    }


class WebhookIn(RequestModel):
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2048)] = (
        Field(description="https:// URL that receives signed alert deliveries")
    )


class WebhookOut(ApiModel):
    url: str
    verified: bool = Field(description="Whether a test ping succeeded for this URL")
    verified_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class NewWebhookOut(WebhookOut):
    secret: str = Field(
        description="The HMAC-SHA256 key deliveries are signed with; shown only in this answer"
    )


class WebhookDeletedOut(ApiModel):
    deleted: bool = True


class UnsubscribeIn(RequestModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class UnsubscribedOut(ApiModel):
    alert_id: uuid.UUID
    active: bool = False
