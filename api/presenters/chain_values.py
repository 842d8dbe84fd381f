"""Presenters of values every chain read shares: amounts (contract v1: base units and
display as text, fiat in cents when a price is known), decimal text, freshness blocks."""

from __future__ import annotations

from decimal import Decimal

from api.schemas.common import Amount, Fiat, Freshness, LastError
from domain.amounts import FiatValue, Prices, Valued, value
from domain.freshness import FetchError
from domain.freshness import Freshness as ChainFreshness
from domain.models import Chain


def decimal_text(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros ("0.05", "100", "0")."""
    return format(number.normalize(), "f") if number else "0"


def fiat(values: FiatValue) -> Fiat:
    return Fiat(
        usd=None if values.usd is None else str(values.usd),
        eur=None if values.eur is None else str(values.eur),
    )


def amount(valued: Valued) -> Amount:
    return Amount(
        base_units=str(valued.base_units),
        display=decimal_text(valued.coins),
        fiat=None if valued.fiat is None else fiat(valued.fiat),
    )


def amount_of(chain: Chain, base_units: int, prices: Prices) -> Amount:
    """`base_units` of `chain` as an Amount (fiat from `prices`; `{}`: none)."""
    return amount(value(chain, base_units, prices))


def last_error(error: FetchError | None) -> LastError | None:
    return None if error is None else LastError(at=error.at, code=error.code, message=error.message)


def freshness(state: ChainFreshness) -> Freshness:
    return Freshness(
        fetched_at=state.fetched_at, stale=state.stale, last_error=last_error(state.last_error)
    )
