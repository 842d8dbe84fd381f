"""Redaction: no full address or email survives into a log line, whatever logger wrote it."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
import structlog

from infrastructure.logging import configure_logging, get_logger, log_request, redact
from infrastructure.settings import load_settings

ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
SOL = "83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri"
ATOM = "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"
VALOPER = "cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0"
EMAIL = "alice.staker+eth@example.co.uk"


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        (ETH, "0x5290…9EE7"),
        (SOL, "83as…Vcri"),
        (ATOM, "cosmos1qypq…v7xu"),
        (VALOPER, "cosmosvaloper1sjll…cnj0"),
    ],
)
def test_addresses_are_shortened(raw: str, short: str) -> None:
    assert redact(f"wallet {raw} linked") == f"wallet {short} linked"


def test_withdrawal_credentials_holding_an_address_are_shortened() -> None:
    credentials = "0x010000000000000000000000" + ETH[2:].lower()
    assert ETH[2:].lower() not in redact(credentials)


def test_emails_are_removed() -> None:
    assert redact(f"magic link for {EMAIL} sent") == "magic link for [email] sent"


def test_ordinary_text_is_untouched() -> None:
    line = "GET /api/health 200 in 1.2 ms request_id=7f1e0c6a-1b2c-4d5e-8f90-0a1b2c3d4e5f"
    assert redact(line) == line


@pytest.fixture
def log_stream(tmp_path: Path) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(load_settings(data_dir=tmp_path, log_format="json"), stream=stream)
    yield stream
    logging.getLogger().handlers.clear()


def test_every_logger_is_redacted(log_stream: io.StringIO) -> None:
    get_logger("staketrack.test").info("sign_in", wallet=ETH, email=EMAIL)
    logging.getLogger("some.library").warning("user %s with %s and %s", EMAIL, SOL, ATOM)
    try:
        raise ValueError(f"bad address {ETH}")
    except ValueError:
        logging.getLogger("another").exception("failed")
    output = log_stream.getvalue()
    for secret in (ETH, SOL, ATOM, EMAIL):
        assert secret not in output
    lines = [json.loads(line) for line in output.splitlines()]
    assert lines[0]["wallet"] == "0x5290…9EE7"
    assert lines[1]["event"] == "user [email] with 83as…Vcri and cosmos1qypq…v7xu"
    assert "ValueError: bad address 0x5290…9EE7" in lines[2]["exception"]


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_request_lines_redact_what_a_client_controls(tmp_path: Path, log_format: str) -> None:
    """The access log's own path (log_request): the path, the method and the bound
    request id can carry an address or an email; the line is the pipeline's JSON."""
    stream = io.StringIO()
    configure_logging(load_settings(data_dir=tmp_path, log_format=log_format), stream=stream)
    try:
        with structlog.contextvars.bound_contextvars(request_id=ETH):
            log_request("GET", f"/api/validators/eth:{ETH}/{EMAIL}/{SOL}", 404, 1.25)
        log_request(ATOM, "/api/health", 200, 0.5)
    finally:
        logging.getLogger().handlers.clear()
    output = stream.getvalue()
    for secret in (ETH, SOL, ATOM, EMAIL):
        assert secret not in output
    if log_format == "json":
        first, second = (json.loads(line) for line in output.splitlines())
        assert first["path"] == "/api/validators/eth:0x5290…9EE7/[email]/83as…Vcri"
        assert (first["request_id"], first["status"], first["duration_ms"]) == (
            "0x5290…9EE7",
            404,
            1.25,
        )
        assert (first["event"], first["level"], first["logger"]) == (
            "request",
            "info",
            "staketrack.request",
        )
        assert first["timestamp"].endswith("Z") and second["method"] == "cosmos1qypq…v7xu"
        assert "request_id" not in second  # unbound after the request


@pytest.mark.parametrize(
    "text",
    [
        "/api/portfolio",
        "b7c1c0de-2f6e-4a57-9a53-4f1f1f7f0e55",
        "/api/vrs/sol:" + "V" * 31,
        "/api/vrs/sol:" + "V" * 32,
        "/api/vrs/sol:Vote111111111111111111111111111111111111111",
        "x0x" + "a" * 40,
        "0X" + "a" * 40,
        "mail me: someone@example.com",
        "redis://:hunter2@host:6379/0",
        "key stk_abcdefgh123",
        "cosmosvaloper1" + "q" * 38,
        "Cosmos" + "q" * 38,
        "é" * 40 + "1" * 32,
    ],
)
def test_the_quick_check_never_skips_what_the_patterns_would_change(text: str) -> None:
    from infrastructure.logging import _redact_all

    assert redact(text) == _redact_all(text)
