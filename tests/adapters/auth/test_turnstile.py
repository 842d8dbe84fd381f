"""Turnstile siteverify against Cloudflare's wire format, replayed by httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs

import httpx
import pytest
from structlog.testing import capture_logs

from infrastructure.auth.turnstile import SITEVERIFY_URL, TIMEOUT_SECONDS, TurnstileVerifier

SECRET = "0x4AAAAAAABkMYinukE8nzYS_test_secret"
TOKEN = "0.zrSnRHO7h0HwSjSCU8oyzbjEtD8p.d62306d4ee00c77dda697f959ebbd7bd97"
SUCCESS = {
    "success": True,
    "challenge_ts": "2024-05-21T08:40:52.162Z",
    "hostname": "app.staketrack.io",
    "error-codes": [],
    "action": "",
    "cdata": "",
    "metadata": {"interactive": False},
}
FAILURE = {"success": False, "error-codes": ["invalid-input-response"], "messages": []}

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def form(self, index: int = 0) -> dict[str, list[str]]:
        return parse_qs(self.requests[index].content.decode())


def reply(status: int, body: object) -> Handler:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda _: httpx.Response(
        status, content=content, headers={"content-type": "application/json"}
    )


@pytest.fixture
async def make_verifier() -> AsyncIterator[Callable[[Handler], tuple[TurnstileVerifier, Recorder]]]:
    clients: list[httpx.AsyncClient] = []

    def build(handler: Handler) -> tuple[TurnstileVerifier, Recorder]:
        recorder = Recorder(handler)
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        clients.append(client)
        return TurnstileVerifier(SECRET, client), recorder

    yield build
    for client in clients:
        await client.aclose()


async def test_success_posts_the_documented_form(make_verifier) -> None:
    verifier, recorder = make_verifier(reply(200, SUCCESS))

    assert await verifier.verify(TOKEN, "203.0.113.7", idempotency_key="4f0c…") is True

    request = recorder.requests[0]
    assert request.method == "POST"
    assert str(request.url) == SITEVERIFY_URL
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert recorder.form() == {
        "secret": [SECRET],
        "response": [TOKEN],
        "remoteip": ["203.0.113.7"],
        "idempotency_key": ["4f0c…"],
    }


async def test_optional_fields_are_left_out(make_verifier) -> None:
    verifier, recorder = make_verifier(reply(200, SUCCESS))

    assert await verifier.verify(TOKEN) is True
    assert set(recorder.form()) == {"secret", "response"}


async def test_the_request_has_a_five_second_timeout(make_verifier) -> None:
    verifier, recorder = make_verifier(reply(200, SUCCESS))

    await verifier.verify(TOKEN)

    timeouts = recorder.requests[0].extensions["timeout"]
    assert set(timeouts.values()) == {TIMEOUT_SECONDS}


@pytest.mark.parametrize(
    "codes",
    [["invalid-input-response"], ["timeout-or-duplicate"], ["invalid-input-secret"]],
)
async def test_rejections_are_false(make_verifier, codes: list[str]) -> None:
    verifier, _ = make_verifier(reply(200, {**FAILURE, "error-codes": codes}))

    with capture_logs() as logs:
        assert await verifier.verify(TOKEN) is False

    assert logs[-1]["error_codes"] == codes


async def test_a_misconfigured_secret_is_a_warning_a_bad_token_is_not(make_verifier) -> None:
    verifier, _ = make_verifier(reply(200, {**FAILURE, "error-codes": ["invalid-input-secret"]}))
    with capture_logs() as logs:
        await verifier.verify(TOKEN)
    assert logs[-1]["log_level"] == "warning"

    verifier, _ = make_verifier(reply(200, FAILURE))
    with capture_logs() as logs:
        await verifier.verify(TOKEN)
    assert logs[-1]["log_level"] == "info"


@pytest.mark.parametrize("token", [None, "", "x" * 2049])
async def test_missing_or_impossible_token_makes_no_request(make_verifier, token) -> None:
    verifier, recorder = make_verifier(reply(200, SUCCESS))

    assert await verifier.verify(token) is False
    assert recorder.requests == []


def _raise(exc: Exception) -> Handler:
    def handler(_: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("handler", "event"),
    [
        (reply(500, b"<html>500 Internal Server Error</html>"), "turnstile.bad_status"),
        (reply(429, {"success": False}), "turnstile.bad_status"),
        (_raise(httpx.ReadTimeout("timed out")), "turnstile.unreachable"),
        (_raise(httpx.ConnectError("connection refused")), "turnstile.unreachable"),
        (reply(200, b"{not json"), "turnstile.bad_response"),
        (reply(200, {"error-codes": []}), "turnstile.bad_response"),
        (reply(200, ["success"]), "turnstile.bad_response"),
    ],
    ids=["500", "429", "timeout", "connect", "bad-json", "no-success", "not-an-object"],
)
async def test_fails_closed_with_a_warning(make_verifier, handler: Handler, event: str) -> None:
    verifier, _ = make_verifier(handler)

    with capture_logs() as logs:
        assert await verifier.verify(TOKEN, "203.0.113.7") is False

    assert [(entry["event"], entry["log_level"]) for entry in logs] == [(event, "warning")]
    logged = repr(logs)
    assert SECRET not in logged
    assert TOKEN not in logged


async def test_success_must_be_a_real_boolean(make_verifier) -> None:
    verifier, _ = make_verifier(reply(200, {**SUCCESS, "success": "true"}))

    assert await verifier.verify(TOKEN) is False
