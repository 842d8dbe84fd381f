"""The public validator list and detail: ids, sort orders and keyset positions.

A listing is ordered by (sort key, address), which is unique and stable between pages;
a page ends at a `PagePosition` (that pair of its last validator), and the next page
starts after it. How a position travels to the client (a signed cursor) is HTTP's
business, not this module's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.chains import Observation, Validator
from domain.errors import NotFound
from domain.freshness import Freshness
from domain.models import Chain

NO_COMMISSION = "1"  # a validator without a commission sorts as 100 %
OBSERVATIONS_SHOWN = 48
BAD_ID = "Validator ids look like 'sol:<vote account>' or 'eth:<index>'."


class ValidatorSort(StrEnum):
    STAKE = "stake"  # largest first
    COMMISSION = "commission"  # lowest first, none last
    NAME = "name"  # case-insensitive, unnamed first


@dataclass(frozen=True, slots=True)
class PagePosition:
    """Where a page ended: the last validator's sort key and address."""

    key: int | str  # stake: the negated stake; commission: its decimal text; name: lowered
    address: str


def sort_key(validator: Validator, sort: ValidatorSort) -> int | str:
    if sort is ValidatorSort.STAKE:
        return -validator.stake
    if sort is ValidatorSort.COMMISSION:
        commission = validator.commission
        return NO_COMMISSION if commission is None else format(commission, "f")
    return (validator.name or "").lower()


def parse_validator_id(validator_id: str) -> tuple[Chain, str]:
    """`<chain>:<address>` -> (chain, address); NotFound when it is not one."""
    chain, _, address = validator_id.partition(":")
    if chain not in {c.value for c in Chain} or not address:
        raise NotFound(BAD_ID)
    return Chain(chain), address


@dataclass(frozen=True, slots=True)
class ValidatorPage:
    chain: Chain
    sort: ValidatorSort
    limit: int
    validators: Sequence[Validator]
    next: PagePosition | None  # None: this is the last page
    freshness: Freshness  # of the chain's validator set
    prices: Mapping[str, Decimal]  # currency -> the newest price of the chain's coin


@dataclass(frozen=True, slots=True)
class ValidatorDetail:
    validator: Validator
    observations: Sequence[Observation]  # newest first, the last OBSERVATIONS_SHOWN
    freshness: Freshness
    prices: Mapping[str, Decimal]
