"""The one-line English explanation of a firing or resolution, with its cause from the
VRS factor history, e.g. "score fell 12 points to 61: commission 5 % → 8 % on
2026-12-01, uptime 99.2 % → 97.0 %". Delivery (slice A2) renders the rest per channel
from the notice's before/after/factors.

`causes(facts)` is the notice's `factors`: per VRS factor whose score or measured value
changed between the 24-hour-old and the newest figures,
`{"scoreBefore", "scoreAfter", "valueBefore", "valueAfter", "changedOn"}` (only the keys
known; values in percent as text, `changedOn` an ISO date).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.alerts.evaluation import ValidatorFacts

SLASHED = "validator was slashed: part of its stake was burned and it is being removed"
TOMBSTONED = "validator was tombstoned: slashed for double-signing and permanently removed"
JAILED = "validator is jailed: it left the active set and earns no rewards"

_ORDER = ("commission", "uptime", "performance", "slashing", "decentralization")


def pct(value: Decimal, places: int | None = None) -> str:
    """5 → "5 %", 99.2 → "99.2 %" (`places`: fixed decimals)."""
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places))} %"
    text = format(value.normalize(), "f")
    return f"{text} %"


def _date(moment: datetime | None) -> str:
    return "" if moment is None else f" on {moment.date().isoformat()}"


def causes(facts: ValidatorFacts) -> dict[str, Any]:
    """Per changed factor: its score and measured value before and after."""
    out: dict[str, dict[str, Any]] = {}
    score, reference = facts.score, facts.reference_score
    if score is not None and reference is not None:
        for name, after in score.factors.items():
            before = reference.factors.get(name)
            if before is not None and after is not None and before != after:
                out.setdefault(name, {}).update(scoreBefore=before, scoreAfter=after)
    latest, earlier = facts.latest, facts.reference
    if latest is not None and earlier is not None:
        if (
            latest.commission is not None
            and earlier.commission is not None
            and latest.commission != earlier.commission
        ):
            entry = out.setdefault("commission", {})
            entry.update(
                valueBefore=pct(earlier.commission * 100), valueAfter=pct(latest.commission * 100)
            )
            if facts.commission_changed_at is not None:
                entry["changedOn"] = facts.commission_changed_at.date().isoformat()
        if latest.uptime is not None and earlier.uptime is not None:
            up_before, up_after = earlier.uptime * 100, latest.uptime * 100
            if abs(up_before - up_after) >= Decimal("0.1"):
                out.setdefault("uptime", {}).update(
                    valueBefore=pct(up_before, 1), valueAfter=pct(up_after, 1)
                )
    return {name: out[name] for name in sorted(out, key=_rank)}


def _rank(name: str) -> int:
    return _ORDER.index(name) if name in _ORDER else len(_ORDER)


def explain(factors: dict[str, Any]) -> str:
    """ "commission 5 % → 8 % on 2026-12-01, uptime 99.2 % → 97.0 %" (measured values
    where known, else the factor's score)."""
    parts = []
    for name, change in factors.items():
        if "valueBefore" in change:
            changed = f" on {change['changedOn']}" if "changedOn" in change else ""
            parts.append(f"{name} {change['valueBefore']} → {change['valueAfter']}{changed}")
        elif "scoreBefore" in change:
            parts.append(f"{name} score {change['scoreBefore']} → {change['scoreAfter']}")
    return ", ".join(parts)


def _with(head: str, factors: dict[str, Any]) -> str:
    why = explain(factors)
    return f"{head}: {why}" if why else head


def score_fell(before: int, after: int, factors: dict[str, Any]) -> str:
    return _with(f"score fell {before - after} points to {after}", factors)


def score_below(total: int, threshold: int, factors: dict[str, Any]) -> str:
    return _with(f"score {total} is below {threshold}", factors)


def commission_raised(before: Decimal, after: Decimal, changed: datetime | None) -> str:
    return f"commission raised {pct(before)} → {pct(after)}{_date(changed)}"


def commission_above(
    now: Decimal, threshold: Decimal, before: Decimal | None, changed: datetime | None
) -> str:
    head = f"commission {pct(now)} is above {pct(threshold)}"
    if before is not None and before != now:
        return f"{head} (was {pct(before)}; changed{_date(changed) or ' recently'})"
    return head


def down(condition: str, since: datetime) -> str:
    what = "delinquent (not voting)" if condition == "delinquent" else "offline (not attesting)"
    return f"validator has been {what} since {since:%Y-%m-%d %H:%M} UTC"


def current(facts: ValidatorFacts) -> dict[str, Any]:
    """The figures a resolution reports as "after"."""
    out: dict[str, Any] = {}
    if facts.score is not None and facts.score.total is not None:
        out["total"] = facts.score.total
    if facts.latest is not None and facts.latest.commission is not None:
        out["commission"] = format((facts.latest.commission * 100).normalize(), "f")
    return out


def resolved(condition: str, facts: ValidatorFacts) -> str:
    now = current(facts)
    if condition in ("vrs_drop", "vrs_below") and "total" in now:
        return f"resolved: score recovered to {now['total']}"
    if condition.startswith("commission") and "commission" in now:
        return f"resolved: commission is {pct(Decimal(now['commission']))} again"
    return {
        "jailed": "resolved: validator is no longer jailed",
        "delinquent": "resolved: validator is voting again",
        "offline": "resolved: validator is attesting again",
        "slashed": "resolved: validator no longer reported as slashed",
        "tombstoned": "resolved: validator no longer reported as tombstoned",
    }.get(condition, f"resolved: {condition} no longer holds")
