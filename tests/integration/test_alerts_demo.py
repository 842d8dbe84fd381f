"""On the demo network: alerts on a demo validator fire when the demo world raises its
commission and when it jails it (incidents scheduled on the world, the hourly pipeline
driven forward hour by hour), the outbox gets one pending row per channel in the same
transaction as the history, the resolved notices follow when the incident ends, and a
re-run of an hour adds nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from domain.models import Chain, Tier
from infrastructure.chains.demo import incidents
from infrastructure.chains.demo.cosmos_world import CosmosWorld
from infrastructure.chains.demo.incidents import Incident
from infrastructure.chains.demo.wallets import demo_addresses
from infrastructure.db.models import UserRow
from infrastructure.db.models.alerts import (
    AlertHistoryRow,
    AlertNotificationRow,
    AlertRow,
    UserWebhookRow,
)
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.outbox import OutboxEmailSender
from infrastructure.resources import Resources
from infrastructure.webhooks.sender import WebhookSender
from infrastructure.webhooks.signing import verify
from services import alert_delivery, alerts
from tests.conftest import TEST_SECRET
from tests.integration.alert_outbox import Receiver, clear_outbox
from workers.context import JobDeps
from workers.jobs.pipeline import run_pipeline

H = timedelta(hours=1)
ORIGIN = "https://app.staketrack.test"
WHALE_VALIDATOR = 2  # the whale's largest delegation (cosmos_world.delegations)


def quiet_hours(world: CosmosWorld, operator: str, latest: datetime) -> datetime:
    """An hour from which the validator is neither jailed nor changes its commission by
    itself for 5 hours (so every change the test sees is the incident's)."""
    start = latest
    while True:
        states = [world.at(start + n * H).by_operator[operator] for n in range(-25, 5)]
        if not any(s.jailed for s in states) and len({s.commission for s in states}) == 1:
            return start
        start -= timedelta(days=1)


async def whale_user(resources: Resources) -> uuid.UUID:
    async with SqlUnitOfWork(resources.session_factory) as uow:
        owner = await uow.wallets.owner_of(Chain.ATOM, demo_addresses(Chain.ATOM)["whale"])
        assert owner is not None
        user_id = owner.user_id
        await uow.users.set_tier(user_id, Tier.PRO, datetime.now(UTC))
        await uow.commit()
    async with resources.session_factory() as session, session.begin():
        # the shared test database keeps earlier runs' alerts: start from none
        await session.execute(delete(AlertRow).where(AlertRow.user_id == user_id))
        await session.execute(delete(UserWebhookRow).where(UserWebhookRow.user_id == user_id))
        await session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(
                email=f"whale-{uuid.uuid4().hex[:8]}@example.com",
                email_verified_at=datetime.now(UTC),
            )
        )
        session.add(
            UserWebhookRow(
                user_id=user_id,
                url="https://hooks.example.com/staketrack",
                secret="w" * 32,
                verified_at=datetime.now(UTC),
            )
        )
    return user_id


async def create_alerts(resources: Resources, operator: str) -> tuple[Any, Any, uuid.UUID]:
    user_id = await whale_user(resources)
    async with SqlUnitOfWork(resources.session_factory) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        new = alerts.NewAlert(
            type="commission_increase",
            validator_id=f"atom:{operator}",
            chain=None,
            threshold=None,
            notify_resolved=True,
            channels=["email", "webhook"],
        )
        commission = (await alerts.create_alert(uow, user, new, "u")).rule
        jailed_new = alerts.NewAlert(
            type="jailed_or_delinquent",
            validator_id=None,
            chain=Chain.ATOM,  # every validator of my ATOM positions
            threshold=None,
            notify_resolved=True,
            channels=["webhook"],
        )
        jail = (await alerts.create_alert(uow, user, jailed_new, "u")).rule
        await uow.commit()
    assert commission.active and jail.active
    return commission, jail, user_id


async def outbox(resources: Resources, alert_id: uuid.UUID) -> list[AlertNotificationRow]:
    async with resources.session_factory() as session:
        rows = await session.scalars(
            select(AlertNotificationRow)
            .join(AlertHistoryRow, AlertHistoryRow.id == AlertNotificationRow.history_id)
            .where(AlertHistoryRow.alert_id == alert_id)
            .order_by(AlertHistoryRow.fired_at, AlertNotificationRow.channel)
        )
        return list(rows)


def summary(rows: list[AlertNotificationRow]) -> list[tuple[str, str, str, str]]:
    return [(r.payload["kind"], r.payload["condition"], r.channel, r.status) for r in rows]


async def test_commission_raise_and_jailing_fire_and_resolve(resources: Resources) -> None:
    world = CosmosWorld(resources.settings.demo_seed)
    operator = world.by_index[WHALE_VALIDATOR].operator
    latest = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=40)
    start = quiet_hours(world, operator, latest)
    usual = world.at(start).by_operator[operator].commission
    raised = usual + Decimal("0.03")
    clock = resources.chains().clock
    deps = JobDeps.from_resources(resources)
    runs: list[dict[str, Any]] = []
    plan = (
        Incident(Chain.ATOM, operator, start + H, start + 3 * H, commission=raised),
        Incident(Chain.ATOM, operator, start + 2 * H, start + 3 * H, jailed=True),
    )
    try:
        with incidents.scheduled(*plan):
            for n in range(4):  # baseline; raised; raised and jailed; back to normal
                clock.fixed = start + n * H + timedelta(minutes=10)
                runs.append((await run_pipeline(deps, "atom"))["alerts"])
                if n == 0:  # the validators are known now: the user sets up the alerts
                    commission, jail, user_id = await create_alerts(resources, operator)
                if n == 1:
                    after_raise = summary(await outbox(resources, commission.id))
            again = await run_pipeline(deps, "atom")  # the same hour once more
    finally:
        clock.fixed = None

    assert after_raise == [
        ("fired", "commission_raised", "email", "pending"),
        ("fired", "commission_raised", "webhook", "pending"),
    ]
    rows = await outbox(resources, commission.id)
    assert summary(rows) == [
        ("fired", "commission_raised", "email", "pending"),
        ("fired", "commission_raised", "webhook", "pending"),
        ("resolved", "commission_raised", "email", "pending"),
        ("resolved", "commission_raised", "webhook", "pending"),
    ]
    fired = rows[0].payload
    day = (start + H).date().isoformat()
    pct = lambda d: f"{(d * 100).normalize():f} %"  # noqa: E731
    assert fired["message"] == f"commission raised {pct(usual)} → {pct(raised)} on {day}"
    assert fired["validatorId"] == f"atom:{operator}"
    assert fired["validatorName"] == world.by_index[WHALE_VALIDATOR].moniker
    assert rows[0].idempotency_key == f"{rows[0].history_id}:email"
    assert rows[0].user_id == user_id
    assert rows[2].payload["message"] == f"resolved: commission is {pct(usual)} again"

    jail_rows = [r for r in await outbox(resources, jail.id) if r.payload["validator"] == operator]
    assert summary(jail_rows) == [
        ("fired", "jailed", "webhook", "pending"),
        ("resolved", "jailed", "webhook", "pending"),
    ]
    assert jail_rows[0].payload["occurredAt"].startswith((start + 2 * H).isoformat()[:13])
    # the runs report what they queued (the delivery's cue); a re-run adds nothing
    assert runs[1]["queued"] >= 2 and again["alerts"]["queued"] == 0
    assert len(await outbox(resources, commission.id)) == 4


async def test_the_commission_alert_reaches_the_inbox_and_the_webhook_then_resolves(
    resources: Resources, tmp_path: Path
) -> None:
    """The whole epic on the demo network: the world raises a validator's commission, the
    hourly pipeline fires the alert, the drain delivers it (an email with both parts and
    the one-click unsubscribe in the development outbox; a signed POST to a real local
    receiver), and the resolution follows both ways when the commission is back."""
    world = CosmosWorld(resources.settings.demo_seed)
    operator = world.by_index[WHALE_VALIDATOR].operator
    # other days than the test above: the shared PostgreSQL database keeps the
    # observations each run stored, and an hour is ingested once
    latest = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=47)
    start = quiet_hours(world, operator, latest)
    raised = world.at(start).by_operator[operator].commission + Decimal("0.03")
    clock = resources.chains().clock
    deps = JobDeps.from_resources(resources)
    await clear_outbox(resources.session_factory)  # the shared database's earlier rows
    secret = "whsec_e2e_0123456789abcdef"
    uows = lambda: SqlUnitOfWork(resources.session_factory)  # noqa: E731
    config = alert_delivery.config_for(ORIGIN, TEST_SECRET)
    mails = OutboxEmailSender(tmp_path / "outbox")
    async with (
        Receiver() as receiver,
        WebhookSender(allow_http=True, allow_networks=["127.0.0.1/32"]) as webhooks,
    ):
        try:
            plan = Incident(Chain.ATOM, operator, start + H, start + 2 * H, commission=raised)
            with incidents.scheduled(plan):
                for n in range(3):  # baseline; raised; back to normal
                    clock.fixed = start + n * H + timedelta(minutes=10)
                    await run_pipeline(deps, "atom")
                    if n == 0:
                        commission, _, user_id = await create_alerts(resources, operator)
                        async with resources.session_factory() as session, session.begin():
                            await session.execute(
                                update(UserWebhookRow)
                                .where(UserWebhookRow.user_id == user_id)
                                .values(url=receiver.url, secret=secret)
                            )
                    else:
                        await alert_delivery.deliver_due(
                            uows, mails, webhooks, config, clock=lambda: datetime.now(UTC)
                        )
        finally:
            clock.fixed = None

    async with resources.session_factory() as session:
        email = await session.scalar(select(UserRow.email).where(UserRow.id == user_id))
    sent = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "outbox").glob("*.eml"))
    ]
    inbox = [m for m in sent if m["To"] == email]
    assert [("Resolved" in str(m["Subject"])) for m in inbox] == [False, True]
    for mail in inbox:
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(mail["List-Unsubscribe"]).startswith(f"<{ORIGIN}/api/alerts/unsubscribe?")
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Not financial advice" in text and "Not financial advice" in html
    assert "Commission" in inbox[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]

    hooks = [
        r for r in receiver.received if json.loads(r.body).get("alertId") == str(commission.id)
    ]
    assert [r.headers["x-staketrack-event"] for r in hooks] == ["alert.fired", "alert.resolved"]
    for request in hooks:
        assert verify(
            secret,
            request.headers["x-staketrack-timestamp"],
            request.headers["x-staketrack-event"],
            request.body,
            request.headers["x-staketrack-signature"],
            time.time(),
        )
    rows = await outbox(resources, commission.id)
    assert {r.status for r in rows} == {"sent"} and len(rows) == 4
