"""The public validator list and detail: ids, sort orders and keyset positions.

A listing is ordered by (sort key, address), which is unique and stable between pages;
a page ends at a `PagePosition` (that pair of its last validator), and the next page
starts after it. How a position travels to the client (a signed cursor) is HTTP's
business, not this module's."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.chains import Observation, Validator, ValidatorStatus
from domain.errors import InvalidInput, NotFound
from domain.freshness import Freshness
from domain.models import Chain
from domain.vrs.model import ScoreConfidence, VrsStatus

NO_COMMISSION = "1"  # a validator without a commission sorts as 100 %
OBSERVATIONS_SHOWN = 48
BAD_ID = (
    "Validator ids look like 'sol:<vote account>', 'atom:<valoper address>', "
    "'eth:<index>' or 'eth:0x<pubkey>'."
)
ETH_INDEX_DIGITS = 18  # a validator index is a BIGINT: shorter digit strings only
ETH_PUBKEY = re.compile(r"^0x[0-9a-fA-F]{96}$")
ETH_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
UNSCORED_KEY = 1  # the vrs sort key of a validator without a total: after every -total


class ValidatorSort(StrEnum):
    STAKE = "stake"  # largest first (ETH: as balance)
    COMMISSION = "commission"  # lowest first, none last (not ETH)
    NAME = "name"  # case-insensitive, unnamed first (not ETH)
    BALANCE = "balance"  # ETH only: largest balance first, ties by the higher index
    INDEX = "index"  # ETH only: ascending
    VRS = "vrs"  # highest total in the caller's view first, unscored last


ETH_SORTS = frozenset(
    {ValidatorSort.STAKE, ValidatorSort.BALANCE, ValidatorSort.INDEX, ValidatorSort.VRS}
)
SET_SORTS = frozenset(
    {ValidatorSort.STAKE, ValidatorSort.COMMISSION, ValidatorSort.NAME, ValidatorSort.VRS}
)


def default_sort(chain: Chain) -> ValidatorSort:
    return ValidatorSort.INDEX if chain is Chain.ETH else ValidatorSort.STAKE


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What a listing is narrowed to: `search` (not ETH: 1.1M rows have no name to
    search), `status`, and (ETH only) the withdrawal address, lower-cased."""

    search: str | None = None
    status: ValidatorStatus | None = None
    withdrawal_address: str | None = None


NO_FILTER = ListFilter()


def check_listing(chain: Chain, sort: ValidatorSort, filters: ListFilter) -> None:
    """InvalidInput for a sort or filter the chain's list does not have."""
    if chain is Chain.ETH:
        if sort not in ETH_SORTS:
            raise InvalidInput(
                "ETH validators sort by index, balance, stake (as balance) or vrs, "
                f"not {sort.value}.",
                details={"field": "sort"},
            )
        if filters.search:
            raise InvalidInput(
                "ETH validators are not searched by text; filter by withdrawalAddress or "
                "open eth:<index> / eth:0x<pubkey> directly.",
                details={"field": "q"},
            )
        if filters.withdrawal_address is not None and not ETH_ADDRESS.match(
            filters.withdrawal_address
        ):
            raise InvalidInput(
                "withdrawalAddress is 0x and 40 hex digits.",
                details={"field": "withdrawalAddress"},
            )
        return
    if sort not in SET_SORTS:
        raise InvalidInput(
            f"{chain.value} validators sort by stake, commission, name or vrs, not {sort.value}.",
            details={"field": "sort"},
        )
    if filters.withdrawal_address is not None:
        raise InvalidInput(
            "withdrawalAddress filters ETH validators only.",
            details={"field": "withdrawalAddress"},
        )


@dataclass(frozen=True, slots=True)
class PagePosition:
    """Where a page ended: the last validator's sort key and address."""

    # stake/balance: the negated amount; commission: its decimal text; name: lowered;
    # index: the index; vrs: the negated total (UNSCORED_KEY without one)
    key: int | str
    address: str


@dataclass(frozen=True, slots=True)
class LatestScore:
    """A validator's newest risk score as a list row shows it: its total in the
    caller's tier view (None while pending or with no factor in the view)."""

    status: VrsStatus
    confidence: ScoreConfidence
    total: int | None
    calculated_at: datetime


@dataclass(frozen=True, slots=True)
class EthDetails:
    """What the beacon chain says of an ETH validator (the stored set)."""

    index: int
    pubkey: str
    beacon_status: str  # e.g. active_ongoing
    balance: int  # gwei
    effective_balance: int  # gwei
    withdrawal_prefix: int
    withdrawal_address: str | None
    activation_epoch: int | None
    exit_epoch: int | None
    slashed: bool


@dataclass(frozen=True, slots=True)
class ListedValidator:
    validator: Validator
    vrs: LatestScore | None  # None: never scored
    eth: EthDetails | None = None  # ETH validators of the stored set


def sort_key(listed: ListedValidator, sort: ValidatorSort) -> int | str:
    validator = listed.validator
    if sort is ValidatorSort.VRS:
        total = None if listed.vrs is None else listed.vrs.total
        return UNSCORED_KEY if total is None else -total
    if listed.eth is not None:
        if sort is ValidatorSort.INDEX:
            return listed.eth.index
        if sort in (ValidatorSort.BALANCE, ValidatorSort.STAKE):
            return -listed.eth.balance
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


def eth_key(address: str) -> int | str | None:
    """An ETH validator id's address part as the index (int) or the lower-case pubkey
    (str); None when it is neither."""
    if address.isascii() and address.isdigit() and len(address) <= ETH_INDEX_DIGITS:
        return int(address)
    if ETH_PUBKEY.match(address):
        return address.lower()
    return None


@dataclass(frozen=True, slots=True)
class ValidatorPage:
    chain: Chain
    sort: ValidatorSort
    limit: int
    validators: Sequence[ListedValidator]
    next: PagePosition | None  # None: this is the last page
    freshness: Freshness  # of the chain's validator set
    prices: Mapping[str, Decimal]  # currency -> the newest price of the chain's coin


@dataclass(frozen=True, slots=True)
class ValidatorDetail:
    listed: ListedValidator
    observations: Sequence[Observation]  # newest first, the last OBSERVATIONS_SHOWN
    freshness: Freshness
    prices: Mapping[str, Decimal]
