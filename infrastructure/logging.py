"""Structured logging: one pipeline for structlog and stdlib loggers alike.

Every line, whatever logger wrote it, passes `redact()` last: wallet addresses
of all three chains are shortened (`0x1234…5678`) and email addresses removed.
The request id bound in `structlog.contextvars` appears in every line.

The access log (one line per request, `log_request()`) takes a cheaper path in the JSON
format: the line is built from its fields and rendered once with orjson, and `redact()`
runs on the fields a client controls (method, path, the bound context such as the
request id), not as a regex pass over the rendered line — the other fields are numbers.
The line is the same JSON object the pipeline would write and goes to the same handler.

Crashes go the same way: in the service processes (`install_crash_logging()`, called by
`staketrack serve`/`worker`/`migrate`) uncaught exceptions of any thread are logged
through this pipeline by `sys.excepthook`/`threading.excepthook`, and asyncio's
"exception was never retrieved" reports already arrive through the `asyncio` logger —
no raw traceback reaches stderr past the redaction.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from datetime import UTC, datetime
from functools import lru_cache
from types import TracebackType
from typing import Any

import structlog

from domain.addresses import shorten
from infrastructure.settings import LogFormat, Settings

_ETH_HEX = re.compile(r"0x[0-9a-fA-F]{40,}")
_BECH32 = re.compile(
    r"\b((?:cosmos|cosmosvaloper|cosmosvalcons|cosmospub)1)([02-9ac-hj-np-z]{38,})\b"
)
_BASE58 = re.compile(r"(?<![0-9A-Za-z])[1-9A-HJ-NP-Za-km-z]{32,44}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# a password in a URL (redis://:pw@host, postgresql://user:pw@host) and our API keys
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@")
_API_KEY = re.compile(r"\bstk_[A-Za-z0-9_]{8,}")


# every pattern above needs "@", "0x", "://", "stk_", "cosmos" or (_BASE58) a base58 run of 32:
# a text without any is returned as it is, without running the patterns (a request id
# costs ~30 µs through them, mostly _EMAIL backtracking over its hyphens)
_BASE58_RUN = re.compile(r"[1-9A-HJ-NP-Za-km-z]{32}")


def _may_hold_personal_data(text: str) -> bool:
    return (
        "@" in text
        or "0x" in text
        or "://" in text
        or "stk_" in text
        or "cosmos" in text
        or (len(text) >= 32 and _BASE58_RUN.search(text) is not None)
    )


def redact(text: str) -> str:
    return _redact_all(text) if _may_hold_personal_data(text) else text


def _redact_all(text: str) -> str:
    text = _URL_PASSWORD.sub(r"\1[secret]@", text)
    text = _API_KEY.sub("stk_[secret]", text)
    text = _EMAIL.sub("[email]", text)
    text = _ETH_HEX.sub(lambda m: shorten(m.group(0)), text)
    text = _BECH32.sub(lambda m: shorten(m.group(0)), text)
    return _BASE58.sub(lambda m: shorten(m.group(0)), text)


_RENDERED = "staketrack_rendered"  # a LogRecord attribute: its message is the final line


class RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, _RENDERED, False):  # built by log_request, its fields redacted
            return str(record.msg)
        return redact(super().format(record))


REQUEST_LOGGER = "staketrack.request"
_request_logger = logging.getLogger(REQUEST_LOGGER)
_fast_json = False  # configure_logging(): the JSON format, whose access lines skip structlog


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _timestamp() -> str:
    """As structlog's TimeStamper(fmt="iso", utc=True) writes it."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=4096)
def _redacted_field(text: str) -> str:
    """`redact` of a method or path: the same few repeat (a validator's address in a
    path costs ~30 µs to shorten), and the cache is bounded."""
    return redact(text)


_JSON = json.JSONEncoder(default=str)  # json.dumps(..., default=str), built once


def log_request(method: str, path: str, status: int, duration_ms: float) -> None:
    """The access-log line of one request (event "request", INFO, logger
    staketrack.request), with the request's bound context (its request id)."""
    if not _request_logger.isEnabledFor(logging.INFO):
        return
    if not _fast_json:
        get_logger(REQUEST_LOGGER).info(
            "request", method=method, path=path, status=status, duration_ms=duration_ms
        )
        return
    event = {
        "method": _redacted_field(method),
        "path": _redacted_field(path),
        "status": status,
        "duration_ms": duration_ms,
        "event": "request",
    }
    for key, value in structlog.contextvars.get_contextvars().items():
        event.setdefault(key, _redacted(value))
    event.update(level="info", logger=REQUEST_LOGGER, timestamp=_timestamp())
    record = _request_logger.makeRecord(
        # json.dumps as the other lines' JSONRenderer: one format for every line (a few µs)
        REQUEST_LOGGER,
        logging.INFO,
        __file__,
        0,
        _JSON.encode(event),
        (),
        None,
    )
    setattr(record, _RENDERED, True)
    _request_logger.handle(record)


def _drop_color_message(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict.pop("color_message", None)  # uvicorn duplicates its message with ANSI codes
    return event_dict


def configure_logging(settings: Settings, stream: Any = None) -> None:
    """Route structlog and stdlib logging through one redacting handler."""
    global _fast_json
    _fast_json = settings.log_format is not LogFormat.CONSOLE
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_color_message,
    ]
    renderer: Any
    if settings.log_format is LogFormat.CONSOLE:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    else:
        renderer = structlog.processors.JSONRenderer()
    formatter = RedactingFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our middleware logs requests
    # one INFO line per outgoing chain request is noise (failures are logged by ChainHttp)
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def _log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    get_logger("staketrack.crash").critical("uncaught_exception", exc_info=(exc_type, exc, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    get_logger("staketrack.crash").critical(
        "uncaught_exception",
        thread=args.thread.name if args.thread else None,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def install_crash_logging() -> None:
    """Uncaught exceptions go through the redacting pipeline, not raw to stderr
    (process-wide hooks: the service entry points call it, not `configure_logging`)."""
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
