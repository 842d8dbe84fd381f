"""Evaluation: which conditions hold, once per 24 h, resolved notices, and the message
that explains the change from the factor history."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from domain.alerts.evaluation import (
    ConditionState,
    Sample,
    ScoreSnapshot,
    Transition,
    facts_from,
    step,
)
from domain.alerts.model import AlertChannel, AlertRule, AlertType, NoticeKind
from domain.models import Chain

T0 = datetime(2026, 12, 2, 12, tzinfo=UTC)
H = timedelta(hours=1)


def rule(kind: AlertType, threshold: str | None = None, resolved: bool = True) -> AlertRule:
    return AlertRule(
        id=uuid4(),
        user_id=uuid4(),
        type=kind,
        chain=Chain.SOL,
        validator="vote1",
        threshold=None if threshold is None else Decimal(threshold),
        notify_resolved=resolved,
        channels=(AlertChannel.EMAIL,),
        active=True,
        created_at=T0 - 48 * H,
    )


def scores(now: datetime, before: int, after: int, changed: dict[str, tuple[int, int]]) -> list:
    old = {"uptime": 90, "commission": 90, **{k: v[0] for k, v in changed.items()}}
    new = {"uptime": 90, "commission": 90, **{k: v[1] for k, v in changed.items()}}
    return [
        ScoreSnapshot(now - 24 * H, before, old),
        ScoreSnapshot(now - H, before, old),
        ScoreSnapshot(now, after, new),
    ]


def samples(
    now: datetime,
    commission: Sequence[str] = ("0.05",),
    status: Sequence[str] = ("active",),
    uptime: tuple[str, str] = ("0.992", "0.992"),
    chain_hours: int = 25,
) -> list[Sample]:
    """Hourly samples up to `now`; the last len(commission) hours take those rates (the
    earlier ones the first), likewise statuses."""
    out = []
    for n in range(chain_hours, -1, -1):
        at = now - n * H
        c = commission[max(0, len(commission) - 1 - n)] if n < len(commission) else commission[0]
        s = status[max(0, len(status) - 1 - n)] if n < len(status) else status[0]
        out.append(
            Sample(
                at,
                s,
                commission=Decimal(c),
                uptime=Decimal(uptime[1] if n == 0 else uptime[0]),
            )
        )
    return out


def apply(states: dict[str, ConditionState], transitions: list[Transition]) -> None:
    for t in transitions:
        states[t.state.condition] = t.state


def test_a_commission_raise_fires_once_with_its_date_and_resolves_when_it_goes_back() -> None:
    r = rule(AlertType.COMMISSION_INCREASE)
    states: dict[str, ConditionState] = {}
    # raised from 5 % to 8 % three hours ago
    facts = facts_from(
        Chain.SOL, "vote1", "Val", [], samples(T0, ("0.05", "0.08", "0.08", "0.08")), T0
    )
    fired = step(r, facts, states, T0)
    assert [t.notice.kind for t in fired if t.notice] == [NoticeKind.FIRED]
    notice = fired[0].notice
    assert notice is not None
    assert notice.message == "commission raised 5 % → 8 % on 2026-12-02"
    assert notice.factors["commission"]["valueAfter"] == "8 %"
    apply(states, fired)
    # an hour later, still 8 % (and 26 h later the 24-hour-old value is 8 % too): silent
    later = T0 + 26 * H
    still = facts_from(Chain.SOL, "vote1", "Val", [], samples(later, ("0.08",)), later)
    assert step(r, still, states, later) == []
    # back to 5 %: one resolved notice
    back = later + H
    facts = facts_from(Chain.SOL, "vote1", "Val", [], samples(back, ("0.08", "0.05")), back)
    resolved = step(r, facts, states, back)
    assert [t.notice.kind for t in resolved if t.notice] == [NoticeKind.RESOLVED]
    assert resolved[0].notice is not None
    assert resolved[0].notice.message == "resolved: commission is 5 % again"


def test_a_condition_back_within_24_hours_is_recorded_but_not_sent_again() -> None:
    r = rule(AlertType.JAILED_OR_DELINQUENT)
    states: dict[str, ConditionState] = {}

    def at(now: datetime, down: bool) -> list[Transition]:
        status = ("delinquent", "delinquent") if down else ("active",)
        facts = facts_from(Chain.SOL, "vote1", None, [], samples(now, status=status), now)
        out = step(r, facts, states, now)
        apply(states, out)
        return out

    first = at(T0, down=True)
    assert first[0].notice is not None and first[0].state.condition == "delinquent"
    assert "delinquent (not voting) since 2026-12-02 11:00 UTC" in first[0].notice.message
    cleared = at(T0 + 2 * H, down=False)
    assert cleared[0].notice is not None and cleared[0].notice.kind is NoticeKind.RESOLVED
    again = at(T0 + 5 * H, down=True)  # within 24 h of the first notice
    assert len(again) == 1 and again[0].notice is None and again[0].state.holding
    quiet = at(T0 + 6 * H, down=False)  # its firing was not sent: no resolved either
    assert len(quiet) == 1 and quiet[0].notice is None
    later = at(T0 + 30 * H, down=True)
    assert later[0].notice is not None and later[0].notice.kind is NoticeKind.FIRED


def test_delinquent_for_less_than_an_hour_neither_fires_nor_clears() -> None:
    r = rule(AlertType.JAILED_OR_DELINQUENT)
    facts = facts_from(Chain.SOL, "vote1", None, [], samples(T0, status=("delinquent",)), T0)
    # one delinquent sample: the one an hour before was active
    facts_2 = facts_from(
        Chain.SOL, "vote1", None, [], samples(T0, status=("active", "delinquent")), T0
    )
    assert step(r, facts_2, {}, T0) == []
    assert step(r, facts, {}, T0)  # delinquent for the whole last hour: fires


def test_a_score_drop_explains_itself_from_the_factor_history() -> None:
    r = rule(AlertType.VRS_DROP, "10")
    facts = facts_from(
        Chain.SOL,
        "vote1",
        "Val",
        scores(T0, 73, 61, {"commission": (95, 70), "uptime": (92, 80)}),
        samples(T0, ("0.05", "0.08"), uptime=("0.992", "0.970")),
        T0,
    )
    out = step(r, facts, {}, T0)
    assert len(out) == 1 and out[0].notice is not None
    notice = out[0].notice
    assert notice.message == (
        "score fell 12 points to 61: commission 5 % → 8 % on 2026-12-02, uptime 99.2 % → 97.0 %"
    )
    assert notice.before == {"total": 73} and notice.after == {"total": 61}
    assert notice.factors["uptime"] == {
        "scoreBefore": 92,
        "scoreAfter": 80,
        "valueBefore": "99.2 %",
        "valueAfter": "97.0 %",
    }
    small = facts_from(Chain.SOL, "vote1", None, scores(T0, 73, 65, {}), samples(T0), T0)
    assert step(r, small, {}, T0) == []


def test_a_drop_holds_until_the_score_recovers_and_stale_data_changes_nothing() -> None:
    r = rule(AlertType.VRS_DROP, "10")
    states: dict[str, ConditionState] = {}
    apply(
        states,
        step(r, facts_from(Chain.SOL, "v", None, scores(T0, 80, 60, {}), [], T0), states, T0),
    )
    # a day on the score is still 60 (the 24-hour-old one is 60 too): still holding, silent
    later = T0 + 25 * H
    same = facts_from(Chain.SOL, "v", None, scores(later, 60, 60, {}), [], later)
    assert step(r, same, states, later) == []
    # no score within two hours: unknown, nothing changes
    stale = facts_from(Chain.SOL, "v", None, scores(T0, 80, 60, {}), [], T0 + 5 * H)
    assert step(r, stale, states, T0 + 5 * H) == []
    up = facts_from(Chain.SOL, "v", None, scores(later, 60, 75, {}), [], later)
    recovered = step(r, up, states, later)
    assert recovered[0].notice is not None
    assert recovered[0].notice.message == "resolved: score recovered to 75"


def test_slashing_and_jailing_per_chain() -> None:
    atom = rule(AlertType.SLASHING)
    tomb = [Sample(T0, "jailed", jailed=True, slashed=True, tombstoned=True)]
    out = step(atom, facts_from(Chain.ATOM, "val", None, [], tomb, T0), {}, T0)
    assert [t.state.condition for t in out] == ["tombstoned"]
    jail = rule(AlertType.JAILED_OR_DELINQUENT, resolved=False)
    jailed = [Sample(T0, "jailed", jailed=True)]
    out = step(jail, facts_from(Chain.ATOM, "val", None, [], jailed, T0), {}, T0)
    assert [t.state.condition for t in out] == ["jailed"]
    states = {"jailed": out[0].state}
    free = [Sample(T0 + H, "active")]
    cleared = step(jail, facts_from(Chain.ATOM, "val", None, [], free, T0 + H), states, T0 + H)
    assert len(cleared) == 1 and cleared[0].notice is None  # notify_resolved off
    eth = [Sample(T0 - H, "active", uptime=Decimal(0)), Sample(T0, "active", uptime=Decimal(0))]
    out = step(jail, facts_from(Chain.ETH, "42", None, [], eth, T0), {}, T0)
    assert [t.state.condition for t in out] == ["offline"]
