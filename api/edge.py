"""The request edge (pure ASGI), before routing, authentication and rate limits:

- the path and every query parameter are free of control characters (else 422): NUL
  and friends never reach a route, a cache key or the database;
- a body is at most `MAX_REQUEST_BODY_BYTES` (else 413 PAYLOAD_TOO_LARGE): refused on
  its Content-Length before a byte of it is read, and counted chunk by chunk when it
  is streamed (reading stops at the limit), so memory per request stays bounded;
- a body (every body here is JSON) nests at most `MAX_JSON_DEPTH` levels (else 422),
  checked before anything parses it;
- responses under /api/auth and /api/me (session tokens, API key secrets, personal
  data) carry `Cache-Control: no-store` and `Pragma: no-cache`;
- the interpreter's recursion limit is as `api.interpreter` pinned it (a lazy import
  that raised it is logged and undone).

The body is then handed to the app from memory (at most the limit, 64 KiB by default).
"""

from __future__ import annotations

import re
from array import array
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body, validation_details
from api.interpreter import recursion_limit_was_raised
from infrastructure.logging import get_logger

log = get_logger("staketrack.edge")

# C0, DEL and C1 (Unicode category Cc)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NO_STORE_PREFIXES = ("/api/auth/", "/api/me/")  # and /api/me itself (not /api/metrics)
NO_STORE_HEADERS = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]

_AS_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def escape_controls(text: str) -> str:
    """`text` with each control character shown as \\uXXXX (safe to echo back)."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_nesting_exceeds(body: bytes, max_depth: int) -> bool:
    """Whether a JSON text nests deeper than `max_depth`, without parsing it.

    Strings are dropped (brackets and escaped quotes inside them do not count), each
    remaining bracket becomes a +1/-1 step and the deepest running total is the
    nesting depth: linear, iterative and all in C (a few ms for 64 KiB of brackets).
    """
    # escapes pair up from the left, so after dropping `\\` every `\"` is an escaped quote
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(unescaped.split(b'"')[::2])
    steps = outside_strings.translate(_AS_STEPS, _NOT_BRACKETS)
    return max(accumulate(array("b", steps)), default=0) > max_depth


class EdgeGuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_json_depth: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raised = recursion_limit_was_raised()
        if raised is not None:
            log.warning("recursion_limit_restored", raised_to=raised)

        problem = _control_character(scope)
        if problem is not None:
            await _send_error(
                send,
                422,
                f"Request validation failed — {problem['field']}: {problem['message']}",
                "VALIDATION_ERROR",
                validation_details([problem]),
            )
            return

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(send)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # stop reading: the rest is never buffered
                await self._too_large(send)
                return
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and json_nesting_exceeds(body, self.max_json_depth):
            await self._too_deep(send)
            return

        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as usual

        if is_no_store_path(scope["path"]):
            await self.app(scope, replay, _no_store(send))
        else:
            await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        limit = self.max_body_bytes
        await _send_error(
            send,
            413,
            f"The request body is larger than {limit} bytes.",
            "PAYLOAD_TOO_LARGE",
            {"limit": limit},
        )

    async def _too_deep(self, send: Send) -> None:
        limit = self.max_json_depth
        message = f"JSON nested deeper than {limit} levels"
        await _send_error(
            send,
            422,
            f"Request validation failed — body: {message}",
            "VALIDATION_ERROR",
            validation_details(
                [
                    {
                        "field": "body",
                        "in": "body",
                        "message": message,
                        "type": "json_too_deep",
                        "limit": limit,
                    }
                ]
            ),
        )


def is_no_store_path(path: str) -> bool:
    return path == "/api/me" or path.startswith(NO_STORE_PREFIXES)


def _no_store(send: Send) -> Send:
    async def send_no_store(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [(n, v) for n, v in NO_STORE_HEADERS if n not in present]
            message["headers"] = headers
        await send(message)

    return send_no_store


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it anyway; the body is counted
    return None


def _control_character(scope: Scope) -> dict[str, Any] | None:
    message = "must not contain control characters"
    path: str = scope.get("path", "")
    if CONTROL_CHARACTERS.search(path):
        return {"field": "path", "in": "path", "message": message, "type": "control_character"}
    query: bytes = scope.get("query_string", b"")
    if query:  # decoded as Starlette decodes it for the route
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
                return {
                    "field": escape_controls(name),
                    "in": "query",
                    "message": message,
                    "type": "control_character",
                }
    return None


async def _send_error(
    send: Send, status: int, message: str, code: str, details: dict[str, Any]
) -> None:
    body = error_body(message, code, details)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
