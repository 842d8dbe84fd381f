"""Validator use-case results -> wire models, and the list's signed cursor (a decoded
`PagePosition` inside, signed so that nothing a client makes up reaches a query)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from api.cursors import CursorSigner
from api.presenters.chain_values import amount_of, decimal_text, freshness
from api.schemas.common import Amount
from api.schemas.validators import (
    ObservationOut,
    ValidatorDetailOut,
    ValidatorListMeta,
    ValidatorOut,
)
from domain.chains import Observation, Validator
from domain.errors import InvalidCursor
from domain.models import Chain
from domain.validators import PagePosition, ValidatorDetail, ValidatorPage, ValidatorSort

# -- amounts and rates ------------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def amount(chain: Chain, base_units: int, prices: Mapping[str, Decimal] | None) -> Amount:
    """Contract v1's amount at the chain's `prices` (currency -> price; None: no fiat,
    e.g. a past amount)."""
    return amount_of(chain, base_units, {(chain.value, c): p for c, p in (prices or {}).items()})


freshness_out = freshness  # one presenter of the freshness block (chain_values)


# -- validators -----------------------------------------------------------------------------


def _validator(v: Validator, prices: Mapping[str, Decimal]) -> dict[str, Any]:
    return {
        "id": f"{v.chain.value}:{v.address}",
        "chain": v.chain,
        "address": v.address,
        "name": v.name,
        "status": v.status,
        "stake": amount(v.chain, v.stake, prices),
        "commission": _text(v.commission),
        "jailed": v.jailed,
        "slashed": v.slashed,
        "identity": dict(v.identity),
        "fetched_at": v.fetched_at,
    }


def _observation(o: Observation) -> ObservationOut:
    return ObservationOut(
        observed_at=o.observed_at,
        status=o.status,
        stake=None if o.stake is None else amount(o.chain, o.stake, None),
        commission=_text(o.commission),
        jailed=o.jailed,
        slashed=o.slashed,
        tombstoned=o.tombstoned,
        uptime=_text(o.uptime),
        performance=_text(o.performance),
        skip_rate=_text(o.skip_rate),
        missed_blocks=o.missed_blocks,
        version=o.version,
    )


def page_out(page: ValidatorPage) -> list[ValidatorOut]:
    return [ValidatorOut(**_validator(v, page.prices)) for v in page.validators]


def page_meta(page: ValidatorPage, signer: CursorSigner) -> ValidatorListMeta:
    fresh = freshness_out(page.freshness)
    return ValidatorListMeta(
        next_cursor=None if page.next is None else sign(signer, page, page.next),
        limit=page.limit,
        chain=page.chain,
        sort=page.sort,
        fetched_at=fresh.fetched_at,
        stale=fresh.stale,
        last_error=fresh.last_error,
    )


def detail_out(detail: ValidatorDetail) -> ValidatorDetailOut:
    return ValidatorDetailOut(
        **_validator(detail.validator, detail.prices),
        observations=[_observation(o) for o in detail.observations],
    )


# -- cursors --------------------------------------------------------------------------------

_DECIMAL = re.compile(r"^[0-9]{1,30}(\.[0-9]{1,30})?$")
BIGINT_LIMIT = 2**63  # stake is a BIGINT column


def sign(signer: CursorSigner, page: ValidatorPage, position: PagePosition) -> str:
    return signer.sign(
        {"c": page.chain.value, "s": page.sort.value, "k": position.key, "a": position.address}
    )


def _resume_key(sort: ValidatorSort, key: object) -> int | str | None:
    """The sort key in a cursor when it is one this sort issues (exact types: a bool is
    not a stake), else None."""
    if sort is ValidatorSort.STAKE:
        if isinstance(key, int) and not isinstance(key, bool):
            return key if -BIGINT_LIMIT <= key < BIGINT_LIMIT else None
        return None
    if not isinstance(key, str):
        return None
    if sort is ValidatorSort.COMMISSION and not _DECIMAL.match(key):
        return None
    return key


def position(signer: CursorSigner, cursor: str, chain: Chain, sort: ValidatorSort) -> PagePosition:
    """Where a signed cursor of this listing resumes; InvalidCursor for anything else."""
    values = signer.verify(cursor)
    key, address = _resume_key(sort, values.get("k")), values.get("a")
    if (
        values.get("c") != chain.value
        or values.get("s") != sort.value
        or key is None
        or not isinstance(address, str)
        or not address
    ):
        raise InvalidCursor(
            "The cursor belongs to another listing; use the nextCursor of this one.",
            details={"field": "cursor"},
        )
    return PagePosition(key, address)
