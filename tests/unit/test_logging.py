"""Redaction: no full address or email survives into a log line, whatever logger wrote it."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from infrastructure.logging import configure_logging, get_logger, redact
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
