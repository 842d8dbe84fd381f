"""The hourly run trusts the context memo for a whole day rolled up when the memo's hours
of that day hold as many rows as its rollups (infrastructure/db/repositories/vrs_inputs.py):
a day that grew, a day cut by the horizon or today is counted again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.vrs import HourStats
from infrastructure.db.repositories.vrs_inputs import _outside, _vouched_days

HOUR = timedelta(hours=1)
SINCE = datetime(2026, 11, 1, 13, tzinfo=UTC)
UNTIL = datetime(2026, 11, 4, 13, tzinfo=UTC)
STATS = HourStats(100, None, Decimal("0.01"), None)


def memo_of(start: datetime, end: datetime, rows: int) -> dict[datetime, tuple[int, HourStats]]:
    found = {}
    at = start
    while at <= end:
        found[at] = (rows, STATS)
        at += HOUR
    return found


def test_whole_days_whose_rows_match_are_vouched_for() -> None:
    memo = memo_of(SINCE, UNTIL - HOUR, 10)
    settled = {
        date(2026, 11, 1): 110,  # cut by the horizon: never
        date(2026, 11, 2): 240,  # unchanged
        date(2026, 11, 3): 241,  # a late row since the memo
    }
    assert _vouched_days(SINCE, UNTIL, memo, settled) == {date(2026, 11, 2)}
    assert _vouched_days(SINCE, UNTIL, memo, {}) == set()
    # a day rolled up with nothing observed: nothing to count while nothing is
    unseen = {h: v for h, v in memo.items() if h.date() != date(2026, 11, 2)}
    assert _vouched_days(SINCE, UNTIL, unseen, {date(2026, 11, 2): 0}) == {date(2026, 11, 2)}
    assert _vouched_days(SINCE, UNTIL, unseen, {date(2026, 11, 3): 0}) == set()
    # the memo lacks an hour of the day the rollups hold: counted again
    del memo[datetime(2026, 11, 2, 5, tzinfo=UTC)]
    assert _vouched_days(SINCE, UNTIL, memo, settled) == set()


def test_the_rest_of_the_range_is_counted() -> None:
    day = date(2026, 11, 2)
    ranges = _outside(SINCE, UNTIL, {day})
    midnight = datetime(2026, 11, 2, tzinfo=UTC)
    assert ranges == [
        (SINCE, midnight),
        (midnight + timedelta(days=1), UNTIL + timedelta(microseconds=1)),
    ]
    assert _outside(SINCE, UNTIL, set()) == [(SINCE, UNTIL + timedelta(microseconds=1))]
