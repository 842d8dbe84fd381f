"""Why a validator's score fell: the last drop of its daily history (a fall of more than
10 points within 7 days, domain/vrs/history.py) with the factors that moved between the
day it fell from and the day it fell to, attributed as the alerts attribute a drop
(`domain.alerts.messages.causes`), within the factors the tier sees."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date

from domain.alerts.evaluation import ScoreSnapshot, ValidatorFacts
from domain.alerts.messages import causes
from domain.vrs.history import HistoryPoint, last_per_day
from domain.vrs.model import Factor, VrsScore
from domain.vrs.tiers import visible_factors


@dataclass(frozen=True, slots=True)
class FactorChange:
    factor: Factor
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class LastDrop:
    since: date  # the day of the higher score it fell from
    day: date  # the day it fell to
    before: int  # totals in the tier's view
    after: int
    causes: tuple[FactorChange, ...]  # the biggest fall first; rises after the falls

    @property
    def fell(self) -> int:
        return self.before - self.after


def _snapshot(score: VrsScore, factors: Sequence[Factor]) -> ScoreSnapshot:
    return ScoreSnapshot(
        calculated_at=score.calculated_at,
        total=score.total,
        factors={f.value: score.scores.get(f) for f in factors},
    )


def last_drop(
    points: Sequence[HistoryPoint], scores: Iterable[VrsScore], factors_shown: int
) -> LastDrop | None:
    """The newest flagged point of `points` and why it fell; None without one. `scores`
    are the stored scores the points were made of (the days before the window too)."""
    drop = next((p for p in reversed(points) if p.drop), None)
    if drop is None or drop.drop_since is None or drop.total is None or drop.drop_points is None:
        return None
    daily = {s.calculated_at.astimezone(UTC).date(): s for s in last_per_day(scores)}
    higher, lower = daily.get(drop.drop_since), daily.get(drop.day)
    changes: list[FactorChange] = []
    if higher is not None and lower is not None:
        shown = visible_factors(factors_shown)  # a locked factor is never explained
        facts = ValidatorFacts(
            chain=lower.chain,
            validator=lower.validator,
            score=_snapshot(lower, shown),
            reference_score=_snapshot(higher, shown),
        )
        for name, change in causes(facts).items():
            if "scoreBefore" in change:
                changes.append(
                    FactorChange(Factor(name), change["scoreBefore"], change["scoreAfter"])
                )
    changes.sort(key=lambda c: c.delta)  # stable: ties keep the alerts' order
    return LastDrop(
        since=drop.drop_since,
        day=drop.day,
        before=drop.total + drop.drop_points,
        after=drop.total,
        causes=tuple(changes),
    )
