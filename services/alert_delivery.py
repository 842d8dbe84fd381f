"""Alert delivery: drain the outbox (alert_notifications) by email and signed webhook,
and the one-click unsubscribe.

Evaluation writes a `pending` row per (firing, channel) in the transaction that records
the firing; `deliver_due` sends them. Each batch is claimed in its own short commit
(the rows are leased: `next_attempt_at` moves `LEASE` ahead and the attempt is counted),
sent outside any transaction, and each outcome committed on its own:

- a drain that dies after the claim leaves its rows to the next drain once the lease
  ends; rows marked `sent` are never claimed again, so a half-failed batch is resumed,
  not repeated;
- a drain that dies between a send and its mark sends that one again — with the same
  idempotency key (Resend delivers a key once within 24 h; the file outbox writes it
  once; webhook receivers get the same `X-Staketrack-Delivery` id to dedupe on).

Email goes at most `MAILS_PER_SECOND` per drain; retryable failures (429, 5xx,
timeouts) wait `domain.alerts.delivery.RETRY_DELAYS`, and after `MAX_ATTEMPTS` — or at
once for a permanent one (4xx, no verified email, no verified webhook, a refused
address) — the row is `failed` with a code in `last_error`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.alerts.delivery import OutboxItem, Recipient, retry_delay
from domain.alerts.model import AlertChannel, AlertNotice
from domain.alerts.payload import from_payload
from domain.email import EmailDeliveryFailed, EmailSender
from domain.errors import DomainError, NotFound
from domain.ports import JobQueue, KeyStore
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.email.alert_templates import alert_email
from infrastructure.email.unsubscribe import InvalidUnsubscribeToken, UnsubscribeTokens
from infrastructure.logging import get_logger
from infrastructure.webhooks.sender import WebhookDeliveryFailed, WebhookUrlRefused
from services import alerts
from services.alerts import UNSUBSCRIBED

JOB_NAME = "deliver_alerts"
MAILS_PER_SECOND = 10.0
BATCH_SIZE = 100
LEASE = timedelta(minutes=5)  # longer than a batch takes at 10 mails/s
MAX_BATCHES = 20  # per run; the per-minute cron goes on from there
# no new batch after this long: a run ends well inside arq's 300 s job timeout
RUN_BUDGET_SECONDS = 180.0
# one drain at a time across processes (so 10 mails/s holds for the system, not per
# drain); a lock left by a dead drain expires after the longest run
DRAIN_LOCK = "alert-delivery:drain"
DRAIN_LOCK_TTL_SECONDS = 300.0
WEBHOOK_CONCURRENCY = 8
UNSUBSCRIBE_PATH = "/api/alerts/unsubscribe"

log = get_logger(__name__)


class WebhookPoster(Protocol):
    async def post(
        self, url: str, secret: str, event: str, delivery_id: str, body: dict[str, Any]
    ) -> int: ...


class InvalidUnsubscribeLink(DomainError):
    code = "INVALID_UNSUBSCRIBE_TOKEN"
    message = "This unsubscribe link is invalid or has expired."


@dataclass(frozen=True)
class DeliveryConfig:
    app_origin: str
    unsubscribe: UnsubscribeTokens
    mails_per_second: float = MAILS_PER_SECOND
    batch_size: int = BATCH_SIZE
    lease: timedelta = LEASE
    max_batches: int = MAX_BATCHES
    run_budget_seconds: float = RUN_BUDGET_SECONDS


@dataclass
class DeliveryRun:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    busy: bool = False  # another drain held the lock: this one did nothing

    def as_dict(self) -> dict[str, int]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "busy": int(self.busy),
        }


class MailPacer:
    """A token bucket of one token: mails leave evenly spaced, 1/`per_second` apart, so
    no one-second window holds more than `per_second` of them."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = per_second
        self._capacity = 1.0
        self._tokens = self._capacity
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
                self._last = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await self._sleep((1.0 - self._tokens) / self._rate)


@dataclass
class _Outcome:
    status: str  # sent | retry | failed
    code: str | None = None


@dataclass
class _Batch:
    items: list[OutboxItem]
    recipients: dict[uuid.UUID, Recipient]
    inactive: set[uuid.UUID] = field(default_factory=set)


def unsubscribe_url(config: DeliveryConfig, notice: AlertNotice, now: datetime) -> str:
    token = config.unsubscribe.issue(notice.alert_id, notice.user_id, now)
    return f"{config.app_origin.rstrip('/')}{UNSUBSCRIBE_PATH}?token={token}"


async def deliver_due(
    uow: Callable[[], SqlUnitOfWork],
    email: EmailSender,
    webhooks: WebhookPoster,
    config: DeliveryConfig,
    *,
    clock: Callable[[], datetime],
    pacer: MailPacer | None = None,
    lock: KeyStore | None = None,
) -> DeliveryRun:
    """Send every notification due now (batch after batch, within the run's budget);
    safe to run twice, at once, and again after a crash. With `lock` (the shared key
    store) a drain that finds another running returns at once (`busy`): the running one
    loops until nothing is due."""
    if lock is None:
        return await _drain(uow, email, webhooks, config, clock, pacer)
    owner = uuid.uuid4().hex
    if not await lock.put(DRAIN_LOCK, owner, DRAIN_LOCK_TTL_SECONDS):
        return DeliveryRun(busy=True)
    try:
        return await _drain(uow, email, webhooks, config, clock, pacer)
    finally:
        if await lock.get(DRAIN_LOCK) == owner:
            await lock.take(DRAIN_LOCK)


async def _drain(
    uow: Callable[[], SqlUnitOfWork],
    email: EmailSender,
    webhooks: WebhookPoster,
    config: DeliveryConfig,
    clock: Callable[[], datetime],
    pacer: MailPacer | None,
) -> DeliveryRun:
    pacer = pacer or MailPacer(config.mails_per_second)
    run = DeliveryRun()
    started = time.monotonic()
    for _ in range(config.max_batches):
        if time.monotonic() - started > config.run_budget_seconds:
            break
        batch = await _claim(uow, config, clock())
        if not batch.items:
            break
        run.claimed += len(batch.items)
        await _send_batch(batch, uow, email, webhooks, config, pacer, clock, run)
    if run.claimed:
        log.info("alert_delivery.run", **run.as_dict())
    return run


async def _send_batch(
    batch: _Batch,
    uow: Callable[[], SqlUnitOfWork],
    email: EmailSender,
    webhooks: WebhookPoster,
    config: DeliveryConfig,
    pacer: MailPacer,
    clock: Callable[[], datetime],
    run: DeliveryRun,
) -> None:
    """Mails one after another (paced); webhooks alongside, a few at a time. Each
    outcome is committed as soon as it is known."""
    mails = [i for i in batch.items if i.channel is AlertChannel.EMAIL]
    hooks = [i for i in batch.items if i.channel is not AlertChannel.EMAIL]
    gate = asyncio.Semaphore(WEBHOOK_CONCURRENCY)

    async def one_hook(item: OutboxItem) -> None:
        async with gate:
            outcome = await _webhook(item, batch, webhooks)
        await _record(uow, item, outcome, clock(), run)

    async def all_mails() -> None:
        for item in mails:
            outcome = await _email(item, batch, email, config, pacer, clock())
            await _record(uow, item, outcome, clock(), run)

    await asyncio.gather(all_mails(), *(one_hook(item) for item in hooks))


async def request_delivery(queue: JobQueue, now: datetime) -> bool:
    """Start a drain now (call after the commit that wrote notifications); the
    per-minute cron entry drains anyway, so a kick lost to a full queue delays, never drops."""
    from services import job_ids

    return await queue.enqueue(JOB_NAME, job_ids.delivery_kick(now), {})


async def _claim(uow: Callable[[], SqlUnitOfWork], config: DeliveryConfig, now: datetime) -> _Batch:
    async with uow() as u:
        items = await u.alert_outbox.claim_due(now, config.batch_size, config.lease)
        if not items:
            return _Batch([], {})
        recipients = await u.alert_outbox.recipients(item.user_id for item in items)
        alert_ids = {_alert_id(item) for item in items} - {None}
        inactive = await u.alert_outbox.inactive_alerts(a for a in alert_ids if a is not None)
        await u.commit()
    return _Batch(items, recipients, inactive)


def _alert_id(item: OutboxItem) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(item.payload.get("alertId")))
    except ValueError:
        return None


def _notice(item: OutboxItem, batch: _Batch) -> AlertNotice | _Outcome:
    try:
        notice = from_payload(item.payload)
    except (KeyError, TypeError, ValueError):
        return _Outcome("failed", "BAD_PAYLOAD")
    if notice.alert_id in batch.inactive:
        return _Outcome("failed", "ALERT_INACTIVE")  # unsubscribed or deleted since
    return notice


def _retry_or_fail(retryable: bool, code: str) -> _Outcome:
    return _Outcome("retry" if retryable else "failed", code)


async def _email(
    item: OutboxItem,
    batch: _Batch,
    sender: EmailSender,
    config: DeliveryConfig,
    pacer: MailPacer,
    now: datetime,
) -> _Outcome:
    notice = _notice(item, batch)
    if isinstance(notice, _Outcome):
        return notice
    recipient = batch.recipients.get(item.user_id)
    if recipient is None or recipient.email is None:
        return _Outcome("failed", "NO_VERIFIED_EMAIL")
    message = alert_email(
        recipient.email,
        notice,
        app_origin=config.app_origin,
        unsubscribe_url=unsubscribe_url(config, notice, now),
        idempotency_key=item.idempotency_key,
    )
    await pacer.wait()
    try:
        await sender.send(message)
    except EmailDeliveryFailed as exc:
        status = exc.details.get("status") if isinstance(exc.details, dict) else None
        return _retry_or_fail(exc.retryable, f"EMAIL_{status or 'FAILED'}")
    except Exception as exc:  # an adapter bug or a network error it did not wrap
        log.warning("alert_delivery.email_error", error_type=type(exc).__name__)
        return _Outcome("retry", "EMAIL_ERROR")
    return _Outcome("sent")


async def _webhook(item: OutboxItem, batch: _Batch, poster: WebhookPoster) -> _Outcome:
    notice = _notice(item, batch)
    if isinstance(notice, _Outcome):
        return notice
    recipient = batch.recipients.get(item.user_id)
    hook = recipient.webhook if recipient else None
    if hook is None:
        return _Outcome("failed", "NO_WEBHOOK")
    if hook.verified_at is None:
        return _Outcome("failed", "WEBHOOK_NOT_VERIFIED")
    event = f"alert.{notice.kind.value}"
    body = {**item.payload, "event": event, "deliveryId": item.idempotency_key}
    try:
        await poster.post(hook.url, hook.secret, event, item.idempotency_key, body)
    except WebhookUrlRefused:
        return _Outcome("failed", "WEBHOOK_ADDRESS_REFUSED")
    except WebhookDeliveryFailed as exc:
        return _retry_or_fail(exc.retryable, f"WEBHOOK_{exc.reason.upper()}")
    return _Outcome("sent")


async def _record(
    uow: Callable[[], SqlUnitOfWork],
    item: OutboxItem,
    outcome: _Outcome,
    now: datetime,
    run: DeliveryRun,
) -> None:
    async with uow() as u:
        if outcome.status == "sent":
            await u.alert_outbox.mark_sent(item.id, now)
            run.sent += 1
        else:
            delay = retry_delay(item.attempts) if outcome.status == "retry" else None
            code = outcome.code or "FAILED"
            if delay is not None:
                await u.alert_outbox.mark_retry(item.id, now + delay, code)
                run.retried += 1
            else:
                final = code if outcome.status == "failed" else f"{code}:MAX_ATTEMPTS"
                await u.alert_outbox.mark_failed(item.id, final)
                run.failed += 1
            log.info(
                "alert_delivery.not_sent",
                notification=str(item.id),
                channel=item.channel.value,
                code=code,
                attempts=item.attempts,
                retry=delay is not None,
            )
        await u.commit()


# -- one-click unsubscribe (RFC 8058) ------------------------------------------------------


def _claim_of(tokens: UnsubscribeTokens, token: str, now: datetime) -> Any:
    try:
        return tokens.verify(token, now)
    except InvalidUnsubscribeToken:
        raise InvalidUnsubscribeLink(details={"field": "token"}) from None


async def unsubscribe_preview(
    uow: SqlUnitOfWork, tokens: UnsubscribeTokens, token: str, now: datetime
) -> tuple[str, bool]:
    """(alert type, still active) of the token's alert; changes nothing."""
    claim = _claim_of(tokens, token, now)
    state = await uow.alert_outbox.alert_state(claim.alert_id, claim.user_id)
    if state is None:
        raise NotFound("This alert no longer exists.")
    return state


async def unsubscribe(
    uow: SqlUnitOfWork, tokens: UnsubscribeTokens, token: str, now: datetime
) -> None:
    """Switch off the one alert the token names (idempotent); the caller commits."""
    claim = _claim_of(tokens, token, now)
    state = await uow.alert_outbox.alert_state(claim.alert_id, claim.user_id)
    if state is None or not await uow.alert_outbox.unsubscribe(claim.alert_id, claim.user_id, now):
        raise NotFound("This alert no longer exists.")
    if state[1]:  # it was on: switched off by the link, not in the app — audited
        await alerts.record_deactivation(uow, claim.alert_id, UNSUBSCRIBED, now)
    log.info("alert.unsubscribed", alert=str(claim.alert_id))


def config_for(app_origin: str, secret_key: str, **overrides: Any) -> DeliveryConfig:
    return DeliveryConfig(
        app_origin=app_origin, unsubscribe=UnsubscribeTokens(secret_key), **overrides
    )
