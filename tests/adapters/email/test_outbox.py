"""The development outbox: one readable .eml per message, once per idempotency key."""

from __future__ import annotations

import asyncio
import email
from email import policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

from structlog.testing import capture_logs

from domain.email import EmailMessage, EmailSender
from infrastructure.email.outbox import OutboxEmailSender
from infrastructure.email.templates import magic_link_email

RECIPIENT = "alice.staker@example.com"
LINK = "https://app.staketrack.io/auth/magic?token=" + "Qz7" * 30 + "&next=%2Fdashboard"


def read(path: Path) -> MimeMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, MimeMessage)
    return parsed


def outbox_files(directory: Path, pattern: str = "*.eml") -> list[Path]:
    return sorted(directory.glob(pattern))


async def test_writes_a_multipart_rfc5322_message(tmp_path: Path) -> None:
    sender: EmailSender = OutboxEmailSender(tmp_path / "outbox", sender="StakeTrack <a@st.local>")
    message = magic_link_email(RECIPIENT, LINK, 15)

    message_id = await sender.send(message)

    [path] = outbox_files(tmp_path / "outbox")
    assert path.name.endswith(f"-{message_id}.eml")
    mime = read(path)
    assert mime["To"] == RECIPIENT
    assert mime["From"] == "StakeTrack <a@st.local>"
    assert mime["Subject"] == "Your StakeTrack sign-in link"
    assert mime["Message-ID"].startswith(f"<{message_id}@")
    assert mime["Date"]
    assert mime.get_content_type() == "multipart/alternative"
    text = mime.get_body(("plain",))
    html = mime.get_body(("html",))
    assert text is not None
    assert html is not None
    assert text.get_content().replace("\r\n", "\n") == message.text
    assert html.get_content().replace("\r\n", "\n") == message.html
    assert mime.get_all("X-Tag") == ["category=magic_link"]
    assert not mime.defects


async def test_the_link_is_greppable_in_the_raw_file(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    await sender.send(magic_link_email(RECIPIENT, LINK, 15))

    [path] = outbox_files(tmp_path)
    assert LINK in path.read_text(encoding="utf-8")


async def test_same_idempotency_key_writes_once(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    message = magic_link_email(RECIPIENT, LINK, 15, idempotency_key="magic-link/42")

    first = await sender.send(message)
    second = await sender.send(message)
    racing = await asyncio.gather(*(sender.send(message) for _ in range(5)))

    assert {second, *racing} == {first}
    assert len(outbox_files(tmp_path)) == 1


async def test_the_key_survives_a_restart_and_other_keys_write_again(tmp_path: Path) -> None:
    message = magic_link_email(RECIPIENT, LINK, 15, idempotency_key="magic-link/42")
    first = await OutboxEmailSender(tmp_path).send(message)

    again = await OutboxEmailSender(tmp_path).send(message)
    other = await OutboxEmailSender(tmp_path).send(
        magic_link_email(RECIPIENT, LINK, 15, idempotency_key="magic-link/43")
    )

    assert again == first
    assert other != first
    assert len(outbox_files(tmp_path)) == 2


async def test_without_a_key_every_send_is_a_new_message(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    message = magic_link_email(RECIPIENT, LINK, 15)

    ids = {await sender.send(message) for _ in range(3)}

    assert len(ids) == 3
    assert len(outbox_files(tmp_path)) == 3
    assert outbox_files(tmp_path, "*.partial") == []


async def test_logs_the_file_and_subject_but_not_the_recipient(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)

    with capture_logs() as logs:
        await sender.send(magic_link_email(RECIPIENT, LINK, 15))

    [entry] = logs
    [path] = outbox_files(tmp_path)
    assert entry["event"] == "email.outbox.written"
    assert entry["file"] == path.name
    assert entry["subject"] == "Your StakeTrack sign-in link"
    assert RECIPIENT not in repr(logs)
    assert "alice" not in repr(logs)


async def test_a_duplicate_is_not_logged_as_written(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    message = magic_link_email(RECIPIENT, LINK, 15, idempotency_key="k")
    await sender.send(message)

    with capture_logs() as logs:
        await sender.send(message)

    assert logs == []


async def test_non_ascii_and_very_long_lines_survive(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    message = EmailMessage(
        to=RECIPIENT,
        subject="Résumé — ✓",
        text="Grüße\n" + "x" * 2000 + "\n",
        html="<p>Grüße</p>",
    )

    await sender.send(message)

    [path] = outbox_files(tmp_path)
    mime = read(path)
    assert mime["Subject"] == "Résumé — ✓"
    text = mime.get_body(("plain",))
    assert text is not None
    assert text.get_content().replace("\r\n", "\n") == message.text
    assert max(len(line) for line in path.read_bytes().splitlines()) <= 998


LONG_URL = "https://app.example/api/alerts/unsubscribe?token=" + "a" * 120 + "." + "b" * 43


async def test_extra_headers_are_stored(tmp_path: Path) -> None:
    sender = OutboxEmailSender(tmp_path)
    await sender.send(
        EmailMessage(
            to="a@example.org",
            subject="s",
            text="t",
            html="<p>h</p>",
            headers=(
                ("List-Unsubscribe", f"<{LONG_URL}>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
        )
    )
    [path] = outbox_files(tmp_path)
    stored = read(path)
    assert stored["List-Unsubscribe"] == f"<{LONG_URL}>"
    assert stored["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # one line, as sent: a long URL is not folded into encoded words
    assert f"List-Unsubscribe: <{LONG_URL}>\r\n" in path.read_bytes().decode()
