"""Alert delivery: how long a mass trigger takes to leave the outbox (issue 15: > 100
alerts delivered within 5 min).

    uv run python bench/alert_delivery.py [--alerts 150] [--webhooks 30] \
        [--database-url postgresql://postgres@127.0.0.1/st_scratch]

Migrates the database, writes `--alerts` pending email notifications (each for its own
user with a verified email, as evaluation writes them) plus `--webhooks` webhook ones,
then runs the drain (`services.alert_delivery.deliver_due`, the `deliver_alerts` job's
code) until the outbox is empty. Email goes through the production adapter
(ResendEmailSender, the real SDK) to Resend's API replayed in its wire format with
`--latency` ms per call, paced at 10 mails/s; webhooks through the SSRF-safe sender to
a real receiver on 127.0.0.1 (allowed for the run). Prints the wall time (the target
is < 300 s: at 10 mails/s the floor is alerts / 10 s), the rate, and the outcome counts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import delete

from domain.alerts.model import AlertChannel, AlertNotice, AlertType, NoticeKind
from domain.alerts.payload import to_payload
from domain.models import Chain
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.migrate import upgrade
from infrastructure.db.models import (
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    UserRow,
    UserWebhookRow,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.resend_sender import ResendEmailSender
from infrastructure.settings import load_settings
from infrastructure.webhooks.sender import WebhookSender
from services import alert_delivery

TARGET_SECONDS = 300
SECRET = "bench-secret-key-0123456789abcdefghijklmnop"


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def seed(factory: Any, alerts: int, webhooks: int, webhook_url: str) -> None:
    now = datetime.now(UTC)
    async with factory() as session:
        await session.execute(delete(AlertNotificationRow))
        for n in range(alerts + webhooks):
            channel = AlertChannel.EMAIL if n < alerts else AlertChannel.WEBHOOK
            user = UserRow(email=f"bench-{uuid.uuid4().hex}@example.org", email_verified_at=now)
            session.add(user)
            await session.flush()
            alert = AlertRow(
                user_id=user.id,
                type="commission_increase",
                chain="sol",
                threshold=Decimal(0),
                channels=[channel.value],
                active=True,
            )
            session.add(alert)
            if channel is AlertChannel.WEBHOOK:
                session.add(
                    UserWebhookRow(user_id=user.id, url=webhook_url, secret="s", verified_at=now)
                )
            await session.flush()
            notice = AlertNotice(
                alert_id=alert.id,
                user_id=user.id,
                type=AlertType.COMMISSION_INCREASE,
                kind=NoticeKind.FIRED,
                chain=Chain.SOL,
                validator="7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2",
                validator_name="Bench Validator",
                condition="commission_increase",
                message="commission 5 % → 8 %",
                occurred_at=now,
                before={"commission": "5"},
                after={"commission": "8"},
            )
            history = AlertHistoryRow(
                alert_id=alert.id,
                user_id=user.id,
                type=notice.type.value,
                chain="sol",
                validator=notice.validator,
                condition=notice.condition,
                kind="fired",
                message=notice.message,
                details={},
                fired_at=now,
            )
            session.add(history)
            await session.flush()
            session.add(
                AlertNotificationRow(
                    history_id=history.id,
                    user_id=user.id,
                    channel=channel.value,
                    idempotency_key=f"{history.id}:{channel.value}",
                    payload=to_payload(notice),
                    next_attempt_at=now,
                )
            )
        await session.commit()


async def receiver() -> tuple[Any, int]:
    async def handle(reader: Any, writer: Any) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def main(args: argparse.Namespace) -> int:
    url = load_settings(database_url=args.database_url, secret_key=SECRET).effective_database_url
    await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    engine = create_engine(url)
    factory = create_session_factory(engine)
    server, port = await receiver()
    await seed(factory, args.alerts, args.webhooks, f"http://127.0.0.1:{port}/hook")
    report(f"database           {args.database_url.rsplit('/', 1)[-1]}")
    report(f"outbox             {args.alerts} email + {args.webhooks} webhook notifications")

    sent_keys: set[str] = set()

    async def resend_api(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(args.latency / 1000)
        sent_keys.add(request.headers["Idempotency-Key"])
        return httpx.Response(200, json={"id": str(uuid.uuid4())})

    client = httpx.AsyncClient(transport=httpx.MockTransport(resend_api))
    email = ResendEmailSender("re_bench_NotARealKey", "StakeTrack <a@bench.test>", client=client)
    config = alert_delivery.config_for("https://app.staketrack.io", SECRET)
    started = time.perf_counter()
    totals = {"claimed": 0, "sent": 0, "retried": 0, "failed": 0, "busy": 0}
    async with WebhookSender(allow_http=True, allow_networks=["127.0.0.1/32"]) as hooks:
        while True:
            run = await alert_delivery.deliver_due(
                lambda: SqlUnitOfWork(factory),
                email,
                hooks,
                config,
                clock=lambda: datetime.now(UTC),
            )
            for key, value in run.as_dict().items():
                totals[key] += value
            if run.claimed == 0:
                break
    wall = time.perf_counter() - started
    await client.aclose()
    server.close()
    await engine.dispose()
    total = args.alerts + args.webhooks
    report(f"delivered          {totals['sent']} of {total} ({totals})")
    report(f"distinct mail keys {len(sent_keys)}")
    report(
        f"wall time          {wall:.1f} s  (target < {TARGET_SECONDS} s; 10 mails/s floor "
        f"{args.alerts / 10:.1f} s)"
    )
    report(f"rate               {totals['sent'] / wall:.1f} notifications/s")
    ok = totals["sent"] == total and len(sent_keys) == args.alerts and wall < TARGET_SECONDS
    report("result             " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=150)
    parser.add_argument("--webhooks", type=int, default=30)
    parser.add_argument("--latency", type=float, default=80.0, help="ms per Resend call")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/wt_delivery")
    sys.exit(asyncio.run(main(parser.parse_args())))
