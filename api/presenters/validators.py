"""Validator use-case results -> wire models, and the list's signed cursor (a decoded
`PagePosition` inside, signed so that nothing a client makes up reaches a query)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from api.cursors import CursorSigner
from api.presenters.chain_values import amount_of, decimal_text, freshness
from api.presenters.vrs import PENDING_SUMMARY
from api.schemas.common import Amount
from api.schemas.validators import (
    EthValidatorOut,
    ObservationOut,
    ValidatorDetailOut,
    ValidatorListMeta,
    ValidatorOut,
)
from api.schemas.vrs import VrsSummaryOut
from domain.chains import Observation
from domain.errors import InvalidCursor
from domain.models import Chain
from domain.validators import (
    ETH_INDEX_DIGITS,
    UNSCORED_KEY,
    EthDetails,
    LatestScore,
    ListedValidator,
    PagePosition,
    ValidatorDetail,
    ValidatorPage,
    ValidatorSort,
)
from domain.vrs.model import band_of

# -- amounts and rates ------------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def amount(chain: Chain, base_units: int, prices: Mapping[str, Decimal] | None) -> Amount:
    """Contract v1's amount at the chain's `prices` (currency -> price; None: no fiat,
    e.g. a past amount)."""
    return amount_of(chain, base_units, {(chain.value, c): p for c, p in (prices or {}).items()})


freshness_out = freshness  # one presenter of the freshness block (chain_values)


# -- validators -----------------------------------------------------------------------------


def vrs_summary(score: LatestScore | None) -> VrsSummaryOut:
    """The list-row form of a newest score (api.presenters.vrs.summary_out's shape, from
    the vrs_latest row the list query joins)."""
    if score is None:
        return PENDING_SUMMARY
    return VrsSummaryOut(
        total=score.total,
        band=None if score.total is None else band_of(score.total),
        confidence=score.confidence,
        status=score.status,
    )


def _eth(e: EthDetails, prices: Mapping[str, Decimal]) -> EthValidatorOut:
    return EthValidatorOut(
        index=e.index,
        pubkey=e.pubkey,
        beacon_status=e.beacon_status,
        balance=amount(Chain.ETH, e.balance, prices),
        effective_balance=amount(Chain.ETH, e.effective_balance, prices),
        withdrawal_address=e.withdrawal_address,
        withdrawal_prefix=e.withdrawal_prefix,
        activation_epoch=e.activation_epoch,
        exit_epoch=e.exit_epoch,
    )


def _validator(listed: ListedValidator, prices: Mapping[str, Decimal]) -> dict[str, Any]:
    v = listed.validator
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
        "vrs": vrs_summary(listed.vrs),
        "eth": None if listed.eth is None else _eth(listed.eth, prices),
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
        **_validator(detail.listed, detail.prices),
        observations=[_observation(o) for o in detail.observations],
    )


# -- cursors --------------------------------------------------------------------------------

_DECIMAL = re.compile(r"^[0-9]{1,30}(\.[0-9]{1,30})?$")
BIGINT_LIMIT = 2**63  # stake is a BIGINT column


def sign(signer: CursorSigner, page: ValidatorPage, position: PagePosition) -> str:
    return signer.sign(
        {"c": page.chain.value, "s": page.sort.value, "k": position.key, "a": position.address}
    )


def _int_key(key: object) -> int | None:
    """An integer key (exact type: a bool is not a number) within BIGINT."""
    if isinstance(key, int) and not isinstance(key, bool) and -BIGINT_LIMIT <= key < BIGINT_LIMIT:
        return key
    return None


def _resume_key(sort: ValidatorSort, key: object) -> int | str | None:
    """The sort key in a cursor when it is one this sort issues, else None."""
    if sort in (ValidatorSort.STAKE, ValidatorSort.BALANCE, ValidatorSort.INDEX):
        return _int_key(key)
    if sort is ValidatorSort.VRS:
        number = _int_key(key)
        return number if number is not None and -100 <= number <= UNSCORED_KEY else None
    if not isinstance(key, str):
        return None
    if sort is ValidatorSort.COMMISSION and not _DECIMAL.match(key):
        return None
    return key


def _resume_address(chain: Chain, address: object) -> str | None:
    if not isinstance(address, str) or not address:
        return None
    if chain is Chain.ETH and not (
        address.isascii() and address.isdigit() and len(address) <= ETH_INDEX_DIGITS
    ):
        return None
    return address


def position(signer: CursorSigner, cursor: str, chain: Chain, sort: ValidatorSort) -> PagePosition:
    """Where a signed cursor of this listing resumes; InvalidCursor for anything else."""
    values = signer.verify(cursor)
    key = _resume_key(sort, values.get("k"))
    address = _resume_address(chain, values.get("a"))
    if (
        values.get("c") != chain.value
        or values.get("s") != sort.value
        or key is None
        or not address
    ):
        raise InvalidCursor(
            "The cursor belongs to another listing; use the nextCursor of this one.",
            details={"field": "cursor"},
        )
    assert address is not None
    return PagePosition(key, address)
