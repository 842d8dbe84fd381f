"""The calculator caches a breakdown as a domain value: encoding and decoding give back
exactly the same RealYield (decimals exact, times aware), and an entry in an unknown
format is refused (the service then builds it anew)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.models import Chain
from domain.real_yield import DEFAULTS, ChainInputs, NetworkYieldContext, ValidatorInputs
from services.real_yield import decode_yield, encode_yield


def test_a_breakdown_survives_the_cache_exactly() -> None:
    inputs = ChainInputs(
        chain=Chain.SOL,
        nominal=Decimal("0.071234567890123456"),
        inflation=Decimal("0.045"),
        fetched_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
        fallback=("inflation",),
    )
    context = NetworkYieldContext(inputs, Decimal("0.05"), DEFAULTS)
    for result in (
        context.network(),
        context.validator(ValidatorInputs("Vote1", Decimal("0.1"), performance=Decimal("0.97"))),
    ):
        assert decode_yield(encode_yield(result)) == result


@pytest.mark.parametrize(
    "raw", [b'{"data": {"chain": "sol"}, "meta": {}}', json.dumps({"v": 2}).encode(), b"[]"]
)
def test_an_entry_in_another_format_is_refused(raw: bytes) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        decode_yield(raw)
