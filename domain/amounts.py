"""Amounts valued: base units of a chain, their decimal coin value and, when a price is
known, their fiat value in cents (the API's one amount shape, before it becomes text).
Used by the portfolio, real yield and any other chain datum that is an amount."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.chains import BASE_UNIT_DECIMALS
from domain.models import Chain

CENTS = Decimal("0.01")
CURRENCIES: tuple[str, ...] = ("usd", "eur")

# (chain, currency) -> price of one whole coin; chain and currency as text ("sol", "usd")
Prices = Mapping[tuple[str, str], Decimal]


@dataclass(frozen=True, slots=True)
class FiatValue:
    """Fiat values rounded to cents (None: no price in that currency)."""

    usd: Decimal | None = None
    eur: Decimal | None = None

    def get(self, currency: str) -> Decimal | None:
        value: Decimal | None = getattr(self, currency)
        return value


@dataclass(frozen=True, slots=True)
class Valued:
    chain: Chain
    base_units: int
    coins: Decimal  # base_units in whole coins (ETH, SOL, ATOM)
    fiat: FiatValue | None  # None: no price at all for the chain


def coins(chain: Chain, base_units: int) -> Decimal:
    return Decimal(base_units).scaleb(-BASE_UNIT_DECIMALS[chain])


def fiat(chain: Chain, amount: Decimal, prices: Prices) -> FiatValue | None:
    """`amount` whole coins of `chain` in each currency with a price (None: none has)."""
    usd, eur = prices.get((chain.value, "usd")), prices.get((chain.value, "eur"))
    if usd is None and eur is None:
        return None
    return FiatValue(
        usd=None if usd is None else (amount * usd).quantize(CENTS),
        eur=None if eur is None else (amount * eur).quantize(CENTS),
    )


def value(chain: Chain, base_units: int, prices: Prices) -> Valued:
    whole = coins(chain, base_units)
    return Valued(chain=chain, base_units=base_units, coins=whole, fiat=fiat(chain, whole, prices))


def fiat_total(values: Sequence[Valued]) -> FiatValue:
    """Per currency the sum of the values that have that currency's price (None: none)."""
    totals: dict[str, Decimal | None] = dict.fromkeys(CURRENCIES)
    for item in values:
        for currency in CURRENCIES:
            part = item.fiat.get(currency) if item.fiat else None
            if part is not None:
                totals[currency] = (totals[currency] or Decimal(0)) + part
    return FiatValue(usd=totals["usd"], eur=totals["eur"])
