"""One decimal context for every calculation: the same inputs give the same digits
whatever context the caller has set."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

PRECISION = 28
STORED = Decimal("1e-18")  # places kept in results (and the database): far below display


def exact() -> AbstractContextManager[Context]:
    return localcontext(Context(prec=PRECISION, rounding=ROUND_HALF_EVEN))


def rounded(value: Decimal) -> Decimal:
    """`value` to the stored places; never "-0"."""
    result = value.quantize(STORED, rounding=ROUND_HALF_EVEN)
    return result if result else Decimal(0).quantize(STORED)
