"""The rewards export (CSV for taxes): one row per reward event, and the cell rules that
keep it safe in a spreadsheet.

Columns: the event's time (UTC, ISO 8601), chain, the wallet's full address (the user's
own export), validator, position, kind, the amount in whole tokens and in base units,
the asset, that UTC day's close in the chosen currency and the fiat value (amount ×
close, exact: round the total, not the rows), the source (tx, slot, epoch …), the epoch,
the period and whether the amount is estimated. No close for the day: price and value
are empty, never guessed.

CSV injection (OWASP): a *text* cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with `'`, so no spreadsheet reads it as a formula. *Number*
cells are written by us from decimals and checked to be plain numbers (`-0.0012`): they
stay numbers, negative ones included (a penalty is a negative amount, not a formula).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal

from domain.amounts import coins
from domain.models import Chain
from domain.rewards.events import RewardEvent

ASSETS = {Chain.ETH: "ETH", Chain.SOL: "SOL", Chain.ATOM: "ATOM"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def header(currency: str) -> list[str]:
    return [
        "date_utc",
        "chain",
        "wallet",
        "validator",
        "position",
        "kind",
        "amount",
        "asset",
        "amount_base_units",
        f"price_{currency}",
        f"value_{currency}",
        "source",
        "epoch",
        "period",
        "estimated",
    ]


def text_cell(value: str | None) -> str:
    """A text cell, never read as a formula."""
    if value is None:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def number_cell(value: Decimal | int | None) -> str:
    """A number as plain decimal text (no exponent); refuses anything else."""
    if value is None:
        return ""
    text = str(value) if isinstance(value, int) else _plain(value)
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a plain number: {text!r}")
    return text


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class ExportRow:
    event: RewardEvent
    amount: Decimal  # whole tokens
    price: Decimal | None  # the day's close in the export's currency
    value: Decimal | None  # amount × price, exact

    def cells(self) -> list[str]:
        e = self.event
        return [
            text_cell(e.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
            text_cell(e.chain.value),
            text_cell(e.owner),
            text_cell(e.validator),
            text_cell(e.position_key),
            text_cell(e.kind.value),
            number_cell(self.amount),
            text_cell(ASSETS[e.chain]),
            number_cell(e.amount),
            number_cell(self.price),
            number_cell(self.value),
            text_cell(e.source),
            number_cell(e.epoch),
            text_cell(e.period),
            "true" if e.estimated else "false",
        ]


def export_row(
    event: RewardEvent, closes: Mapping[tuple[str, date, str], Decimal], currency: str
) -> ExportRow:
    amount = coins(event.chain, event.amount)
    day = event.occurred_at.astimezone(UTC).date()
    price = closes.get((event.chain.value, day, currency))
    value = None
    if price is not None:
        with decimal.localcontext() as context:
            context.prec = 60  # exact
            value = amount * price
    return ExportRow(event=event, amount=amount, price=price, value=value)
