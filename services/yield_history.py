"""Yield history (`GET /api/yield/history`): a chain's network average or one validator's
daily real yield from the immutable snapshots (`yield_snapshots`), capped by the tier's
history days like the VRS history.

Input: `chain` (eth, sol, atom) and/or `validatorId`. A `validatorId` of the form
`<chain>:<address>` names its chain, so `chain` may be left out; when both are given
they must agree (422). A bare address needs `chain`. Unknown chain or validator: 404."""

from __future__ import annotations

from datetime import date

from domain.errors import InvalidInput, NotFound
from domain.models import Chain, Tier
from domain.real_yield.calculation import parse_chain
from domain.real_yield.history import YieldHistoryRead, history_window
from infrastructure.db.uow import SqlUnitOfWork
from services import tiers


def parse_target(chain: str | None, validator_id: str | None) -> tuple[Chain, str | None]:
    """(chain, validator address or None for the network) from the query."""
    raw = (validator_id or "").strip()
    if not raw:
        if chain is None or not chain.strip():
            raise InvalidInput(
                "chain is required without a validatorId.", details={"field": "chain"}
            )
        return parse_chain(chain), None
    prefix, colon, rest = raw.partition(":")
    if not colon:  # a bare address: the chain says which
        if chain is None or not chain.strip():
            raise InvalidInput(
                'chain is required with a bare address (or use "<chain>:<address>").',
                details={"field": "chain"},
            )
        return parse_chain(chain), raw
    named = parse_chain(prefix)
    if not rest:
        raise NotFound(f"No such {named.value} validator.", details={"field": "validatorId"})
    if chain is not None and chain.strip() and parse_chain(chain) is not named:
        raise InvalidInput(
            f"validatorId is a {named.value} validator, not {chain.strip().lower()}.",
            details={"field": "validatorId"},
        )
    return named, rest


async def read_history(
    uow: SqlUnitOfWork,
    chain: Chain,
    validator: str | None,
    tier: Tier,
    days: int | None,
    today: date,
) -> YieldHistoryRead:
    """The daily snapshots of the last `days` days up to `today` (default and cap: the
    tier's history days; more is clamped, not refused), oldest first; NotFound for a
    validator we do not know (one we know without snapshots has an empty history)."""
    if validator is not None and not await uow.validators.known(chain, validator):
        raise NotFound(f"No such {chain.value} validator.", details={"field": "validatorId"})
    limits = await tiers.limits_for(uow, tier)
    window = history_window(days, limits.history_days, today)
    points = await uow.yield_snapshots.history(chain, validator, window.first_day, today)
    return YieldHistoryRead(
        chain=chain, validator=validator, limits=limits, window=window, points=tuple(points)
    )
