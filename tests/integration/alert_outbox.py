"""Test helpers: outbox rows as evaluation writes them (user, alert, history, notification),
and a Resend API replayed in its wire format (idempotency keys honoured like Resend)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.alerts.model import AlertChannel, AlertNotice, AlertType, NoticeKind
from domain.alerts.payload import to_payload
from domain.models import Chain
from infrastructure.db.models import (
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    UserRow,
    UserWebhookRow,
)

T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DUE = datetime(2020, 1, 1, tzinfo=UTC)


def notice(alert_id: uuid.UUID, user_id: uuid.UUID, **overrides: Any) -> AlertNotice:
    values: dict[str, Any] = {
        "alert_id": alert_id,
        "user_id": user_id,
        "type": AlertType.VRS_DROP,
        "kind": NoticeKind.FIRED,
        "chain": Chain.ATOM,
        "validator": "cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0",
        "validator_name": "Demo Validator 7",
        "condition": "vrs_drop",
        "message": "score fell 12 points to 61: commission 5 % → 8 % on 2026-12-01",
        "occurred_at": T0,
        "before": {"total": 73},
        "after": {"total": 61},
        "factors": {"commission": ["5", "8"], "uptime": ["99.2", "97.0"]},
    }
    values.update(overrides)
    return AlertNotice(**values)


@dataclass
class Seeded:
    user_id: uuid.UUID
    alert_id: uuid.UUID
    email: str | None
    keys: list[str] = field(default_factory=list)


async def clear_outbox(factory: async_sessionmaker[AsyncSession]) -> None:
    """The PostgreSQL test database is shared across runs: start from an empty outbox."""
    async with factory() as session:
        await session.execute(delete(AlertNotificationRow))
        await session.commit()


async def seed(
    factory: async_sessionmaker[AsyncSession],
    count: int,
    *,
    channels: tuple[AlertChannel, ...] = (AlertChannel.EMAIL,),
    verified_email: bool = True,
    webhook: tuple[str, str, bool] | None = None,  # url, secret, verified
    **notice_overrides: Any,
) -> Seeded:
    """One user and alert with `count` firings, each with a pending row per channel."""
    async with factory() as session:
        email = f"staker-{uuid.uuid4().hex[:12]}@example.org"
        user = UserRow(email=email, email_verified_at=T0 if verified_email else None)
        session.add(user)
        await session.flush()
        alert = AlertRow(
            user_id=user.id,
            type="vrs_drop",
            chain="atom",
            validator=None,
            threshold=Decimal(10),
            notify_resolved=True,
            channels=[c.value for c in channels],
            active=True,
        )
        session.add(alert)
        if webhook is not None:
            url, secret, verified = webhook
            session.add(
                UserWebhookRow(
                    user_id=user.id, url=url, secret=secret, verified_at=T0 if verified else None
                )
            )
        await session.flush()
        seeded = Seeded(user.id, alert.id, email)
        the_notice = notice(alert.id, user.id, **notice_overrides)
        for n in range(count):
            history = AlertHistoryRow(
                alert_id=alert.id,
                user_id=user.id,
                type="vrs_drop",
                chain="atom",
                validator=f"cosmosvaloper1demo{n}",
                condition="vrs_drop",
                kind="fired",
                message=the_notice.message,
                details={},
                fired_at=T0,
            )
            session.add(history)
            await session.flush()
            for channel in channels:
                key = f"{history.id}:{channel.value}"
                session.add(
                    AlertNotificationRow(
                        history_id=history.id,
                        user_id=user.id,
                        channel=channel.value,
                        status="pending",
                        # due for the test clock (T0) and for the wall clock of job runs
                        next_attempt_at=DUE,
                        idempotency_key=key,
                        payload=to_payload(the_notice),
                        created_at=T0,
                    )
                )
                seeded.keys.append(key)
        await session.commit()
    return seeded


async def outbox_rows(
    factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID
) -> list[AlertNotificationRow]:
    async with factory() as session:
        return list(
            await session.scalars(
                select(AlertNotificationRow).where(AlertNotificationRow.user_id == user_id)
            )
        )


class FakeResend:
    """Resend's POST /emails as the SDK sees it: `{"id": …}`, the same id for a repeated
    Idempotency-Key (the mail goes out once), and on chosen request numbers the error
    body Resend answers with."""

    def __init__(self, fail_on: dict[int, int] | None = None) -> None:
        self.fail_on = fail_on or {}  # request number (1-based) -> HTTP status
        self.requests = 0
        self.delivered: Counter[str] = Counter()  # idempotency key -> mails sent
        self.bodies: dict[str, dict[str, Any]] = {}
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        import time

        self.requests += 1
        status = self.fail_on.get(self.requests)
        if status is not None:
            name = "rate_limit_exceeded" if status == 429 else "internal_server_error"
            if 400 <= status < 500 and status != 429:
                name = "validation_error"
            return httpx.Response(
                status,
                json={"statusCode": status, "name": name, "message": "Replayed failure."},
            )
        key = request.headers["Idempotency-Key"]
        if key not in self.delivered:
            self.delivered[key] += 1
            self.bodies[key] = json.loads(request.content)
            self.times.append(time.monotonic())
        return httpx.Response(200, json={"id": str(uuid.uuid5(uuid.NAMESPACE_URL, key))})


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A real HTTP server on 127.0.0.1 (asyncio streams): records each POST and answers
    `status` (or the next of `statuses`), optionally with a Location header."""

    def __init__(self, status: int = 200, statuses: list[int] | None = None) -> None:
        self.status = status
        self.statuses = list(statuses or [])
        self.received: list[Received] = []
        self.location: str | None = None
        self._server: Any = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/staketrack?x=1"

    async def __aenter__(self) -> Receiver:
        import asyncio

        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: Any) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: Any, writer: Any) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        _, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.received.append(Received(path, headers, body))
        status = self.statuses.pop(0) if self.statuses else self.status
        extra = f"Location: {self.location}\r\n" if self.location else ""
        reply = f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n{extra}Connection: close\r\n"
        writer.write(f"{reply}\r\nok".encode())
        await writer.drain()
        writer.close()
