from decimal import Decimal

import pytest

from domain.alerts.model import AlertChannel, AlertType
from domain.alerts.rules import check_rule
from domain.errors import InvalidInput
from domain.models import Chain


def field_of(exc: pytest.ExceptionInfo[InvalidInput]) -> str:
    return str(exc.value.details["field"])


def test_a_vrs_drop_needs_whole_points_from_1_to_100() -> None:
    spec = check_rule("vrs_drop", Chain.SOL, "vote1", Decimal("10"), ["email"])
    assert (spec.type, spec.threshold) == (AlertType.VRS_DROP, Decimal(10))
    for bad in (None, Decimal("0"), Decimal("101"), Decimal("2.5")):
        with pytest.raises(InvalidInput) as exc:
            check_rule("vrs_drop", Chain.SOL, "vote1", bad, ["email"])
        assert field_of(exc) == "threshold"


def test_commission_takes_a_percentage_or_none_for_any_raise() -> None:
    assert check_rule("commission_increase", None, None, None, ["email"]).threshold is None
    assert check_rule("commission_increase", None, None, Decimal("10.50"), ["email"]).threshold == (
        Decimal("10.5")
    )
    for bad in (Decimal("0"), Decimal("100"), Decimal("5.125")):
        with pytest.raises(InvalidInput):
            check_rule("commission_increase", None, None, bad, ["email"])


def test_event_types_take_no_threshold() -> None:
    for kind in ("slashing", "jailed_or_delinquent"):
        assert check_rule(kind, Chain.ATOM, None, None, ["webhook"]).threshold is None
        with pytest.raises(InvalidInput) as exc:
            check_rule(kind, Chain.ATOM, None, Decimal(5), ["email"])
        assert field_of(exc) == "threshold"


def test_scope_channels_and_type_are_checked() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_rule("slashing", None, "vote1", None, ["email"])
    assert field_of(exc) == "chain"
    with pytest.raises(InvalidInput) as exc:
        check_rule("slashing", None, None, None, [])
    assert field_of(exc) == "channels"
    with pytest.raises(InvalidInput) as exc:
        check_rule("slashing", None, None, None, ["email", "email"])
    assert field_of(exc) == "channels"
    with pytest.raises(InvalidInput) as exc:
        check_rule("price_moon", None, None, None, ["email"])
    assert field_of(exc) == "type"
    spec = check_rule("slashing", None, None, None, ["webhook", "email"])
    assert spec.channels == (AlertChannel.WEBHOOK, AlertChannel.EMAIL)
