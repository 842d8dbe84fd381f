"""Sign-in and verification emails: the link arrives intact, nothing arrives unescaped."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from infrastructure.email.templates import (
    MAGIC_LINK_SUBJECT,
    VERIFICATION_SUBJECT,
    email_verification_email,
    magic_link_email,
)

RECIPIENT = "alice.staker@example.com"
LINK = "https://app.staketrack.io/auth/magic?token=Xq3kP9vL2mN8&next=%2Fdashboard"
HOSTILE = 'https://app.staketrack.io/auth/magic?t="><script>alert(1)</script>&x=<b>'
BUILDERS = [magic_link_email, email_verification_email]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs.extend(value or "" for name, value in attrs if name == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    return collector


def visible_text(markup: str) -> str:
    return " ".join(" ".join(parse(markup).text).split())


def test_magic_link_email() -> None:
    message = magic_link_email(RECIPIENT, LINK, 15, idempotency_key="magic/1")

    assert message.to == RECIPIENT
    assert message.subject == MAGIC_LINK_SUBJECT == "Your StakeTrack sign-in link"
    assert message.idempotency_key == "magic/1"
    assert message.tags == (("category", "magic_link"),)
    assert LINK in message.text.splitlines()
    assert "expires in 15 minutes" in message.text
    assert "ignore this email" in message.text
    assert "sign in" in message.text.lower()


def test_verification_email_has_its_own_wording() -> None:
    message = email_verification_email(RECIPIENT, LINK, 60)

    assert message.subject == VERIFICATION_SUBJECT
    assert message.tags == (("category", "email_verification"),)
    assert "Confirm your email address" in visible_text(message.html)
    assert "expires in 60 minutes" in message.text
    assert "didn't add this address" in message.text
    assert message.html != magic_link_email(RECIPIENT, LINK, 60).html


@pytest.mark.parametrize("build", BUILDERS)
def test_html_links_to_the_url_as_button_and_as_text(build) -> None:
    message = build(RECIPIENT, LINK, 15)
    parsed = parse(message.html)

    assert parsed.hrefs == [LINK, LINK]  # the button, then the copyable fallback
    assert "&next=" not in message.html  # the attribute is escaped, the parser decodes it
    assert html.escape(LINK) in message.html
    assert LINK in visible_text(message.html)
    assert "expires in 15 minutes" in visible_text(message.html)
    assert "safely ignore this email" in visible_text(message.html)


@pytest.mark.parametrize("build", BUILDERS)
def test_hostile_link_cannot_inject_markup(build) -> None:
    message = build(RECIPIENT, HOSTILE, 15)
    parsed = parse(message.html)

    assert "script" not in parsed.tags
    assert "<script>" not in message.html
    assert '"><' not in message.html
    assert parsed.hrefs == [HOSTILE, HOSTILE]  # survives intact, as an attribute value


@pytest.mark.parametrize("build", BUILDERS)
@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "//evil.example/x"])
def test_only_http_links_are_accepted(build, link: str) -> None:
    with pytest.raises(ValueError, match="http"):
        build(RECIPIENT, link, 15)


@pytest.mark.parametrize("build", BUILDERS)
def test_expiry_wording(build) -> None:
    assert "expires in 1 minute." in build(RECIPIENT, LINK, 1).text
    assert "expires in 90 minutes." in build(RECIPIENT, LINK, 90).text
    with pytest.raises(ValueError):
        build(RECIPIENT, LINK, 0)


@pytest.mark.parametrize("build", BUILDERS)
def test_html_is_email_client_safe(build) -> None:
    markup = build(RECIPIENT, LINK, 15).html
    parsed = parse(markup)

    assert parsed.tags.isdisjoint({"style", "script", "link", "img", "form", "iframe"})
    assert "max-width:560px" in markup
    assert 'role="presentation"' in markup
    assert not re.search(r"\bclass=", markup)  # inline styles only; clients drop <style>


@pytest.mark.parametrize("build", BUILDERS)
def test_the_recipient_address_is_not_echoed(build) -> None:
    message = build(RECIPIENT, LINK, 15)

    assert RECIPIENT not in message.html
    assert RECIPIENT not in message.text
