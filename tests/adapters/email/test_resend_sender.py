"""ResendEmailSender through the real SDK, with Resend's wire format replayed by
httpx.MockTransport: the test sees exactly the HTTP request the SDK built."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import resend
from structlog.testing import capture_logs

from domain.email import EmailDeliveryFailed, EmailMessage, EmailSender
from infrastructure.email.resend_sender import SEND_TIMEOUT_SECONDS, ResendEmailSender

API_KEY = "re_123456789_TestKeyNotReal"
FROM = "StakeTrack <signin@mail.staketrack.io>"
RECIPIENT = "alice.staker@example.com"
RESEND_ID = "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"
MESSAGE = EmailMessage(
    to=RECIPIENT,
    subject="Your StakeTrack sign-in link",
    text="Sign in: https://app.staketrack.io/auth/magic?token=abc",
    html='<a href="https://app.staketrack.io/auth/magic?token=abc">Sign in</a>',
    idempotency_key="magic-link/7f1c9a",
    tags=(("category", "magic_link"),),
)

Handler = Callable[[httpx.Request], httpx.Response]


def reply(status: int, body: object, content_type: str = "application/json") -> Handler:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda _: httpx.Response(status, content=content, headers={"content-type": content_type})


def error(status: int, name: str, message: str) -> Handler:
    return reply(status, {"statusCode": status, "name": name, "message": message})


@pytest.fixture(autouse=True)
def _isolate_sdk_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK keeps its key, base URL and clients in module globals; restore them.
    monkeypatch.setattr(resend, "api_key", None)
    monkeypatch.setattr(resend, "api_url", "https://api.resend.com")
    monkeypatch.setattr(resend, "default_async_http_client", resend.default_async_http_client)


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


@pytest.fixture
async def make_sender() -> AsyncIterator[Callable[..., tuple[ResendEmailSender, Recorder]]]:
    clients: list[httpx.AsyncClient] = []

    def build(handler: Handler, api_key: str = API_KEY) -> tuple[ResendEmailSender, Recorder]:
        recorder = Recorder(handler)
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        clients.append(client)
        return ResendEmailSender(api_key, FROM, client=client), recorder

    yield build
    for client in clients:
        await client.aclose()


async def test_sends_the_documented_request_and_returns_the_id(make_sender) -> None:
    sender, recorder = make_sender(reply(200, {"id": RESEND_ID}))
    port: EmailSender = sender

    assert await port.send(MESSAGE) == RESEND_ID

    [request] = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.resend.com/emails"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["idempotency-key"] == "magic-link/7f1c9a"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("resend-python:")
    body: dict[str, Any] = json.loads(request.content)
    assert body == {
        "from": FROM,
        "to": [RECIPIENT],
        "subject": MESSAGE.subject,
        "html": MESSAGE.html,
        "text": MESSAGE.text,
        "tags": [{"name": "category", "value": "magic_link"}],
    }
    assert set(request.extensions["timeout"].values()) == {SEND_TIMEOUT_SECONDS}


async def test_no_key_no_tags_means_no_header_and_no_tags_field(make_sender) -> None:
    sender, recorder = make_sender(reply(200, {"id": RESEND_ID}))

    await sender.send(EmailMessage(to=RECIPIENT, subject="s", text="t", html="<p>h</p>"))

    [request] = recorder.requests
    assert "idempotency-key" not in request.headers
    assert "tags" not in json.loads(request.content)


async def test_each_sender_uses_its_own_key(make_sender) -> None:
    first, first_requests = make_sender(reply(200, {"id": "a"}), api_key="re_first")
    second, second_requests = make_sender(reply(200, {"id": "b"}), api_key="re_second")

    assert await first.send(MESSAGE) == "a"
    assert await second.send(MESSAGE) == "b"
    assert await first.send(MESSAGE) == "a"

    assert [r.headers["authorization"] for r in first_requests.requests] == ["Bearer re_first"] * 2
    assert [r.headers["authorization"] for r in second_requests.requests] == ["Bearer re_second"]


def _raise(exc: Exception) -> Handler:
    def handler(_: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("handler", "status", "retryable"),
    [
        (
            error(422, "validation_error", f"Invalid `to` field: {RECIPIENT} is not allowed."),
            422,
            False,
        ),
        (error(403, "invalid_api_key", "API key is invalid"), 403, False),
        (error(429, "rate_limit_exceeded", "Too many requests."), 429, True),
        (error(409, "concurrent_idempotent_requests", "Request in progress."), 409, True),
        (error(409, "invalid_idempotent_request", "Different payload."), 409, False),
        (reply(502, b"<html>Bad Gateway</html>", "text/html"), 502, True),
        (_raise(httpx.ReadTimeout("timed out")), 500, True),
        (_raise(httpx.ConnectError("connection refused")), 500, True),
    ],
    ids=["422", "403", "429", "409-in-flight", "409-mismatch", "502-html", "timeout", "connect"],
)
async def test_failures_become_email_delivery_failed(
    make_sender, handler: Handler, status: int, retryable: bool
) -> None:
    sender, _ = make_sender(handler)

    with capture_logs() as logs, pytest.raises(EmailDeliveryFailed) as caught:
        await sender.send(MESSAGE)

    failure = caught.value
    assert failure.code == "EMAIL_DELIVERY_FAILED"
    assert failure.retryable is retryable
    assert failure.details["status"] == status
    assert RECIPIENT not in str(failure)
    assert failure.__cause__ is None
    assert [entry["event"] for entry in logs] == ["email.resend.failed"]
    assert RECIPIENT not in repr(logs)
    assert API_KEY not in repr(logs)


async def test_a_provider_message_quoting_the_recipient_is_redacted(make_sender) -> None:
    sender, _ = make_sender(error(422, "validation_error", f"{RECIPIENT} bounced before"))

    with capture_logs() as logs, pytest.raises(EmailDeliveryFailed):
        await sender.send(MESSAGE)

    assert logs[0]["provider_message"] == "[email] bounced before"


@pytest.mark.parametrize("body", [{"object": "email"}, {"id": ""}, None, ["x"]])
async def test_a_success_without_an_id_is_a_failure(make_sender, body: object) -> None:
    sender, _ = make_sender(reply(200, body))

    with pytest.raises(EmailDeliveryFailed):
        await sender.send(MESSAGE)


async def test_success_logs_the_id_but_not_the_recipient(make_sender) -> None:
    sender, _ = make_sender(reply(200, {"id": RESEND_ID}))

    with capture_logs() as logs:
        await sender.send(MESSAGE)

    assert [(entry["event"], entry["id"]) for entry in logs] == [("email.resend.sent", RESEND_ID)]
    assert RECIPIENT not in repr(logs)


def test_without_a_client_the_sdk_default_httpx_client_is_used() -> None:
    sender = ResendEmailSender(API_KEY, FROM)

    assert isinstance(sender._http, resend.HTTPXClient)


async def test_headers_go_in_the_documented_headers_field(make_sender) -> None:
    sender, recorder = make_sender(reply(200, {"id": RESEND_ID}))
    unsubscribe = "<https://app.staketrack.io/api/alerts/unsubscribe?token=a.b>"
    await sender.send(
        EmailMessage(
            to=RECIPIENT,
            subject="s",
            text="t",
            html="<p>h</p>",
            idempotency_key="12:email",
            headers=(
                ("List-Unsubscribe", unsubscribe),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
        )
    )
    [request] = recorder.requests
    assert request.headers["idempotency-key"] == "12:email"
    assert json.loads(request.content)["headers"] == {
        "List-Unsubscribe": unsubscribe,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
