"""Alert emails (story 5.2): one per notice, per type and kind (fired or resolved).

Each holds the validator and chain, the values before → after (VRS scores in their
band colour, worsening values in the negative colour, resolved ones in the positive),
the factors behind the change, a deep link into the app, the disclaimer and a one-click
unsubscribe link — also as RFC 8058 `List-Unsubscribe` / `List-Unsubscribe-Post`
headers, so mail clients offer their own button. HTML for mail clients (table layout,
inline styles, every interpolated value through `html.escape`) and a plain-text part.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from domain.alerts.model import AlertNotice, AlertType, NoticeKind
from domain.email import EmailMessage
from domain.models import Chain
from infrastructure.email.templates import BRAND

DISCLAIMER = "Keine Finanzberatung / Not financial advice."
CHAIN_NAMES = {Chain.ETH: "Ethereum", Chain.SOL: "Solana", Chain.ATOM: "Cosmos Hub"}

_BRAND_COLOUR = "#0e7490"
_INK = "#111118"
_MUTED = "#5c5f73"
_NEGATIVE = "#b91c1c"
_POSITIVE = "#047857"
_VRS_BANDS = ((80, "#15803d"), (50, "#a16207"), (0, "#b91c1c"))  # domain/vrs/model.py
_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


@dataclass(frozen=True, slots=True)
class _Copy:
    subject: str  # "{v}" = validator, "{c}" = chain
    heading: str
    context: str


_FIRED: dict[AlertType, _Copy] = {
    AlertType.VRS_DROP: _Copy(
        "VRS score changed: {v} on {c}",
        "The risk score of {v} fell",
        "A lower Validator Risk Score means a higher risk for your stake.",
    ),
    AlertType.VRS_BELOW: _Copy(
        "VRS score low: {v} on {c}",
        "The risk score of {v} is below your threshold",
        "A lower Validator Risk Score means a higher risk for your stake.",
    ),
    AlertType.COMMISSION_INCREASE: _Copy(
        "Commission raised: {v} on {c}",
        "{v} raised its commission",
        "This reduces your effective yield.",
    ),
    AlertType.SLASHING: _Copy(
        "Slashing event: {v} on {c}",
        "{v} was slashed",
        "Slashing burns part of the stake delegated to this validator.",
    ),
    AlertType.JAILED_OR_DELINQUENT: _Copy(
        "Validator down: {v} on {c}",
        "{v} is jailed or not validating",
        "While it is down your stake earns no rewards and may be penalised.",
    ),
}
_RESOLVED = _Copy(
    "Resolved: {v} on {c}",
    "All clear for {v}",
    "The condition you were alerted about no longer holds.",
)


def alert_email(
    to: str,
    notice: AlertNotice,
    *,
    app_origin: str,
    unsubscribe_url: str,
    idempotency_key: str,
) -> EmailMessage:
    for url in (app_origin, unsubscribe_url):
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError("email links must be http(s) URLs")
    copy = _FIRED[notice.type] if notice.kind is NoticeKind.FIRED else _RESOLVED
    validator = notice.validator_name or f"Validator {_short(notice.validator)}"
    chain = CHAIN_NAMES[notice.chain]
    subject = f"[{BRAND}] " + copy.subject.format(v=validator, c=chain)
    heading = copy.heading.format(v=validator)
    link = (
        f"{app_origin.rstrip('/')}/validators/{quote(f'{notice.chain.value}:{notice.validator}')}"
    )
    rows = _changes(notice)
    factors = _factors(notice.factors)
    text = _text(heading, notice, chain, copy.context, rows, factors, link, unsubscribe_url)
    return EmailMessage(
        to=to,
        subject=subject,
        text=text,
        html=_html(
            subject, heading, notice, chain, copy.context, rows, factors, link, unsubscribe_url
        ),
        idempotency_key=idempotency_key,
        tags=(("category", "alert"), ("type", notice.type.value), ("kind", notice.kind.value)),
        headers=(
            ("List-Unsubscribe", f"<{unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )


@dataclass(frozen=True, slots=True)
class _Change:
    label: str
    before: str
    after: str
    colour: str


def _short(address: str) -> str:
    return address if len(address) <= 14 else f"{address[:6]}…{address[-4:]}"


def _label(key: str) -> str:
    names = {"total": "VRS score", "score": "VRS score", "commission": "Commission"}
    if key in names:
        return names[key]
    spaced = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in key).replace("_", " ")
    return spaced.strip().capitalize()


def _value(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "commission":
        return f"{value} %"
    return str(value)


def _vrs_colour(value: Any) -> str | None:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    return next(colour for floor, colour in _VRS_BANDS if score >= floor)


def _changes(notice: AlertNotice) -> list[_Change]:
    keys = list(dict.fromkeys([*notice.before, *notice.after]))
    changes = []
    for key in keys:
        after = notice.after.get(key)
        colour = _vrs_colour(after) if key in {"total", "score"} else None
        if colour is None:
            colour = _POSITIVE if notice.kind is NoticeKind.RESOLVED else _NEGATIVE
        changes.append(
            _Change(_label(key), _value(key, notice.before.get(key)), _value(key, after), colour)
        )
    return changes


def _factors(factors: dict[str, Any]) -> list[str]:
    lines = []
    for name, change in factors.items():
        if isinstance(change, list | tuple) and len(change) == 2:
            lines.append(f"{_label(name)}: {_value(name, change[0])} → {_value(name, change[1])}")
        else:
            lines.append(f"{_label(name)}: {_value(name, change)}")
    return lines


def _text(
    heading: str,
    notice: AlertNotice,
    chain: str,
    context: str,
    rows: list[_Change],
    factors: list[str],
    link: str,
    unsubscribe_url: str,
) -> str:
    lines = [heading, "", f"{chain} · {notice.validator}", "", notice.message, ""]
    lines += [f"{row.label}: {row.before} → {row.after}" for row in rows]
    if factors:
        lines += ["", "Affected factors:", *(f"- {line}" for line in factors)]
    lines += [
        "",
        context,
        "",
        f"View in the dashboard: {link}",
        "",
        f"Stop this alert: {unsubscribe_url}",
        "",
        f"— {BRAND}. {DISCLAIMER}",
        "",
    ]
    return "\n".join(lines)


def _html(
    subject: str,
    heading: str,
    notice: AlertNotice,
    chain: str,
    context: str,
    rows: list[_Change],
    factors: list[str],
    link: str,
    unsubscribe_url: str,
) -> str:
    e = html.escape
    accent = _POSITIVE if notice.kind is NoticeKind.RESOLVED else _NEGATIVE
    change_rows = "".join(
        f"""<tr><td style="padding:6px 0;font-size:14px;color:{_MUTED};">{e(row.label)}</td>
<td align="right" style="padding:6px 0;font-size:16px;font-weight:600;color:{_INK};">
{e(row.before)} &rarr; <span style="color:{row.colour};">{e(row.after)}</span></td></tr>"""
        for row in rows
    )
    factor_items = "".join(f'<li style="margin:0 0 4px 0;">{e(line)}</li>' for line in factors)
    address = (
        ""
        if notice.validator in heading  # the heading already names it in full
        else f"""<p style="margin:0 0 20px 0;font-size:13px;line-height:18px;color:{_MUTED};
 word-break:break-all;">{e(notice.validator)}</p>"""
    )
    factor_block = (
        f"""<p style="margin:20px 0 6px 0;font-size:14px;font-weight:600;color:{_INK};">
Affected factors</p>
<ul style="margin:0;padding-left:20px;font-size:14px;line-height:20px;color:#334155;">
{factor_items}</ul>"""
        if factors
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f7f7fa;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{e(notice.message)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="background-color:#f7f7fa;">
<tr><td align="center" style="padding:32px 16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="max-width:560px;">
<tr><td style="padding:0 8px 16px 8px;font-family:{_FONT};font-size:20px;font-weight:700;
 color:{_INK};letter-spacing:-0.2px;">
<span style="color:{_BRAND_COLOUR};">&#9670;</span>&nbsp;{e(BRAND)}</td></tr>
<tr><td style="background-color:#ffffff;border:1px solid #d6d8e0;border-top:4px solid {accent};
 border-radius:12px;padding:32px;font-family:{_FONT};color:{_INK};">
<p style="margin:0 0 12px 0;"><span style="display:inline-block;padding:2px 10px;
 border-radius:999px;background-color:#eef0f4;font-size:12px;font-weight:600;color:{_MUTED};">
{e(chain)}</span></p>
<h1 style="margin:0 0 12px 0;font-size:22px;line-height:30px;font-weight:700;color:{_INK};">
{e(heading)}</h1>
{address}
<p style="margin:0 0 16px 0;font-size:16px;line-height:24px;color:#334155;">{e(notice.message)}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="border-top:1px solid #e2e8f0;border-bottom:1px solid #e2e8f0;">{change_rows}</table>
{factor_block}
<p style="margin:20px 0 24px 0;font-size:14px;line-height:20px;color:{_MUTED};">{e(context)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
<tr><td align="center" bgcolor="{_BRAND_COLOUR}" style="border-radius:8px;">
<a href="{e(link, quote=True)}" target="_blank" rel="noopener"
 style="display:inline-block;padding:12px 24px;font-family:{_FONT};font-size:15px;
 font-weight:600;line-height:20px;color:#ffffff;text-decoration:none;border-radius:8px;">
View in the dashboard &rarr;</a></td></tr>
</table>
</td></tr>
<tr><td style="padding:20px 8px 0 8px;font-family:{_FONT};font-size:12px;line-height:18px;
 color:{_MUTED};text-align:center;">
{e(DISCLAIMER)}<br>
You get this email because you set up this alert in {e(BRAND)}.
<a href="{e(unsubscribe_url, quote=True)}" style="color:{_MUTED};text-decoration:underline;">
Unsubscribe from this alert</a></td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""
