"""Transactional email content: the sign-in magic link and email-address verification.

The HTML is built for mail clients, not browsers: table layout, inline styles only,
a 560 px column, a "bulletproof" table-cell button, and the link repeated as text for
clients that strip buttons. Every interpolated value goes through `html.escape`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.email import EmailMessage

BRAND = "StakeTrack"
MAGIC_LINK_SUBJECT = "Your StakeTrack sign-in link"
VERIFICATION_SUBJECT = "Confirm your email address for StakeTrack"

_ACCENT = "#4f46e5"
_INK = "#0f172a"
_MUTED = "#64748b"
_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


@dataclass(frozen=True, slots=True)
class _Copy:
    preheader: str
    heading: str
    intro: str
    button: str
    ignore: str
    tag: str


_MAGIC_LINK = _Copy(
    preheader="Your sign-in link for StakeTrack.",
    heading="Sign in to StakeTrack",
    intro="Click the button below to sign in. No password needed.",
    button="Sign in to StakeTrack",
    ignore="If you didn't ask to sign in, you can safely ignore this email.",
    tag="magic_link",
)
_VERIFICATION = _Copy(
    preheader="Confirm this address to get StakeTrack alerts here.",
    heading="Confirm your email address",
    intro=(
        "You added this email address to your StakeTrack account. "
        "Confirm it to receive alerts and sign-in links here."
    ),
    button="Confirm email address",
    ignore=(
        "If you didn't add this address to a StakeTrack account, you can safely "
        "ignore this email; it won't be used."
    ),
    tag="email_verification",
)


def magic_link_email(
    to: str, link: str, expires_minutes: int, *, idempotency_key: str | None = None
) -> EmailMessage:
    return _render(_MAGIC_LINK, MAGIC_LINK_SUBJECT, to, link, expires_minutes, idempotency_key)


def email_verification_email(
    to: str, link: str, expires_minutes: int, *, idempotency_key: str | None = None
) -> EmailMessage:
    return _render(_VERIFICATION, VERIFICATION_SUBJECT, to, link, expires_minutes, idempotency_key)


def _render(
    copy: _Copy,
    subject: str,
    to: str,
    link: str,
    expires_minutes: int,
    idempotency_key: str | None,
) -> EmailMessage:
    # Escaping keeps markup out, but a javascript: or data: URL would survive it.
    if urlsplit(link).scheme not in {"http", "https"}:
        raise ValueError("email links must be http(s) URLs")
    if expires_minutes < 1:
        raise ValueError("expires_minutes must be positive")
    expiry = f"This link expires in {_minutes(expires_minutes)}."
    text = "\n".join(
        [
            copy.heading,
            "",
            copy.intro,
            "",
            link,
            "",
            expiry,
            copy.ignore,
            "",
            f"— {BRAND}",
            "",
        ]
    )
    return EmailMessage(
        to=to,
        subject=subject,
        text=text,
        html=_html(copy, subject, link, expiry),
        idempotency_key=idempotency_key,
        tags=(("category", copy.tag),),
    )


def _minutes(count: int) -> str:
    return "1 minute" if count == 1 else f"{count} minutes"


def _html(copy: _Copy, subject: str, link: str, expiry: str) -> str:
    e = html.escape
    href = e(link, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f1f5f9;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{e(copy.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="background-color:#f1f5f9;">
<tr><td align="center" style="padding:32px 16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"
 style="max-width:560px;">
<tr><td style="padding:0 8px 16px 8px;font-family:{_FONT};font-size:20px;font-weight:700;
 color:{_INK};letter-spacing:-0.2px;">
<span style="color:{_ACCENT};">&#9670;</span>&nbsp;{e(BRAND)}</td></tr>
<tr><td style="background-color:#ffffff;border:1px solid #e2e8f0;border-radius:12px;
 padding:36px 32px;font-family:{_FONT};color:{_INK};">
<h1 style="margin:0 0 12px 0;font-size:22px;line-height:30px;font-weight:700;color:{_INK};">
{e(copy.heading)}</h1>
<p style="margin:0 0 28px 0;font-size:16px;line-height:24px;color:#334155;">
{e(copy.intro)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
<tr><td align="center" bgcolor="{_ACCENT}" style="border-radius:8px;">
<a href="{href}" target="_blank" rel="noopener"
 style="display:inline-block;padding:14px 28px;font-family:{_FONT};font-size:16px;
 font-weight:600;line-height:20px;color:#ffffff;text-decoration:none;border-radius:8px;">
{e(copy.button)}</a></td></tr>
</table>
<p style="margin:28px 0 8px 0;font-size:14px;line-height:20px;color:{_MUTED};">
Or paste this link into your browser:</p>
<p style="margin:0 0 28px 0;font-size:14px;line-height:20px;word-break:break-all;">
<a href="{href}" target="_blank" rel="noopener" style="color:{_ACCENT};text-decoration:underline;">
{e(link)}</a></p>
<p style="margin:0;padding-top:20px;border-top:1px solid #e2e8f0;font-size:14px;
 line-height:20px;color:{_MUTED};">
{e(expiry)}<br>{e(copy.ignore)}</p>
</td></tr>
<tr><td style="padding:20px 8px 0 8px;font-family:{_FONT};font-size:12px;line-height:18px;
 color:#94a3b8;text-align:center;">
{e(BRAND)} &middot; staking analytics for Ethereum, Solana and Cosmos</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""
