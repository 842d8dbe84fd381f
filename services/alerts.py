"""Alert use cases (epic 5): manage a user's rules, evaluate a chain's rules after its
pipeline run, and prune old history.

Called by: api/routers/alerts.py (CRUD, history), workers/jobs/alerts.py (`check_alerts`
as the pipeline's last step and the signed `alerts` trigger; `prune_alert_history`
monthly and as the signed `alerts-cleanup` trigger).

Decisions where the issue is silent:
- The tier limit counts every alert the user has, active or not (story 5.3: "1 alert
  configured"); it is checked and the alert inserted under a lock on the user's row, so
  two concurrent creates at the limit give one 201 and one 403 TIER_LIMIT.
- An email alert of a user without a verified email is created inactive with
  `inactiveReason: "email_unverified"` (201); it becomes active by itself once the email
  is verified (on the next evaluation or listing). Switching it on by hand before that is
  409 EMAIL_NOT_VERIFIED. A webhook channel needs a verified webhook (409
  WEBHOOK_NOT_VERIFIED).
- A user switching an alert off records `deactivated_reason = "user"`; A2's unsubscribe
  records its own reason, and (switched off without the app) an audit entry: actor
  system `alert_unsubscribe`, target the alert, before/after `active`.
- After a downgrade the alerts beyond the tier's number (oldest first stay) are kept but
  over the limit: they are not evaluated (do not fire), and any change to them is 403
  TIER_LIMIT until they are within the limit again (an upgrade, or deleting older ones);
  deleting is always allowed. Their `active` flag is left as the user set it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.alerts.errors import EmailNotVerified, WebhookNotVerified
from domain.alerts.evaluation import ConditionState, Transition, facts_from, step
from domain.alerts.model import AlertChannel, AlertRule, NoticeKind
from domain.alerts.records import EMAIL_UNVERIFIED, Firing, HistoryEntry, StoredAlert
from domain.alerts.rules import check_channels, check_rule, check_threshold
from domain.audit import Actor, AuditEntry
from domain.errors import InvalidInput, NotFound
from domain.models import Chain, Tier, User
from domain.tiers import Feature, check
from infrastructure.db.uow import SqlUnitOfWork
from infrastructure.logging import get_logger
from services import audit, tiers
from services.validators import observe_viewed

log = get_logger(__name__)
UnitOfWorkFactory = Callable[[], SqlUnitOfWork]

HISTORY_KEPT = timedelta(days=90)
# scores and observations read per evaluation: the last hours (the newest figures and the
# last hour's run of delinquency) and the hours around 24 h ago (the reference); the whole
# 25 hours only of validators whose commission changed (when it changed)
NEAR = timedelta(hours=3)
FAR = (timedelta(hours=26), timedelta(hours=23))
WINDOW = timedelta(hours=25)
USER_OFF = "user"
UNSUBSCRIBED = "unsubscribed"  # switched off by the one-click link in an alert email
NOT_FOUND = "No such alert."

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class NewAlert:
    type: str
    validator_id: str | None
    chain: Chain | None
    threshold: Decimal | None
    notify_resolved: bool
    channels: list[str]


@dataclass(frozen=True, slots=True)
class AlertChange:
    active: bool | None = None
    threshold: Decimal | None = _UNSET  # _UNSET: unchanged; None: cleared
    notify_resolved: bool | None = None
    channels: list[str] | None = None


# -- management (the API) ---------------------------------------------------------------


async def _validator(
    uow: SqlUnitOfWork, validator_id: str, chain: Chain | None
) -> tuple[Chain, str]:
    chain_part, _, address = validator_id.partition(":")
    if chain_part not in {c.value for c in Chain} or not address:
        raise InvalidInput(
            "validatorId must be <chain>:<address>, e.g. sol:<vote account>.",
            details={"field": "validatorId"},
        )
    which = Chain(chain_part)
    if chain is not None and chain is not which:
        raise InvalidInput(
            f"validatorId is on {which.value} but chain is {chain.value}.",
            details={"field": "chain"},
        )
    if which is Chain.ETH:
        index = await uow.validators.eth_index(address)
        if index is not None:
            return which, str(index)
    if not await uow.validators.known(which, address):
        raise InvalidInput("Unknown validator.", details={"field": "validatorId"})
    return which, address


async def _check_webhook(
    uow: SqlUnitOfWork, user_id: UUID, channels: tuple[AlertChannel, ...]
) -> None:
    if AlertChannel.WEBHOOK in channels and not await uow.alerts.webhook_verified(user_id):
        raise WebhookNotVerified()


def _email_pending(user: User, channels: tuple[AlertChannel, ...]) -> bool:
    return AlertChannel.EMAIL in channels and user.email_verified_at is None


async def create_alert(
    uow: SqlUnitOfWork, user: User, new: NewAlert, app_origin: str
) -> StoredAlert:
    chain, validator = new.chain, None
    if new.validator_id is not None:
        chain, validator = await _validator(uow, new.validator_id, new.chain)
    spec = check_rule(new.type, chain, validator, new.threshold, new.channels)
    await _check_webhook(uow, user.id, spec.channels)
    await uow.tier_usage.lock_user(user.id)  # held until commit: the count cannot go stale
    current = await uow.alerts.count_for_user(user.id)
    await tiers.gate(uow, user, Feature.ALERTS, current, app_origin)
    pending = _email_pending(user, spec.channels)
    stored = await uow.alerts.add(
        user.id,
        spec.type,
        spec.chain,
        spec.validator,
        spec.threshold,
        new.notify_resolved,
        spec.channels,
        active=not pending,
        deactivated_reason=EMAIL_UNVERIFIED if pending else None,
    )
    log.info("alert_created", alert=str(stored.rule.id), type=spec.type.value)
    if spec.chain is Chain.ETH and spec.validator is not None:
        # only observed ETH validators have the hourly observations the check reads: join
        # the observed set like a signed-in view does (capped; commits, the alert with it)
        await observe_viewed(uow, spec.chain, spec.validator, datetime.now(UTC))
    return stored


async def list_alerts(uow: SqlUnitOfWork, user_id: UUID) -> list[StoredAlert]:
    await uow.alerts.activate_verified(user_id)
    return await uow.alerts.list_for_user(user_id)


async def over_limit_ids(uow: SqlUnitOfWork, user: User) -> set[UUID]:
    """The user's alerts beyond the tier's number (the oldest stay within it)."""
    limit = (await tiers.limits_for(uow, user)).alerts
    ids = (await uow.tier_usage.alert_ids([user.id])).get(user.id, [])
    return set(ids[max(limit, 0) :])


async def _refuse_over_limit(
    uow: SqlUnitOfWork, user: User, alert_id: UUID, app_origin: str
) -> None:
    if alert_id in await over_limit_ids(uow, user):
        limits = await tiers.limits_for(uow, user)
        current = await uow.alerts.count_for_user(user.id)
        check(limits, Feature.ALERTS, current, tiers.upgrade_url(app_origin))


async def record_deactivation(
    uow: SqlUnitOfWork, alert_id: UUID, reason: str, at: datetime
) -> None:
    """Audit an alert switched off by the system (not by its user in the app)."""
    await audit.record(
        uow,
        AuditEntry(
            actor=Actor.system(f"alert_{reason}"),
            action="alert.deactivate",
            target_type="alert",
            target_id=str(alert_id),
            before={"active": True},
            after={"active": False, "reason": reason},
            at=at,
        ),
    )


async def get_alert(uow: SqlUnitOfWork, user_id: UUID, alert_id: UUID) -> StoredAlert:
    await uow.alerts.activate_verified(user_id)
    stored = await uow.alerts.get(user_id, alert_id)
    if stored is None:
        raise NotFound(NOT_FOUND)
    return stored


async def change_alert(
    uow: SqlUnitOfWork, user: User, alert_id: UUID, change: AlertChange, app_origin: str
) -> StoredAlert:
    stored = await get_alert(uow, user.id, alert_id)
    await _refuse_over_limit(uow, user, alert_id, app_origin)
    rule = stored.rule
    values: dict[str, Any] = {}
    channels = rule.channels
    if change.channels is not None:
        channels = check_channels(change.channels)
        await _check_webhook(uow, user.id, channels)
        values["channels"] = [c.value for c in channels]
    if change.threshold is not _UNSET:
        values["threshold"] = check_threshold(rule.type, change.threshold)
    if change.notify_resolved is not None:
        values["notify_resolved"] = change.notify_resolved
    if change.active is True and not rule.active:
        if _email_pending(user, channels):
            raise EmailNotVerified()
        values.update(active=True, deactivated_reason=None)
    elif change.active is False and rule.active:
        values.update(active=False, deactivated_reason=USER_OFF)
    elif (
        change.channels is not None
        and not rule.active
        and stored.deactivated_reason == EMAIL_UNVERIFIED
        and not _email_pending(user, channels)  # e.g. switched to webhook only
    ):
        values.update(active=True, deactivated_reason=None)
    if not values:
        return stored
    changed = await uow.alerts.change(user.id, alert_id, values)
    assert changed is not None
    return changed


async def delete_alert(uow: SqlUnitOfWork, user_id: UUID, alert_id: UUID) -> None:
    if not await uow.alerts.delete(user_id, alert_id):
        raise NotFound(NOT_FOUND)


async def history(
    uow: SqlUnitOfWork, user_id: UUID, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[HistoryEntry], bool]:
    """A page of the user's history, newest first, and whether more follow."""
    rows = await uow.alerts.history_page(user_id, after, limit + 1)
    return rows[:limit], len(rows) > limit


# -- evaluation (the pipeline's last step) ---------------------------------------------


@dataclass
class EvaluationRun:
    chain: str
    alerts: int = 0
    validators: int = 0
    fired: int = 0
    resolved: int = 0
    silent: int = 0  # state changes without a notice (re-fired within 24 h, cleared unnotified)
    queued: int = 0  # outbox rows written: the integrator kicks delivery when > 0
    notices: list[Any] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "validators": self.validators,
            "fired": self.fired,
            "resolved": self.resolved,
            "silent": self.silent,
            "queued": self.queued,
        }


async def within_limits(uow: SqlUnitOfWork, rules: list[AlertRule]) -> list[AlertRule]:
    """The rules within their user's alert limit (the oldest N of the user's alerts, in
    the tier they have now); the others are over the limit and do not fire. Three
    queries whatever the number of users."""
    users = {r.user_id for r in rules}
    ranks = await uow.tier_usage.alert_ids(users)
    tier_of = await uow.tier_usage.tiers(users, datetime.now(UTC))
    limit = {t: (await tiers.limits_for(uow, t)).alerts for t in Tier}
    allowed = {a for u, ids in ranks.items() for a in ids[: max(limit[tier_of[u]], 0)]}
    return [r for r in rules if r.id in allowed]


def _subjects(
    rules: list[AlertRule], chain: Chain, positions: dict[UUID, set[str]]
) -> dict[UUID, set[str]]:
    out: dict[UUID, set[str]] = {}
    for rule in rules:
        if rule.validator is not None:
            out[rule.id] = {rule.validator} if rule.chain is chain else set()
        else:
            out[rule.id] = positions.get(rule.user_id, set())
    return out


async def evaluate_chain(uow: UnitOfWorkFactory, chain: Chain, now: datetime) -> EvaluationRun:
    """Evaluate every active rule on `chain` at `now` (the chain data's clock), record
    the changes, the firings and their outbox rows in one transaction."""
    run = EvaluationRun(chain=chain.value)
    async with uow() as work:
        repo = work.alerts
        await repo.activate_verified()
        rules = await within_limits(work, await repo.active_rules(chain))
        run.alerts = len(rules)
        if not rules:
            await work.commit()
            return run
        scoped = any(r.validator is None for r in rules)
        positions = await repo.position_validators(chain) if scoped else {}
        subjects = _subjects(rules, chain, positions)
        validators = set().union(*subjects.values())
        run.validators = len(validators)
        spans = [(now - FAR[0], now - FAR[1]), (now - NEAR, now)]
        scores = await repo.scores(chain, validators, spans)
        samples = await repo.samples(chain, validators, spans)
        names = await repo.names(chain, validators)
        states: dict[tuple[UUID, str], dict[str, ConditionState]] = defaultdict(dict)
        for state in await repo.conditions(chain):
            states[(state.alert_id, state.validator)][state.condition] = state
        facts = {
            v: facts_from(chain, v, names.get(v), scores.get(v, []), samples.get(v, []), now)
            for v in validators
        }
        repriced = {
            v
            for v, f in facts.items()
            if f.latest and f.reference and f.latest.commission != f.reference.commission
        }
        if repriced:  # when did it change: their whole window (few validators)
            full = await repo.samples(chain, repriced, [(now - WINDOW, now)])
            for v in repriced:
                facts[v] = facts_from(chain, v, names.get(v), scores.get(v, []), full[v], now)
        transitions: list[tuple[AlertRule, Transition]] = []
        for rule in rules:
            for validator in sorted(subjects[rule.id]):
                for t in step(rule, facts[validator], states.get((rule.id, validator), {}), now):
                    transitions.append((rule, t))
        new = [t.state for _, t in transitions if t.is_new]
        changed = [t.state for _, t in transitions if not t.is_new]
        firings = [Firing(t.notice, rule.channels) for rule, t in transitions if t.notice]
        await repo.save_conditions(new, changed)
        run.queued = await repo.record(firings)
        await work.commit()
    run.fired = sum(1 for f in firings if f.notice.kind is NoticeKind.FIRED)
    run.resolved = len(firings) - run.fired
    run.silent = len(transitions) - len(firings)
    run.notices = [f.notice for f in firings]
    if firings:
        log.info("alerts_evaluated", **run.as_dict())
    return run


async def prune_history(uow: UnitOfWorkFactory, now: datetime) -> int:
    """Alert history older than 90 days goes (monthly)."""
    async with uow() as work:
        pruned = await work.alerts.prune_history(now - HISTORY_KEPT)
        await work.commit()
    return pruned
