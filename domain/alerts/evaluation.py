"""Evaluating alert rules against what we know of a validator (pure).

The service loads, per chain and in a fixed number of batched queries, the facts of every
validator some active rule looks at (`ValidatorFacts`: the newest and the 24-hour-old VRS
score with its factors, the newest and the 24-hour-old observation, the last hour's
observations) and the stored state of each (alert, validator, condition). Here:

- `evaluate` says which conditions of a rule hold for a validator now (or that the data
  is not there to tell: then nothing changes);
- `step` turns that and the stored state into state changes and notices: a condition that
  starts holding fires (one notification per (alert, condition) per 24 h: a condition
  that clears and comes back within 24 h of its last notification is recorded silently);
  a condition that keeps holding says nothing more; one that clears sends one "resolved"
  notice when the rule asks for it and its firing was notified.

Conditions (`alert_conditions.condition`):
  vrs_drop            the score fell by ≥ threshold points against the score 24 h before;
                      it holds until the score is back within threshold of the pre-drop one
  vrs_below           the score is under the threshold
  commission_raised   (no threshold) commission above its value 24 h before; it holds until
                      the commission is back at or below the pre-raise value
  commission_above    (threshold N) commission above N %
  slashed, tombstoned ETH slashed; ATOM tombstoned (double-sign, its slashing)
  jailed              ATOM jailed
  delinquent          SOL delinquent in every observation of the last hour (≥ 1 h)
  offline             ETH not live in every observation of the last hour (≥ 1 h)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.alerts import messages
from domain.alerts.model import AlertNotice, AlertRule, AlertType, NoticeKind
from domain.models import Chain

NOTIFY_EVERY = timedelta(hours=24)  # one notification per (alert, condition) per 24 h
REFERENCE_AGE = timedelta(hours=24)  # "before" of a drop or raise: 24 h earlier
DOWN_FOR = timedelta(hours=1)  # delinquent / offline this long before it counts


@dataclass(frozen=True, slots=True)
class ScoreSnapshot:
    calculated_at: datetime
    total: int | None  # None: pending
    factors: Mapping[str, int | None]  # VRS factor -> 0..100 (None: unavailable)


@dataclass(frozen=True, slots=True)
class Sample:
    """One hourly observation of a validator (validator_observations)."""

    observed_at: datetime
    status: str
    commission: Decimal | None = None  # fraction: 0.05 = 5 %
    uptime: Decimal | None = None  # fraction
    jailed: bool = False
    slashed: bool = False
    tombstoned: bool = False


@dataclass(frozen=True, slots=True)
class ValidatorFacts:
    chain: Chain
    validator: str
    name: str | None = None
    score: ScoreSnapshot | None = None
    reference_score: ScoreSnapshot | None = None  # the chain's run 24 h before `score`
    latest: Sample | None = None
    reference: Sample | None = None  # the observation 24 h before `latest`
    recent: Sequence[Sample] = ()  # observations of the last DOWN_FOR, oldest first
    commission_changed_at: datetime | None = None  # first observation at the new rate


@dataclass(frozen=True, slots=True)
class ConditionState:
    """alert_conditions: one (alert, validator, condition)."""

    alert_id: Any  # UUID
    chain: Chain
    validator: str
    condition: str
    holding: bool
    since: datetime
    last_notified_at: datetime | None = None
    cleared_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    """A condition that holds now, with what a notice about it says."""

    condition: str
    message: str
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    factors: Mapping[str, Any] = field(default_factory=dict)
    keep: Mapping[str, Any] = field(default_factory=dict)  # stored in the state's details


@dataclass(frozen=True, slots=True)
class Verdict:
    known: bool  # False: not enough data to tell; no state changes
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class Transition:
    state: ConditionState
    is_new: bool  # no stored row yet
    notice: AlertNotice | None  # None: a silent state change


UNKNOWN = Verdict(known=False)


def _text(value: Decimal) -> str:
    """8.00 → "8", 12.50 → "12.5" (never exponent notation)."""
    return format(value.normalize(), "f")


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * 100


def _holding(states: Mapping[str, ConditionState], condition: str) -> ConditionState | None:
    state = states.get(condition)
    return state if state is not None and state.holding else None


def _vrs_drop(
    rule: AlertRule, facts: ValidatorFacts, states: Mapping[str, ConditionState]
) -> Verdict:
    score, reference = facts.score, facts.reference_score
    if score is None or score.total is None or rule.threshold is None:
        return UNKNOWN
    held = _holding(states, "vrs_drop")
    if held is not None and "before" in held.details:
        before = int(held.details["before"])
    elif reference is not None and reference.total is not None:
        before = reference.total
    else:
        return UNKNOWN
    if before - score.total < rule.threshold:
        return Verdict(True)
    cause = messages.causes(facts)
    return Verdict(
        True,
        (
            Finding(
                "vrs_drop",
                messages.score_fell(before, score.total, cause),
                before={"total": before},
                after={"total": score.total},
                factors=cause,
                keep={"before": before},
            ),
        ),
    )


def _vrs_below(rule: AlertRule, facts: ValidatorFacts) -> Verdict:
    score = facts.score
    if score is None or score.total is None or rule.threshold is None:
        return UNKNOWN
    if score.total >= rule.threshold:
        return Verdict(True)
    previous = facts.reference_score.total if facts.reference_score else None
    cause = messages.causes(facts)
    return Verdict(
        True,
        (
            Finding(
                "vrs_below",
                messages.score_below(score.total, int(rule.threshold), cause),
                before={} if previous is None else {"total": previous},
                after={"total": score.total},
                factors=cause,
            ),
        ),
    )


def _commission(
    rule: AlertRule, facts: ValidatorFacts, states: Mapping[str, ConditionState]
) -> Verdict:
    latest = facts.latest
    if latest is None or latest.commission is None:
        return UNKNOWN
    now = _percent(latest.commission)
    assert now is not None
    changed = facts.commission_changed_at
    if rule.threshold is not None:
        if now <= rule.threshold:
            return Verdict(True)
        before = _percent(facts.reference.commission) if facts.reference else None
        return Verdict(
            True,
            (
                Finding(
                    "commission_above",
                    messages.commission_above(now, rule.threshold, before, changed),
                    before={} if before is None else {"commission": _text(before)},
                    after={"commission": _text(now)},
                    factors=messages.causes(facts),
                ),
            ),
        )
    held = _holding(states, "commission_raised")
    if held is not None and "before" in held.details:
        before = Decimal(str(held.details["before"]))
    elif facts.reference is not None and facts.reference.commission is not None:
        before = facts.reference.commission * 100
    else:
        return UNKNOWN
    if now <= before:
        return Verdict(True)
    return Verdict(
        True,
        (
            Finding(
                "commission_raised",
                messages.commission_raised(before, now, changed),
                before={"commission": _text(before)},
                after={"commission": _text(now)},
                factors=messages.causes(facts),
                keep={"before": _text(before)},
            ),
        ),
    )


def _slashing(facts: ValidatorFacts) -> Verdict:
    latest = facts.latest
    if latest is None:
        return UNKNOWN
    if facts.chain is Chain.ATOM and latest.tombstoned:
        return Verdict(
            True, (Finding("tombstoned", messages.TOMBSTONED, after={"tombstoned": True}),)
        )
    if facts.chain is not Chain.SOL and (latest.slashed or latest.status == "slashed"):
        return Verdict(True, (Finding("slashed", messages.SLASHED, after={"slashed": True}),))
    return Verdict(True)


def _down(sample: Sample, chain: Chain) -> bool:
    if chain is Chain.SOL:
        return sample.status == "delinquent"
    return sample.uptime is not None and sample.uptime == 0  # ETH: not live


def _jailed_or_delinquent(facts: ValidatorFacts) -> Verdict:
    latest = facts.latest
    if latest is None:
        return UNKNOWN
    if facts.chain is Chain.ATOM:
        if latest.jailed:
            return Verdict(True, (Finding("jailed", messages.JAILED, after={"jailed": True}),))
        return Verdict(True)
    recent = [s for s in facts.recent if s.observed_at <= latest.observed_at] or [latest]
    spans = latest.observed_at - recent[0].observed_at >= DOWN_FOR
    if spans and all(_down(s, facts.chain) for s in recent):
        condition = "delinquent" if facts.chain is Chain.SOL else "offline"
        return Verdict(
            True,
            (
                Finding(
                    condition,
                    messages.down(condition, recent[0].observed_at),
                    after={condition: True, "since": recent[0].observed_at.isoformat()},
                ),
            ),
        )
    if not spans and _down(latest, facts.chain):
        return UNKNOWN  # down, but not yet for an hour: neither fires nor clears
    return Verdict(True)


def evaluate(
    rule: AlertRule, facts: ValidatorFacts, states: Mapping[str, ConditionState]
) -> Verdict:
    """Which of `rule`'s conditions hold for this validator now (`states`: its stored
    conditions by name, for the ones that hold until a recovery)."""
    if rule.type is AlertType.VRS_DROP:
        return _vrs_drop(rule, facts, states)
    if rule.type is AlertType.VRS_BELOW:
        return _vrs_below(rule, facts)
    if rule.type is AlertType.COMMISSION_INCREASE:
        return _commission(rule, facts, states)
    if rule.type is AlertType.SLASHING:
        return _slashing(facts)
    return _jailed_or_delinquent(facts)


def _notice(
    rule: AlertRule,
    facts: ValidatorFacts,
    kind: NoticeKind,
    condition: str,
    message: str,
    now: datetime,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    factors: Mapping[str, Any],
) -> AlertNotice:
    return AlertNotice(
        alert_id=rule.id,
        user_id=rule.user_id,
        type=rule.type,
        kind=kind,
        chain=facts.chain,
        validator=facts.validator,
        validator_name=facts.name,
        condition=condition,
        message=message,
        occurred_at=now,
        before=dict(before),
        after=dict(after),
        factors=dict(factors),
    )


def _before(condition: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """A resolution's "before": the figure from before the firing, where one was kept."""
    if "before" not in details:
        return {}
    if condition == "vrs_drop":
        return {"total": int(details["before"])}
    if condition == "commission_raised":
        return {"commission": str(details["before"])}
    return {}


def step(
    rule: AlertRule,
    facts: ValidatorFacts,
    states: Mapping[str, ConditionState],
    now: datetime,
) -> list[Transition]:
    """The state changes (and notices) of one rule on one validator at `now`."""
    verdict = evaluate(rule, facts, states)
    if not verdict.known:
        return []
    out: list[Transition] = []
    found = {f.condition: f for f in verdict.findings}
    for condition, finding in found.items():
        state = states.get(condition)
        if state is not None and state.holding:
            continue  # still holding: said already
        recent = (
            state is not None
            and state.last_notified_at is not None
            and now - state.last_notified_at < NOTIFY_EVERY
        )
        notify = not recent
        new_state = ConditionState(
            alert_id=rule.id,
            chain=facts.chain,
            validator=facts.validator,
            condition=condition,
            holding=True,
            since=now,
            last_notified_at=now if notify else (state.last_notified_at if state else None),
            cleared_at=None,
            details={**finding.keep, "message": finding.message},
        )
        notice = (
            _notice(
                rule,
                facts,
                NoticeKind.FIRED,
                condition,
                finding.message,
                now,
                finding.before,
                finding.after,
                finding.factors,
            )
            if notify
            else None
        )
        out.append(Transition(new_state, state is None, notice))
    for condition, state in states.items():
        if not state.holding or condition in found:
            continue
        cleared = replace(state, holding=False, cleared_at=now)
        notified = state.last_notified_at is not None and state.last_notified_at >= state.since
        notice = None
        if rule.notify_resolved and notified:
            message = messages.resolved(condition, facts)
            notice = _notice(
                rule,
                facts,
                NoticeKind.RESOLVED,
                condition,
                message,
                now,
                _before(condition, state.details),
                messages.current(facts),
                {},
            )
        out.append(Transition(cleared, False, notice))
    return out


STALE_AFTER = timedelta(hours=2)  # newer data than this, or the validator is not judged


def _reference_of(items: Sequence[Any], at: datetime, moment: Any) -> Any:
    """The newest item at least REFERENCE_AGE older than `at`, else the oldest one
    before `at` (a validator watched for less than a day), else None."""
    older = [i for i in items if moment(i) <= at - REFERENCE_AGE]
    if older:
        return older[-1]
    earlier = [i for i in items if moment(i) < at]
    return earlier[0] if earlier else None


def facts_from(
    chain: Chain,
    validator: str,
    name: str | None,
    scores: Sequence[ScoreSnapshot],
    samples: Sequence[Sample],
    now: datetime,
) -> ValidatorFacts:
    """A validator's facts from its last 25 hours of scores and observations (oldest
    first); data older than STALE_AFTER at `now` is not used for judging."""
    score = scores[-1] if scores and now - scores[-1].calculated_at <= STALE_AFTER else None
    latest = samples[-1] if samples and now - samples[-1].observed_at <= STALE_AFTER else None
    reference_score = (
        None
        if score is None
        else _reference_of(scores, score.calculated_at, lambda s: s.calculated_at)
    )
    reference = (
        None
        if latest is None
        else _reference_of(samples, latest.observed_at, lambda s: s.observed_at)
    )
    recent: list[Sample] = []
    changed_at = None
    if latest is not None:
        recent = [s for s in samples if s.observed_at >= latest.observed_at - DOWN_FOR]
        run_start = latest
        for sample in reversed(samples):
            if sample.commission != latest.commission:
                changed_at = run_start.observed_at
                break
            run_start = sample
    return ValidatorFacts(
        chain=chain,
        validator=validator,
        name=name,
        score=score,
        reference_score=reference_score,
        latest=latest,
        reference=reference,
        recent=recent,
        commission_changed_at=changed_at,
    )
