"""The export's rows and cells: CSV injection, numbers stay numbers, no guessed prices."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.models import Chain
from domain.rewards.daily_prices import daily_closes, days_between, missing_days
from domain.rewards.events import RewardEvent, RewardKind
from domain.rewards.export import export_row, header, number_cell, text_cell

AT = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)


def event(amount: int, **changes: object) -> RewardEvent:
    values: dict[str, object] = {
        "chain": Chain.ETH,
        "owner": "0x" + "ab" * 20,
        "position_key": "1234",
        "validator": "1234",
        "period": "ingest:2026-03-01T14:00Z",
        "kind": RewardKind.REWARD,
        "amount": amount,
        "occurred_at": AT,
    }
    values.update(changes)
    return RewardEvent(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_cells_that_start_like_a_formula_are_escaped(start: str) -> None:
    assert text_cell(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'
    assert text_cell("plain") == "plain" and text_cell(None) == ""


def test_numbers_stay_numbers_negative_ones_included() -> None:
    assert number_cell(Decimal("-0.0012")) == "-0.0012"
    assert number_cell(Decimal("1.500000000")) == "1.5"
    assert number_cell(Decimal("0E-9")) == "0"
    assert number_cell(-42) == "-42"
    assert number_cell(None) == ""
    with pytest.raises(ValueError):
        number_cell(Decimal("NaN"))


def test_a_row_has_the_days_close_and_the_exact_value() -> None:
    closes = {("eth", date(2026, 3, 1), "eur"): Decimal("2800.13")}
    row = export_row(event(-1_200_000, kind=RewardKind.PENALTY), closes, "eur")
    assert row.amount == Decimal("-0.0012")
    assert row.value == Decimal("-3.360156")  # exact, not rounded per row
    cells = row.cells()
    assert len(cells) == len(header("eur"))
    assert cells[0] == "2026-03-01T14:00:00Z"
    assert cells[2] == "0x" + "ab" * 20  # the full address: the user's own export
    assert cells[5] == "penalty" and cells[6] == "-0.0012" and cells[8] == "-1200000"
    assert cells[9] == "2800.13" and cells[10] == "-3.360156"
    missing = export_row(event(5), closes, "usd").cells()
    assert missing[9] == "" and missing[10] == ""  # no close: empty, never guessed


def test_an_injected_validator_name_cannot_become_a_formula_in_a_real_csv() -> None:
    row = export_row(event(1, validator="=cmd|' /C calc'!A0", source="@SUM(A1)"), {}, "usd")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row.cells())
    (parsed,) = list(csv.reader(io.StringIO(out.getvalue())))
    assert parsed[3] == "'=cmd|' /C calc'!A0" and parsed[11] == "'@SUM(A1)"
    assert not any(c.startswith(("=", "+", "@")) for c in parsed)


def test_daily_closes_take_each_utc_days_last_point() -> None:
    points = [
        (datetime(2026, 3, 1, 0, tzinfo=UTC), Decimal("10")),
        (datetime(2026, 3, 1, 23, tzinfo=UTC), Decimal("12")),
        (datetime(2026, 3, 1, 12, tzinfo=UTC), Decimal("11")),
        (datetime(2026, 3, 2, 0, tzinfo=UTC), Decimal("13")),
        (datetime(2026, 3, 3, 5, tzinfo=UTC), Decimal("0")),  # not a price
    ]
    closes = daily_closes(Chain.SOL, "usd", points)
    assert [(c.day, c.price) for c in closes] == [
        (date(2026, 3, 1), Decimal("12")),
        (date(2026, 3, 2), Decimal("13")),
    ]
    assert missing_days(days_between(date(2026, 3, 1), date(2026, 3, 3)), [date(2026, 3, 2)]) == [
        date(2026, 3, 1),
        date(2026, 3, 3),
    ]
