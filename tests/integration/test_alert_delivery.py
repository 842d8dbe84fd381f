"""The outbox drain on SQLite and PostgreSQL: every notification sent exactly once, also
when a batch fails halfway or the drain dies mid-batch; retries with backoff; permanent
failures recorded; webhooks signed to a real local receiver."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
import resend
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.alerts.delivery import MAX_ATTEMPTS
from domain.alerts.model import AlertChannel, NoticeKind
from domain.email import EmailMessage
from infrastructure.db.engine import create_engine, create_session_factory
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.outbox import OutboxEmailSender
from infrastructure.email.resend_sender import ResendEmailSender
from infrastructure.webhooks.sender import WebhookSender
from infrastructure.webhooks.signing import verify
from services import alert_delivery
from tests.conftest import TEST_SECRET
from tests.integration.alert_outbox import (
    Clock,
    FakeResend,
    Receiver,
    clear_outbox,
    outbox_rows,
    seed,
)

ORIGIN = "https://app.staketrack.test"


@pytest.fixture(autouse=True)
def _isolate_sdk_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resend, "api_key", None)
    monkeypatch.setattr(resend, "default_async_http_client", resend.default_async_http_client)


@pytest.fixture
async def factory(
    database_url: str, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if database_url.startswith("sqlite"):  # a fresh copy of the migrated file per test
        path = tmp_path / "delivery.db"
        shutil.copyfile(database_url.removeprefix("sqlite+aiosqlite:///"), path)
        database_url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    await clear_outbox(sessions)
    yield sessions
    await engine.dispose()


def uows(factory: async_sessionmaker[AsyncSession]) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(factory)


@pytest.fixture
async def resend_client() -> AsyncIterator[Callable[[FakeResend], ResendEmailSender]]:
    clients: list[httpx.AsyncClient] = []

    def build(fake: FakeResend) -> ResendEmailSender:
        client = httpx.AsyncClient(transport=httpx.MockTransport(fake))
        clients.append(client)
        return ResendEmailSender("re_test_NotARealKey", "StakeTrack <a@st.test>", client=client)

    yield build
    for client in clients:
        await client.aclose()


class NoWebhooks:
    async def post(self, *args: Any) -> int:
        raise AssertionError("no webhook expected")


def config(**overrides: Any) -> alert_delivery.DeliveryConfig:
    return alert_delivery.config_for(ORIGIN, TEST_SECRET, **overrides)


async def test_a_mass_trigger_failing_on_the_50th_mail_sends_each_exactly_once(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    seeded = await seed(factory, 110)
    fake = FakeResend(fail_on={50: 503})
    clock = Clock()

    first = await alert_delivery.deliver_due(
        uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
    )

    assert first.as_dict() == {"claimed": 110, "sent": 109, "retried": 1, "failed": 0, "busy": 0}
    rows = await outbox_rows(factory, seeded.user_id)
    [waiting] = [row for row in rows if row.status == "pending"]
    assert waiting.last_error == "EMAIL_503" and waiting.attempts == 1
    # a re-run before the backoff is over sends nothing (and nothing twice)
    again = await alert_delivery.deliver_due(
        uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
    )
    assert again.claimed == 0

    clock.advance(timedelta(seconds=31))
    retry = await alert_delivery.deliver_due(
        uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
    )

    assert retry.as_dict() == {"claimed": 1, "sent": 1, "retried": 0, "failed": 0, "busy": 0}
    assert fake.delivered == {key: 1 for key in seeded.keys}  # each key once, none twice
    assert fake.requests == 111  # 110 sends + the one retry: none re-sent
    rows = await outbox_rows(factory, seeded.user_id)
    assert {row.status for row in rows} == {"sent"}
    assert all(row.sent_at is not None for row in rows)


class Crash(BaseException):
    """The worker process dying (not an error the drain may catch)."""


async def test_a_drain_dying_mid_batch_resumes_without_resending(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    seeded = await seed(factory, 110)
    outbox = OutboxEmailSender(tmp_path / "outbox")
    sent: list[str] = []

    class DiesOnThe50th:
        async def send(self, message: EmailMessage) -> str:
            if len(sent) == 49:
                sent.append("crash")
                raise Crash
            assert message.idempotency_key is not None
            sent.append(message.idempotency_key)
            return await outbox.send(message)

    clock = Clock()
    with pytest.raises(Crash):
        await alert_delivery.deliver_due(
            uows(factory), DiesOnThe50th(), NoWebhooks(), config(), clock=clock
        )
    rows = await outbox_rows(factory, seeded.user_id)
    assert sum(row.status == "sent" for row in rows) == 49

    # within the lease the rows of the dead batch (the first 100) are not taken again,
    # the 10 it never claimed are; after the lease the 51 left of the batch are
    restarted = await alert_delivery.deliver_due(
        uows(factory), outbox, NoWebhooks(), config(), clock=clock
    )
    assert (restarted.claimed, restarted.sent) == (10, 10)
    clock.advance(alert_delivery.LEASE + timedelta(seconds=1))
    resumed = await alert_delivery.deliver_due(
        uows(factory), outbox, NoWebhooks(), config(), clock=clock
    )

    assert (resumed.claimed, resumed.sent) == (51, 51)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 110  # one file per notification: none written twice
    rows = await outbox_rows(factory, seeded.user_id)
    assert {row.status for row in rows} == {"sent"}
    assert sorted(row.idempotency_key for row in rows) == sorted(seeded.keys)


async def test_mails_are_paced_at_ten_a_second(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    await seed(factory, 25)
    fake = FakeResend()
    started = time.monotonic()
    run = await alert_delivery.deliver_due(
        uows(factory), resend_client(fake), NoWebhooks(), config(), clock=Clock()
    )
    assert run.sent == 25
    # evenly spaced, 0.1 s apart: the 25th mail cannot leave before 2.4 s, and no
    # one-second window holds more than 10
    assert fake.times[-1] - started >= 2.3
    for first in fake.times:
        assert len([t for t in fake.times if first <= t < first + 1.0]) <= 10


async def test_permanent_failures_are_recorded_never_retried(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    rejected = await seed(factory, 1)
    unverified = await seed(factory, 1, verified_email=False)
    no_webhook = await seed(factory, 1, channels=(AlertChannel.WEBHOOK,))
    fake = FakeResend(fail_on={1: 422})
    clock = Clock()

    run = await alert_delivery.deliver_due(
        uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
    )

    assert run.failed == 3 and run.sent == 0
    assert [r.last_error for r in await outbox_rows(factory, rejected.user_id)] == ["EMAIL_422"]
    assert [r.last_error for r in await outbox_rows(factory, unverified.user_id)] == [
        "NO_VERIFIED_EMAIL"
    ]
    assert [r.last_error for r in await outbox_rows(factory, no_webhook.user_id)] == ["NO_WEBHOOK"]
    clock.advance(timedelta(days=1))
    assert (
        await alert_delivery.deliver_due(
            uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
        )
    ).claimed == 0
    assert fake.requests == 1


async def test_retryable_failures_back_off_and_give_up_after_max_attempts(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    seeded = await seed(factory, 1)
    fake = FakeResend(fail_on={n: 429 for n in range(1, 20)})
    clock = Clock()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        run = await alert_delivery.deliver_due(
            uows(factory), resend_client(fake), NoWebhooks(), config(), clock=clock
        )
        assert run.claimed == 1
        [row] = await outbox_rows(factory, seeded.user_id)
        waits.append(row.next_attempt_at - clock.now)
        clock.advance(timedelta(hours=3))

    [row] = await outbox_rows(factory, seeded.user_id)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.last_error == "EMAIL_429:MAX_ATTEMPTS"
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10)]
    assert fake.requests == MAX_ATTEMPTS


async def test_the_email_carries_both_parts_and_the_one_click_unsubscribe(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    seeded = await seed(factory, 1)
    outbox = OutboxEmailSender(tmp_path / "outbox")
    await alert_delivery.deliver_due(uows(factory), outbox, NoWebhooks(), config(), clock=Clock())

    [path] = (tmp_path / "outbox").glob("*.eml")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == seeded.email
    assert mail["Subject"] == "[StakeTrack] VRS score changed: Demo Validator 7 on Cosmos Hub"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(mail["List-Unsubscribe"])
    assert unsubscribe.startswith(f"<{ORIGIN}/api/alerts/unsubscribe?token=")
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "VRS score: 73 → 61" in text and "Commission: 5 % → 8 %" in text
    assert "Keine Finanzberatung / Not financial advice." in text
    assert f"{ORIGIN}/validators/atom%3Acosmosvaloper1" in page
    assert unsubscribe.strip("<>").replace("&", "&amp;") in page


async def test_an_unsubscribed_alert_gets_no_more_mail(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    seeded = await seed(factory, 2)
    async with SqlUnitOfWork(factory) as uow:
        token = config().unsubscribe.issue(seeded.alert_id, seeded.user_id, Clock()())
        await alert_delivery.unsubscribe(uow, config().unsubscribe, token, Clock()())
        await uow.commit()
    outbox = OutboxEmailSender(tmp_path / "outbox")
    run = await alert_delivery.deliver_due(
        uows(factory), outbox, NoWebhooks(), config(), clock=Clock()
    )
    assert run.failed == 2 and not (tmp_path / "outbox").exists()
    assert {r.last_error for r in await outbox_rows(factory, seeded.user_id)} == {"ALERT_INACTIVE"}


async def test_webhooks_are_signed_and_retried_to_a_real_receiver(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with Receiver(statuses=[500]) as receiver:
        secret = "whsec_test_0123456789"
        seeded = await seed(
            factory,
            3,
            channels=(AlertChannel.WEBHOOK,),
            webhook=(receiver.url, secret, True),
            kind=NoticeKind.RESOLVED,
        )
        clock = Clock()
        async with WebhookSender(allow_http=True, allow_networks=["127.0.0.1/32"]) as sender:
            first = await alert_delivery.deliver_due(
                uows(factory), NoMail(), sender, config(), clock=clock
            )
            clock.advance(timedelta(seconds=31))
            second = await alert_delivery.deliver_due(
                uows(factory), NoMail(), sender, config(), clock=clock
            )

    assert (first.sent, first.retried, second.sent) == (2, 1, 1)
    assert len(receiver.received) == 4
    delivered = {r.headers["x-staketrack-delivery"] for r in receiver.received}
    assert delivered == set(seeded.keys)
    for request in receiver.received:
        assert request.path == "/hooks/staketrack?x=1"
        assert request.headers["x-staketrack-event"] == "alert.resolved"
        assert verify(
            secret,
            request.headers["x-staketrack-timestamp"],
            "alert.resolved",
            request.body,
            request.headers["x-staketrack-signature"],
            time.time(),
        )
    assert {r.status for r in await outbox_rows(factory, seeded.user_id)} == {"sent"}


async def test_an_unverified_webhook_gets_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with Receiver() as receiver:
        seeded = await seed(
            factory, 1, channels=(AlertChannel.WEBHOOK,), webhook=(receiver.url, "s", False)
        )
        async with WebhookSender(allow_http=True, allow_networks=["127.0.0.1/32"]) as sender:
            await alert_delivery.deliver_due(
                uows(factory), NoMail(), sender, config(), clock=Clock()
            )
    assert receiver.received == []
    assert [r.last_error for r in await outbox_rows(factory, seeded.user_id)] == [
        "WEBHOOK_NOT_VERIFIED"
    ]


class NoMail:
    async def send(self, message: EmailMessage) -> str:
        raise AssertionError("no email expected")


async def test_two_drains_at_once_send_each_notification_once(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    seeded = await seed(factory, 30)
    fake = FakeResend()
    clock = Clock()
    runs = await asyncio.gather(
        *(
            alert_delivery.deliver_due(
                uows(factory), resend_client(fake), NoWebhooks(), config(batch_size=10), clock=clock
            )
            for _ in range(2)
        )
    )
    assert sum(run.sent for run in runs) == 30
    assert fake.requests == 30 and fake.delivered == {key: 1 for key in seeded.keys}


async def test_the_job_is_registered_and_drains_into_the_development_outbox(
    factory: async_sessionmaker[AsyncSession], database_url: str, make_settings: Any, tmp_path: Path
) -> None:
    from infrastructure.resources import open_resources
    from workers.context import JobDeps
    from workers.jobs import JOBS
    from workers.schedule import SCHEDULE

    [entry] = [e for e in SCHEDULE if e.job == "deliver_alerts"]
    assert entry.minute is None and entry.hour is None  # every minute
    seeded = await seed(factory, 3)
    url = factory.kw["bind"].url.render_as_string(hide_password=False)  # the test's copy
    resources = open_resources(make_settings(database_url=url))
    try:
        result = await JOBS["deliver_alerts"](JobDeps.from_resources(resources))
    finally:
        await resources.close()
    assert result["sent"] == 3
    assert len(list((resources.settings.data_dir / "outbox").glob("*.eml"))) == 3
    assert {r.status for r in await outbox_rows(factory, seeded.user_id)} == {"sent"}


async def test_with_the_shared_lock_one_drain_runs_and_the_other_steps_aside(
    factory: async_sessionmaker[AsyncSession], resend_client: Any
) -> None:
    from infrastructure.keystore.memory import MemoryKeyStore

    seeded = await seed(factory, 12)
    fake = FakeResend()
    lock = MemoryKeyStore()
    runs = await asyncio.gather(
        *(
            alert_delivery.deliver_due(
                uows(factory), resend_client(fake), NoWebhooks(), config(), clock=Clock(), lock=lock
            )
            for _ in range(2)
        )
    )
    assert sorted((run.busy, run.sent) for run in runs) == [(False, 12), (True, 0)]
    assert fake.delivered == {key: 1 for key in seeded.keys}
    assert await lock.get(alert_delivery.DRAIN_LOCK) is None  # released


async def test_a_kick_after_evaluation_runs_the_drain_on_the_job_queue(
    factory: async_sessionmaker[AsyncSession], make_settings: Any
) -> None:
    from domain.ports import JobStatus
    from infrastructure.resources import open_resources
    from services import job_ids
    from workers.context import JobDeps
    from workers.inprocess import InProcessJobQueue
    from workers.jobs import JOBS

    seeded = await seed(factory, 2)
    url = factory.kw["bind"].url.render_as_string(hide_password=False)
    resources = open_resources(make_settings(database_url=url))
    queue = InProcessJobQueue(JobDeps.from_resources(resources), JOBS)
    try:
        now = Clock()()
        assert await alert_delivery.request_delivery(queue, now)
        assert not await alert_delivery.request_delivery(queue, now)  # same second: once
        job_id = job_ids.delivery_kick(now)
        for _ in range(600):  # generous guard: wait for the job, not for a deadline
            info = await queue.info(job_id)
            if info.status is JobStatus.COMPLETE:
                break
            await asyncio.sleep(0.05)
        assert info.status is JobStatus.COMPLETE
    finally:
        await queue.close()
        await resources.close()
    assert {r.status for r in await outbox_rows(factory, seeded.user_id)} == {"sent"}
