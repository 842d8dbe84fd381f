"""Links from alert emails: one-click unsubscribe (RFC 8058).

The email's `List-Unsubscribe` header and footer link point at
`/api/alerts/unsubscribe?token=…` (a signed token naming one alert, see
infrastructure/email/unsubscribe.py):

- `GET` shows a small confirmation page with a button that POSTs; it changes nothing
  (mail scanners and link previews follow GETs);
- `POST` switches the alert off (`active=false`, reason `unsubscribed`): the mail
  client's one-click form post (`List-Unsubscribe=One-Click`, token in the query), the
  page's button (answered with an HTML page), or a JSON body `{"token": …}` (answered
  with the envelope). Repeating it changes nothing more.

A tampered, made-up or expired token answers 400 `INVALID_UNSUBSCRIBE_TOKEN`, a deleted
alert 404; neither changes anything. Include this router before `/api/alerts/{id}`.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.deps import RateLimitedRoute, ResourcesDep, UowDep
from api.schemas.common import MetaEnvelope, NoMeta, one
from api.schemas.webhooks import UnsubscribedOut, UnsubscribeIn, error_doc
from domain.errors import InvalidInput
from infrastructure.email.templates import BRAND
from infrastructure.email.unsubscribe import UnsubscribeTokens
from infrastructure.settings import Settings
from services import alert_delivery

router = APIRouter(prefix="/api/alerts", tags=["alerts"], dependencies=[RateLimitedRoute])

PATH = "/unsubscribe"
_FORM = "application/x-www-form-urlencoded"
_TOKEN_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        "The token is invalid, tampered with or expired (`INVALID_UNSUBSCRIBE_TOKEN`); "
        "nothing changed."
    ),
    404: error_doc("The alert no longer exists (`NOT_FOUND`)."),
}
# the page's own errors are the JSON envelope, not HTML: documented explicitly, so the
# HTML response class does not claim them
_PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_TOKEN_ERRORS,
    422: error_doc("The token is missing or too long (`VALIDATION_ERROR`)."),
    500: error_doc("An unexpected error occurred (`INTERNAL_ERROR`, with the request id)."),
}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_TYPE_LABELS = {
    "vrs_drop": "VRS score drop",
    "vrs_below": "VRS score below threshold",
    "commission_increase": "Commission increase",
    "slashing": "Slashing",
    "jailed_or_delinquent": "Jailed or offline",
}
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


def _tokens(settings: Settings) -> UnsubscribeTokens:
    return UnsubscribeTokens(settings.secret_key.get_secret_value() if settings.secret_key else "")


def _page(title: str, body: str) -> HTMLResponse:
    e = html.escape
    document = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(BRAND)}</title></head>
<body style="margin:0;background:#f7f7fa;font-family:-apple-system,BlinkMacSystemFont,
'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111118;">
<main style="max-width:480px;margin:64px auto;padding:32px;background:#fff;
border:1px solid #d6d8e0;border-radius:12px;">
<p style="margin:0 0 16px;font-weight:700;"><span style="color:#0e7490;">&#9670;</span>
{e(BRAND)}</p>
<h1 style="font-size:22px;margin:0 0 12px;">{e(title)}</h1>
{body}
<p style="margin:24px 0 0;font-size:12px;color:#5c5f73;">
Keine Finanzberatung / Not financial advice.</p>
</main></body></html>
"""
    return HTMLResponse(document, headers=_PAGE_HEADERS)


@router.get(
    PATH,
    summary="The unsubscribe confirmation page of an alert email's link (changes nothing)",
    response_class=HTMLResponse,
    responses={
        200: {"content": _HTML, "description": "A page with a button that POSTs the unsubscribe"},
        **_PAGE_ERRORS,
    },
)
async def confirm_page(
    uow: UowDep,
    resources: ResourcesDep,
    token: str = Query(min_length=1, max_length=256),
) -> HTMLResponse:
    now = datetime.now(UTC)
    alert_type, active = await alert_delivery.unsubscribe_preview(
        uow, _tokens(resources.settings), token, now
    )
    label = html.escape(_TYPE_LABELS.get(alert_type, alert_type))
    if not active:
        return _page(
            "Alert ist bereits deaktiviert",
            f"<p>{label}: you get no more emails for this alert. Du kannst ihn jederzeit "
            "in den Einstellungen wieder aktivieren.</p>",
        )
    action = html.escape(f"/api/alerts{PATH}?token={quote(token, safe='')}", quote=True)
    return _page(
        "Alert abbestellen?",
        f"""<p>Stop emails for this alert ({label})? / Keine Emails mehr für diesen Alert?</p>
<form method="post" action="{action}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="margin-top:8px;padding:12px 24px;border:0;border-radius:8px;
background:#0e7490;color:#fff;font-size:15px;font-weight:600;cursor:pointer;">
Alert deaktivieren / Unsubscribe</button></form>""",
    )


async def _token_from(request: Request, query_token: str | None) -> tuple[str, bool]:
    """The token (query, form or JSON body) and whether the caller posted a form."""
    body = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json":
        try:
            parsed = UnsubscribeIn.model_validate(json.loads(body or b"null"))
        except (ValueError, ValidationError) as exc:
            raise InvalidInput(
                'The body must be {"token": "<token from the email>"}.',
                details={"field": "token"},
            ) from exc
        return parsed.token, False
    form = dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True)) if body else {}
    token = query_token or form.get("token")
    if not token or len(token) > 256:
        raise InvalidInput("The token is missing.", details={"field": "token"})
    return token, True


@router.post(
    PATH,
    summary="Unsubscribe: switch off the alert the token names (RFC 8058 one-click)",
    response_model=MetaEnvelope[UnsubscribedOut, NoMeta],
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                _FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "List-Unsubscribe": {"type": "string", "enum": ["One-Click"]},
                            "token": {"type": "string", "maxLength": 256},
                        },
                    }
                },
                "application/json": {"schema": UnsubscribeIn.model_json_schema(by_alias=True)},
            },
        }
    },
    responses={
        200: {
            "content": _HTML,
            "description": "JSON body: the envelope; a form post: a confirmation page",
        },
        **_TOKEN_ERRORS,
        413: error_doc("The request body is larger than the limit (`PAYLOAD_TOO_LARGE`)."),
        422: error_doc("No token, or a JSON body that is not `{token}` (`VALIDATION_ERROR`)."),
    },
)
async def unsubscribe(
    request: Request,
    uow: UowDep,
    resources: ResourcesDep,
    token: str | None = Query(default=None, max_length=256),
) -> MetaEnvelope[UnsubscribedOut, NoMeta] | Response:
    value, form = await _token_from(request, token)
    now = datetime.now(UTC)
    tokens = _tokens(resources.settings)
    await alert_delivery.unsubscribe(uow, tokens, value, now)
    if form:
        return _page(
            "Alert deaktiviert",
            "<p>Alert deaktiviert. Du kannst ihn jederzeit in den Einstellungen wieder "
            "aktivieren.</p><p>Alert switched off. You can switch it on again in your "
            "settings at any time.</p>",
        )
    return one(UnsubscribedOut(alert_id=tokens.verify(value, now).alert_id))
