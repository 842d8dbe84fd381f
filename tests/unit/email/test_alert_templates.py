"""Alert emails (story 5.2): subject and content per type and kind, both parts, the
disclaimer, the deep link, escaping, and the RFC 8058 headers; unsubscribe tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.alerts.model import AlertNotice, AlertType, NoticeKind
from domain.models import Chain
from infrastructure.email.alert_templates import alert_email
from infrastructure.email.unsubscribe import (
    TOKEN_TTL,
    InvalidUnsubscribeToken,
    UnsubscribeTokens,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ORIGIN = "https://app.staketrack.io"
UNSUBSCRIBE = f"{ORIGIN}/api/alerts/unsubscribe?token=abc.def"


def make(kind: NoticeKind = NoticeKind.FIRED, **overrides: object) -> AlertNotice:
    values: dict[str, object] = {
        "alert_id": uuid.uuid4(),
        "user_id": uuid.uuid4(),
        "type": AlertType.COMMISSION_INCREASE,
        "kind": kind,
        "chain": Chain.SOL,
        "validator": "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2",
        "validator_name": None,
        "condition": "commission_increase",
        "message": "commission 5 % → 8 % on 2026-12-01",
        "occurred_at": NOW,
        "before": {"commission": "5"},
        "after": {"commission": "8"},
    }
    values.update(overrides)
    return AlertNotice(**values)  # type: ignore[arg-type]


def render(notice: AlertNotice) -> object:
    return alert_email(
        "a@example.org",
        notice,
        app_origin=ORIGIN,
        unsubscribe_url=UNSUBSCRIBE,
        idempotency_key="7:email",
    )


@pytest.mark.parametrize(
    ("type_", "subject"),
    [
        (AlertType.VRS_DROP, "[StakeTrack] VRS score changed: Validator 7Np41o…T4K2 on Solana"),
        (AlertType.VRS_BELOW, "[StakeTrack] VRS score low: Validator 7Np41o…T4K2 on Solana"),
        (
            AlertType.COMMISSION_INCREASE,
            "[StakeTrack] Commission raised: Validator 7Np41o…T4K2 on Solana",
        ),
        (AlertType.SLASHING, "[StakeTrack] Slashing event: Validator 7Np41o…T4K2 on Solana"),
        (
            AlertType.JAILED_OR_DELINQUENT,
            "[StakeTrack] Validator down: Validator 7Np41o…T4K2 on Solana",
        ),
    ],
)
def test_subject_per_type(type_: AlertType, subject: str) -> None:
    assert render(make(type=type_)).subject == subject  # type: ignore[attr-defined]


def test_resolved_mails_say_so_in_the_positive_colour() -> None:
    mail = render(make(NoticeKind.RESOLVED, validator_name="Figment"))
    assert mail.subject == "[StakeTrack] Resolved: Figment on Solana"  # type: ignore[attr-defined]
    assert "All clear for Figment" in mail.text  # type: ignore[attr-defined]
    assert "#047857" in mail.html  # type: ignore[attr-defined]


def test_content_before_after_factors_link_disclaimer_and_headers() -> None:
    mail = render(
        make(
            type=AlertType.VRS_DROP,
            before={"total": 73},
            after={"total": 61},
            factors={"commission": ["5", "8"], "uptime": ["99.2", "97.0"]},
        )
    )
    text, page = mail.text, mail.html  # type: ignore[attr-defined]
    assert "VRS score: 73 → 61" in text
    assert "- Commission: 5 % → 8 %" in text and "- Uptime: 99.2 → 97.0" in text
    assert "Keine Finanzberatung / Not financial advice." in text and "Not financial" in page
    link = f"{ORIGIN}/validators/sol%3A7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2"
    assert f"View in the dashboard: {link}" in text and f'href="{link}"' in page
    assert '<span style="color:#a16207;">61</span>' in page  # yellow band (50-79)
    assert dict(mail.headers) == {  # type: ignore[attr-defined]
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert mail.idempotency_key == "7:email"  # type: ignore[attr-defined]
    assert "StakeTrack" in page and "&#9670;" in page  # the brand mark


def test_values_are_escaped() -> None:
    mail = render(make(validator_name="<script>x</script>", message="a & <b>"))
    assert "<script>x" not in mail.html  # type: ignore[attr-defined]
    assert "&lt;script&gt;" in mail.html and "a &amp; &lt;b&gt;" in mail.html  # type: ignore[attr-defined]


def test_links_must_be_http() -> None:
    with pytest.raises(ValueError):
        alert_email(
            "a@example.org",
            make(),
            app_origin="javascript:alert(1)",
            unsubscribe_url=UNSUBSCRIBE,
            idempotency_key="k",
        )


def test_unsubscribe_tokens_round_trip_and_refuse_tampering_and_age() -> None:
    tokens = UnsubscribeTokens("k" * 40)
    alert_id, user_id = uuid.uuid4(), uuid.uuid4()
    token = tokens.issue(alert_id, user_id, NOW)
    claim = tokens.verify(token, NOW + TOKEN_TTL - timedelta(seconds=1))
    assert (claim.alert_id, claim.user_id) == (alert_id, user_id)
    payload, tag = token.split(".")
    for bad in (
        f"{payload}x.{tag}",
        f"{payload}.{tag[::-1]}",
        UnsubscribeTokens("j" * 40).issue(alert_id, user_id, NOW),
        "",
        "é.é",
    ):
        with pytest.raises(InvalidUnsubscribeToken):
            tokens.verify(bad, NOW)
    with pytest.raises(InvalidUnsubscribeToken):
        tokens.verify(token, NOW + TOKEN_TTL + timedelta(seconds=1))
