"""The validator list's pure parts: ids, sort keys, the freshness block (stale after two
hours, the failure since the last success with a stable code and no stored text), the
amount shape, and the cursor's strict decoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from api.cursors import CursorSigner
from api.presenters.validators import amount, position
from domain.chains import ChainSync, Validator, ValidatorStatus
from domain.errors import InvalidCursor, NotFound
from domain.freshness import FETCH_FAILED, STALE_AFTER, freshness
from domain.models import Chain
from domain.validators import (
    NO_COMMISSION,
    UNSCORED_KEY,
    LatestScore,
    ListedValidator,
    PagePosition,
    ValidatorSort,
    parse_validator_id,
    sort_key,
)
from domain.vrs.model import ScoreConfidence, VrsStatus

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def test_validator_ids() -> None:
    assert parse_validator_id("sol:Vote1") == (Chain.SOL, "Vote1")
    assert parse_validator_id("eth:12:3") == (Chain.ETH, "12:3")  # the address keeps colons
    for bad in ("sol:", "sol", "xrp:1", ":abc", ""):
        with pytest.raises(NotFound):
            parse_validator_id(bad)


def test_sort_keys_match_the_listing_order() -> None:
    v = ListedValidator(
        Validator(Chain.ATOM, "valoper1", ValidatorStatus.ACTIVE, 7, NOW, name="MiXed"), None
    )
    assert sort_key(v, ValidatorSort.STAKE) == -7  # largest first
    assert sort_key(v, ValidatorSort.NAME) == "mixed"
    assert sort_key(v, ValidatorSort.COMMISSION) == NO_COMMISSION  # none: as 100 %
    assert sort_key(v, ValidatorSort.VRS) == UNSCORED_KEY  # unscored: after every score
    rate = Decimal("0.050")
    rated = ListedValidator(
        Validator(Chain.ATOM, "valoper2", ValidatorStatus.ACTIVE, 7, NOW, commission=rate),
        LatestScore(VrsStatus.SCORED, ScoreConfidence.HIGH, 87, NOW),
    )
    assert sort_key(rated, ValidatorSort.COMMISSION) == "0.050"  # as the column stores it
    assert sort_key(rated, ValidatorSort.VRS) == -87  # highest total first
    pending = LatestScore(VrsStatus.PENDING, ScoreConfidence.LOW, None, NOW)
    assert sort_key(ListedValidator(v.validator, pending), ValidatorSort.VRS) == UNSCORED_KEY


def sync(success: datetime | None, failed: datetime | None, error: str | None) -> ChainSync:
    return ChainSync(
        Chain.SOL, "validators", last_success_at=success, last_error_at=failed, last_error=error
    )


def test_freshness() -> None:
    never = freshness(None, NOW)
    assert (never.fetched_at, never.stale, never.last_error) == (None, True, None)
    recent = sync(NOW - STALE_AFTER, None, None)
    assert not freshness(recent, NOW).stale
    assert freshness(recent, NOW + timedelta(seconds=1)).stale
    # a failure before the last success is history, not news
    healed = sync(NOW, NOW - timedelta(hours=1), "ChainUnavailable: x")
    assert freshness(healed, NOW).last_error is None
    failed = sync(NOW - timedelta(hours=1), NOW, "ChainDataInvalid: https://rpc/?key=S")
    error = freshness(failed, NOW).last_error
    assert error is not None and (error.at, error.code) == (NOW, "CHAIN_DATA_INVALID")
    assert "rpc" not in error.message and "key=S" not in error.message
    odd = freshness(sync(None, NOW, "RuntimeError: boom"), NOW).last_error
    assert odd is not None and odd.code == FETCH_FAILED and "boom" not in odd.message


def test_amounts() -> None:
    sol = amount(Chain.SOL, 1_500_000_001, {"usd": Decimal("150.5")})
    assert (sol.base_units, sol.display) == ("1500000001", "1.500000001")
    assert sol.fiat is not None and (sol.fiat.usd, sol.fiat.eur) == ("225.75", None)
    atom = amount(Chain.ATOM, 2_000_000, {})
    assert (atom.display, atom.fiat) == ("2", None)
    assert amount(Chain.ETH, 0, None).display == "0"


SIGNER = CursorSigner("k" * 32)


@pytest.mark.parametrize(
    ("sort", "key"),
    [(ValidatorSort.STAKE, -5), (ValidatorSort.COMMISSION, "0.05"), (ValidatorSort.NAME, "a b")],
)
def test_cursors_round_trip(sort: ValidatorSort, key: int | str) -> None:
    cursor = SIGNER.sign({"c": "sol", "s": sort.value, "k": key, "a": "Va1"})
    assert position(SIGNER, cursor, Chain.SOL, sort) == PagePosition(key, "Va1")


@pytest.mark.parametrize(
    "values",
    [
        {"c": "sol", "s": "stake", "k": True, "a": "x"},  # a bool is not a stake
        {"c": "sol", "s": "stake", "k": 2**63, "a": "x"},  # past BIGINT
        {"c": "sol", "s": "stake", "k": "5", "a": "x"},
        {"c": "sol", "s": "stake", "k": 5, "a": ""},
        {"c": "eth", "s": "stake", "k": 5, "a": "x"},
        {"c": "sol", "s": "name", "k": 5, "a": "x"},
    ],
)
def test_cursors_are_strict(values: dict[str, object]) -> None:
    with pytest.raises(InvalidCursor):
        position(SIGNER, SIGNER.sign(values), Chain.SOL, ValidatorSort.STAKE)
