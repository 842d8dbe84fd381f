"""What makes an alert rule valid (story 5.3): thresholds per type, scope and channels.

- `vrs_drop`: threshold required, whole points 1–100 ("the score fell by ≥ N");
- `vrs_below`: threshold required, whole points 1–100 ("the score is under N");
- `commission_increase`: threshold optional; none = any raise, N = commission above N %
  (0 < N < 100);
- `slashing`, `jailed_or_delinquent`: no threshold.

Scope: a validator needs its chain (`validatorId` is `<chain>:<address>`); no validator =
every validator of my positions on `chain`, or on all chains when `chain` is none too.
Channels: one or more of email and webhook, each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from domain.alerts.model import AlertChannel, AlertType
from domain.errors import InvalidInput
from domain.models import Chain

POINTS = (Decimal(1), Decimal(100))
PERCENT = (Decimal(0), Decimal(100))  # exclusive both ends

THRESHOLD_REQUIRED = {AlertType.VRS_DROP, AlertType.VRS_BELOW}
THRESHOLD_OPTIONAL = {AlertType.COMMISSION_INCREASE}


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as the user asks for it, checked by `check_rule`."""

    type: AlertType
    chain: Chain | None
    validator: str | None
    threshold: Decimal | None
    channels: tuple[AlertChannel, ...]


def _fail(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": field})


def parse_type(value: str) -> AlertType:
    try:
        return AlertType(value)
    except ValueError:
        allowed = ", ".join(t.value for t in AlertType)
        raise _fail("type", f"Unknown alert type {value!r}; one of: {allowed}.") from None


def check_threshold(kind: AlertType, threshold: Decimal | None) -> Decimal | None:
    """The threshold normalised for `kind`; InvalidInput naming the field otherwise."""
    if threshold is None:
        if kind in THRESHOLD_REQUIRED:
            raise _fail("threshold", f"A {kind.value} alert needs a threshold in points (1–100).")
        return None
    if kind not in THRESHOLD_REQUIRED | THRESHOLD_OPTIONAL:
        raise _fail("threshold", f"A {kind.value} alert takes no threshold.")
    try:
        if not threshold.is_finite():
            raise InvalidOperation
    except (InvalidOperation, AttributeError):
        raise _fail("threshold", "The threshold must be a finite number.") from None
    if kind in THRESHOLD_REQUIRED:
        low, high = POINTS
        if threshold != threshold.to_integral_value() or not low <= threshold <= high:
            raise _fail("threshold", f"A {kind.value} threshold is whole points from 1 to 100.")
        return threshold.quantize(Decimal(1))
    low, high = PERCENT
    if not low < threshold < high or threshold.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _fail(
            "threshold",
            "A commission threshold is a percentage above 0 and below 100 "
            "(at most two decimals), or none for any raise.",
        )
    return threshold.normalize()


def check_scope(chain: Chain | None, validator: str | None) -> None:
    if validator is not None and chain is None:
        raise _fail("chain", "A single-validator alert needs the validator's chain.")
    if validator is not None and not validator.strip():
        raise _fail("validatorId", "The validator id is empty.")


def check_channels(channels: Sequence[str]) -> tuple[AlertChannel, ...]:
    if not channels:
        raise _fail("channels", "Choose at least one channel: email or webhook.")
    parsed: list[AlertChannel] = []
    for value in channels:
        try:
            channel = AlertChannel(value)
        except ValueError:
            raise _fail("channels", f"Unknown channel {value!r}; email or webhook.") from None
        if channel in parsed:
            raise _fail("channels", f"The channel {value!r} is listed twice.")
        parsed.append(channel)
    return tuple(parsed)


def check_rule(
    kind: str,
    chain: Chain | None,
    validator: str | None,
    threshold: Decimal | None,
    channels: Sequence[str],
) -> RuleSpec:
    """A valid rule, or InvalidInput naming the first field that is wrong."""
    parsed = parse_type(kind)
    check_scope(chain, validator)
    return RuleSpec(
        type=parsed,
        chain=chain,
        validator=validator,
        threshold=check_threshold(parsed, threshold),
        channels=check_channels(channels),
    )
