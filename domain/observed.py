"""The observed set: the validators the hourly ingest observes and the VRS step scores.

SOL and ATOM: every validator (their sets are small). ETH: the ~1.1M-validator set is
stored whole but observed only where someone stakes, watches, or — signed in — viewed a
validator (its detail or its score). A public GET must not grow the set without bound, so
views by anonymous callers add nothing, and views add at most `VIEWS_PER_HOUR` validators
an hour and `VIEWS_TOTAL` in all (beyond those, a view still answers, pending with the
reason `not_observed`; staking or watching still adds).
"""

from __future__ import annotations

from enum import StrEnum

VIEWS_PER_HOUR = 100
VIEWS_TOTAL = 5_000


class ObservedSource(StrEnum):
    VIEW = "view"


def may_add_viewed(added_this_hour: int, added_in_all: int) -> bool:
    """May one more viewed validator join the observed set?"""
    return added_this_hour < VIEWS_PER_HOUR and added_in_all < VIEWS_TOTAL
